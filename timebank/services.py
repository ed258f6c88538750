"""Writes of the timebank: accounts, transfers, reversals, tutor credits.

A transfer locks the rows of the accounts it touches in ascending pk order, the one order every
transaction here uses, so concurrent transfers queue instead of deadlocking: on PostgreSQL with
SELECT ... FOR UPDATE, on SQLite because the transaction is IMMEDIATE. The limits are checked on
the locked rows, and the database's check constraints stand behind that check.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .models import COMMONS, Account, Transfer

logger = logging.getLogger(__name__)

Kind = Transfer.Kind
# About two years of round-the-clock time: keeps a slip of the keyboard out of the ledger even
# between two accounts without limits.
MAX_TRANSFER_MINUTES = 1_000_000
# What a repeated request must have in common with the first to count as the same one.
SAME_REQUEST = ("payer_id", "payee_id", "minutes", "kind", "memo", "reference", "reverses_id", "recorded_by_id")


class TransferError(Exception):
    """A request the rules refuse; ``message`` is translated, ``status`` is the HTTP code."""

    def __init__(self, message, *, code: str, status: int = 409):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def account_for(member) -> Account:
    """The member's account, opened on first need with the limits from settings (no signal: a plugin)."""
    account, _created = Account.objects.get_or_create(
        member=member,
        defaults={
            "min_balance": getattr(settings, "TIMEBANK_MIN_BALANCE_MINUTES", -600),
            "max_balance": getattr(settings, "TIMEBANK_MAX_BALANCE_MINUTES", 6000),
        },
    )
    return account


def commons_account() -> Account:
    """The NLU commons issues the credits, so it has no limits and its balance runs negative."""
    account, _created = Account.objects.get_or_create(system_name=COMMONS)
    return account


def _lock(*accounts: Account) -> dict[int, Account]:
    """Lock the accounts' rows one by one in ascending pk order; fresh copies by pk."""
    return {pk: Account.objects.select_for_update().get(pk=pk) for pk in sorted({a.pk for a in accounts})}


def _move(account: Account, minutes: int) -> None:
    """Add ``minutes`` (negative: take) in the database, and to the locked copy so that it stays true."""
    Account.objects.filter(pk=account.pk).update(balance=F("balance") + minutes)
    account.balance += minutes


def _replay(earlier: Transfer, transfer: Transfer) -> Transfer:
    """A request seen before gets the transfer it made; a key reused for anything else is refused."""
    if any(getattr(earlier, name) != getattr(transfer, name) for name in SAME_REQUEST):
        raise TransferError(_("This request was already used for a different transfer."), code="key_reused", status=409)
    return earlier


def _write(transfer: Transfer) -> Transfer:
    """Save the unsaved ``transfer`` and move the balances, unless its idempotency key is known."""
    earlier = Transfer.objects.filter(idempotency_key=transfer.idempotency_key).first()
    if earlier is not None:
        return _replay(earlier, transfer)
    locked = _lock(transfer.payer, transfer.payee)
    payer, payee = transfer.payer, transfer.payee = locked[transfer.payer_id], locked[transfer.payee_id]
    for account in (payer, payee):
        if account.closed:
            raise TransferError(
                _("The account of %(account)s is closed.") % {"account": account}, code="account_closed"
            )
    minutes = transfer.minutes
    if payer.min_balance is not None and payer.balance - minutes < payer.min_balance:
        raise TransferError(
            _("Not enough credit: %(account)s has %(balance)s minutes and may not go below %(limit)s.")
            % {"account": payer, "balance": payer.balance, "limit": payer.min_balance},
            code="below_minimum",
        )
    if payee.max_balance is not None and payee.balance + minutes > payee.max_balance:
        raise TransferError(
            _("%(account)s cannot receive that much: it has %(balance)s minutes and may hold at most %(limit)s.")
            % {"account": payee, "balance": payee.balance, "limit": payee.max_balance},
            code="above_maximum",
        )
    try:
        # A savepoint: when a concurrent request with the same key wins the insert, this
        # transaction stays usable to read the winner's transfer.
        with transaction.atomic():
            transfer.save(force_insert=True)
    except IntegrityError:
        earlier = Transfer.objects.filter(idempotency_key=transfer.idempotency_key).first()
        if earlier is None:
            raise
        return _replay(earlier, transfer)
    _move(payer, -minutes)
    _move(payee, minutes)
    return transfer


@transaction.atomic
def transfer_create(
    *,
    payer: Account,
    payee: Account,
    minutes: int,
    kind: str,
    memo: str = "",
    reference: str = "",
    idempotency_key: str,
    recorded_by=None,
) -> Transfer:
    """Pay ``minutes`` from one account to another, once per idempotency key (a retry pays nothing more)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MAX_TRANSFER_MINUTES:
        raise TransferError(
            _("Give a whole number of minutes from 1 to %(max)s.") % {"max": MAX_TRANSFER_MINUTES},
            code="bad_amount",
            status=400,
        )
    if kind not in Kind.values or kind == Kind.REVERSAL:
        raise TransferError(_("Choose what kind of transfer this is."), code="bad_kind", status=400)
    if payer.pk == payee.pk:
        raise TransferError(_("You cannot pay your own account."), code="self_payment", status=400)
    if not idempotency_key or len(idempotency_key) > 200 or len(reference) > 200:
        raise TransferError(
            _("This request is incomplete; reload the page and try again."), code="bad_request", status=400
        )
    return _write(
        Transfer(
            payer=payer,
            payee=payee,
            minutes=minutes,
            kind=kind,
            memo=memo,
            reference=reference,
            idempotency_key=idempotency_key,
            recorded_by=recorded_by,
        )
    )


@transaction.atomic
def transfer_reverse(*, transfer: Transfer, reason: str, recorded_by) -> Transfer:
    """Undo a transfer with a new one the other way, since the ledger is append-only; coordinators only."""
    if not recorded_by.has_perm("timebank.reverse_transfer"):
        raise TransferError(_("Only a coordinator can reverse a transfer."), code="forbidden", status=403)
    if not reason.strip():
        raise TransferError(_("Give the reason for the reversal."), code="no_reason", status=400)
    # Locked before the accounts (and only ever here): a concurrent second reversal waits, then sees the first.
    original = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if original.kind == Kind.REVERSAL:
        raise TransferError(
            _("A reversal cannot be reversed; record a new transfer instead."), code="reversal_of_reversal"
        )
    if Transfer.objects.filter(reverses=original).exists():
        raise TransferError(_("This transfer has already been reversed."), code="already_reversed")
    return _write(
        Transfer(
            payer=original.payee,
            payee=original.payer,
            minutes=original.minutes,
            kind=Kind.REVERSAL,
            memo=reason.strip(),
            reference=original.reference,
            idempotency_key=f"reversal:{original.pk}",
            reverses=original,
            recorded_by=recorded_by,
        )
    )


@transaction.atomic
def tutoring_award(*, webinar) -> list[Transfer]:
    """The seminars settlement hook: each tutor earns the session's scheduled length from the commons.

    ``webinar`` is duck-typed (pk, title, duration_minutes, tutors) so that timebank imports no
    other app. The key names the session and the tutor, so each tutor is paid once however often
    the hook runs. A tutor whose account refuses the credit (closed, at its maximum) is logged and
    skipped, so that the others are still paid.
    """
    commons = commons_account()
    tutors = sorted(webinar.tutors.all(), key=lambda tutor: tutor.pk)
    accounts = [account_for(tutor) for tutor in tutors]
    _lock(commons, *accounts)  # all at once: one transaction locking several pairs must keep the pk order too
    awards = []
    for tutor, account in zip(tutors, accounts, strict=True):
        try:
            awards.append(
                transfer_create(
                    payer=commons,
                    payee=account,
                    minutes=webinar.duration_minutes,
                    kind=Kind.TUTORING,
                    memo=webinar.title,
                    reference=f"seminars.webinar:{webinar.pk}",
                    idempotency_key=f"tutoring:webinar:{webinar.pk}:tutor:{tutor.pk}",
                )
            )
        except TransferError as error:
            logger.warning("No tutoring credit for user %s from webinar %s: %s", tutor.pk, webinar.pk, error.code)
    return awards
