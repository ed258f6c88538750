import itertools

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from tests.factories import UserFactory
from timebank.models import Account, Transfer
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
    user = UserFactory(username="coordinator-of-the-timebank")
    user.user_permissions.add(Permission.objects.get(codename="reverse_transfer"))
    return user
