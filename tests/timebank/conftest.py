import itertools

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from suite.errors import Refusal
from tests.factories import UserFactory
from timebank.errors import TransferError
from timebank.models import Account, ExchangeRequest, Offer, Transfer
from timebank.services import account_for, commons_account, transfer_create

_keys = itertools.count(1)


def new_key() -> str:
    return f"test-request-{next(_keys)}"


def pay(
    payer: Account, payee: Account, minutes, *, kind: str = "exchange", key: str | None = None, **fields
) -> Transfer:
    """A transfer through the service, with a new idempotency key unless one is given."""
    return transfer_create(
        payer=payer,
        payee=payee,
        minutes=minutes,
        kind=kind,
        idempotency_key=new_key() if key is None else key,
        **fields,
    )


def grant(account: Account, minutes: int) -> Transfer:
    """Credit from the commons, as a coordinator would grant it."""
    return pay(commons_account(), account, minutes, kind="grant")


def stored() -> dict:
    """Every row the timebank keeps, as values: any write shows as a difference."""
    return {
        "transfers": list(Transfer.objects.order_by("pk").values()),
        "accounts": list(Account.objects.order_by("pk").values()),
        "requests": list(ExchangeRequest.objects.order_by("pk").values()),
        "offers": list(Offer.objects.order_by("pk").values()),
    }


def refused(work, kind: type[Refusal] = TransferError) -> Refusal:
    """The refusal (of ``kind``) ``work()`` meets; nothing the timebank stores may have changed."""
    before = stored()
    with pytest.raises(kind) as refusal:
        work()
    assert stored() == before
    return refusal.value


def balances(*accounts: Account) -> list[int]:
    """The balances as stored now, in the order given."""
    stored = dict(Account.objects.filter(pk__in=[a.pk for a in accounts]).values_list("pk", "balance"))
    return [stored[a.pk] for a in accounts]


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English, whatever language an earlier test's request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def member_zones(settings):
    """Pages in the signed-in member's own time zone, as a host shows them: here through the kit's
    middleware (suite.middleware), which a host without one of its own adds."""
    middleware = "suite.middleware.MemberTimezoneMiddleware"
    if middleware not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, middleware]


@pytest.fixture
def make_account(db):
    """A new member's account: the default limits from settings, or the ones given."""

    def make(**limits) -> Account:
        account = account_for(UserFactory())
        if limits:
            Account.objects.filter(pk=account.pk).update(**limits)
            account.refresh_from_db()
        return account

    return make


@pytest.fixture
def coordinator(db):
    """May reverse transfers, grant credit, change accounts and anyone's offers."""
    return coordinator_with(
        "reverse_transfer",
        "grant_credit",
        "change_account",
        "change_offer",
        username="coordinator-of-the-timebank",
    )


def coordinator_with(*codenames: str, username: str, **fields):
    user = UserFactory(username=username, **fields)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="timebank", codename__in=codenames))
    return user


def wrong_balances_after() -> list[tuple]:
    """Each side of a transfer whose stored balance after differs from the running total there.

    Added up here in Python, apart from the audit's SQL, so that each checks the other.
    """
    running: dict[int, int] = {}
    wrong = []
    for pk, payer, payee, minutes, payer_after, payee_after in Transfer.objects.order_by("pk").values_list(
        "pk", "payer_id", "payee_id", "minutes", "payer_balance_after", "payee_balance_after"
    ):
        running[payer] = running.get(payer, 0) - minutes
        running[payee] = running.get(payee, 0) + minutes
        for side, account, stored in (("payer", payer, payer_after), ("payee", payee, payee_after)):
            if stored != running[account]:
                wrong.append((pk, side, stored, running[account]))
    return wrong
