"""The ledger: hours moved between accounts (transfers, reversals, tutor credits, gifts, grants).

A transfer locks the rows of the accounts it touches in ascending pk order, the one order every
transaction here uses, so concurrent transfers queue instead of deadlocking: on PostgreSQL with
SELECT ... FOR UPDATE, on SQLite because the transaction is IMMEDIATE. The limits are checked on
the locked rows, and the database's check constraints stand behind that check. An exchange request
is locked before the accounts of the transfer that pays it, never after.

Idempotency keys are made here from the member and a token the server put in the form
(``gift:<member pk>:<token>``), never taken from the request as they are: a member could
otherwise reuse another's key and block their payment.
"""

import logging

from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from suite.tasks import enqueue_on_commit

from .. import tasks
from ..errors import TransferError
from ..formatting import hours
from ..models import COMMONS, Account, Transfer
from .accounts import account_for, commons_account, lock_accounts
from .checks import MAX_MEMO, check_minutes, clean_text, form_key, require_perm

logger = logging.getLogger(__name__)

Kind = Transfer.Kind
# What a repeated request must have in common with the first to count as the same one.
SAME_REQUEST = ("payer_id", "payee_id", "minutes", "kind", "memo", "reference", "reverses_id", "recorded_by_id")


def _move(payer: Account, payee: Account, minutes: int) -> None:
    """Move ``minutes`` between the locked accounts in one UPDATE, and on the locked copies so that they stay true.

    Written out: on the path of every transfer, Django took longer to build the CASE than the
    database to run it.
    """
    table, balance, pk = (connection.ops.quote_name(name) for name in (Account._meta.db_table, "balance", "id"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {balance} = {balance} + CASE WHEN {pk} = %s THEN %s ELSE %s END "
            f"WHERE {pk} IN (%s, %s)",
            [payer.pk, -minutes, minutes, payer.pk, payee.pk],
        )
    payer.balance -= minutes
    payee.balance += minutes


def _replay(earlier: Transfer, transfer: Transfer) -> Transfer:
    """A request seen before gets the transfer it made; a key reused for anything else is refused."""
    if any(getattr(earlier, name) != getattr(transfer, name) for name in SAME_REQUEST):
        raise TransferError(_("This request was already used for a different transfer."), code="key_reused")
    return earlier


def _closed(account: Account) -> TransferError:
    return TransferError(_("The account of %(account)s is closed.") % {"account": account}, code="account_closed")


def refuse_if_closed(account: Account) -> None:
    if account.closed:
        raise _closed(account)


def _refusal(payer: Account, payee: Account, minutes: int) -> TransferError | None:
    """Why the locked accounts cannot move ``minutes`` now (closed, or a limit), or None."""
    for account in (payer, payee):
        if account.closed:
            return _closed(account)
    if payer.min_balance is not None and payer.balance - minutes < payer.min_balance:
        return TransferError(
            _("Not enough credit: %(account)s has %(balance)s and may not go below %(limit)s.")
            % {"account": payer, "balance": hours(payer.balance), "limit": hours(payer.min_balance)},
            code="below_minimum",
        )
    if payee.max_balance is not None and payee.balance + minutes > payee.max_balance:
        return TransferError(
            _("%(account)s cannot receive that much: it has %(balance)s and may hold at most %(limit)s.")
            % {"account": payee, "balance": hours(payee.balance), "limit": hours(payee.max_balance)},
            code="above_maximum",
        )
    return None


def _insert_new(transfer: Transfer) -> bool:
    """Insert ``transfer`` unless its idempotency key is taken: one INSERT ... ON CONFLICT DO NOTHING.

    Where a savepoint around a plain INSERT took three round trips. A concurrent request with the
    same key that has not committed yet makes PostgreSQL wait for its end, then do nothing (or
    insert, if it rolled back). Written out because Django's ``bulk_create(ignore_conflicts=True)``
    gives no pk back; the receivers of ``post_save`` (the page cache) are told as by ``save()``.
    """
    meta, quote = Transfer._meta, connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(transfer, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) "
            f"ON CONFLICT ({quote('idempotency_key')}) DO NOTHING RETURNING {quote(meta.pk.column)}",
            values,
        )
        row = cursor.fetchone()
    if row is None:
        return False
    transfer.pk = row[0]
    transfer._state.adding, transfer._state.db = False, connection.alias
    post_save.send(Transfer, instance=transfer, created=True, update_fields=None, raw=False, using=connection.alias)
    return True


def _write(transfer: Transfer) -> Transfer:
    """Save the unsaved ``transfer`` and move the balances, unless its idempotency key is known.

    The accounts are locked first and the key is looked up only when the insert finds it taken,
    or when the rules refuse: a request seen before gets the transfer it made even if the
    balance could not pay it again now.
    """
    payer, payee = transfer.payer, transfer.payee
    locked = lock_accounts(payer, payee)
    # The caller's copies made true from the locked rows, not replaced by them: what they had
    # loaded (the member, for the name in a message) is kept.
    for account in (payer, payee):
        fresh = locked[account.pk]
        account.balance, account.min_balance, account.max_balance, account.closed = (
            fresh.balance,
            fresh.min_balance,
            fresh.max_balance,
            fresh.closed,
        )
    minutes = transfer.minutes
    refusal = _refusal(payer, payee, minutes)
    if refusal is None:
        # Exact because both rows are locked: no other transfer can move either balance before this one commits.
        transfer.payer_balance_after = payer.balance - minutes
        transfer.payee_balance_after = payee.balance + minutes
        if _insert_new(transfer):
            _move(payer, payee, minutes)
            return transfer
    earlier = Transfer.objects.filter(idempotency_key=transfer.idempotency_key).first()
    if earlier is not None:
        return _replay(earlier, transfer)
    if refusal is None:  # the key was taken, yet no row has it: never, while transfers are not deleted
        raise IntegrityError(f"idempotency key {transfer.idempotency_key!r} is taken by no transfer")
    raise refusal


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
    notify_payee: bool = False,
) -> Transfer:
    """Pay ``minutes`` from one account to another, once per idempotency key (a retry pays nothing more).

    ``notify_payee``: the payee's member is mailed about it once it commits (gifts and grants).
    """
    check_minutes(minutes)
    if kind not in Kind.values or kind == Kind.REVERSAL:
        raise TransferError(_("Choose what kind of transfer this is."), code="bad_kind")
    if payer.pk == payee.pk:
        raise TransferError(_("You cannot pay your own account."), code="self_payment")
    if not idempotency_key or len(idempotency_key) > 200 or len(reference) > 200:
        raise TransferError(_("This request is incomplete; reload the page and try again."), code="bad_request")
    transfer = _write(
        Transfer(
            payer=payer,
            payee=payee,
            minutes=minutes,
            kind=kind,
            memo=memo,
            reference=reference,
            idempotency_key=idempotency_key,
            recorded_by=recorded_by,
            payee_notice_due=notify_payee,
        )
    )
    if transfer.payee_notice_due:
        enqueue_on_commit(tasks.send_transfer_mail, transfer_id=transfer.pk)
    return transfer


@transaction.atomic
def transfer_reverse(*, transfer: Transfer, reason: str, recorded_by) -> Transfer:
    """Undo a transfer with a new one the other way, since the ledger is append-only; coordinators only."""
    if not recorded_by.has_perm("timebank.reverse_transfer"):
        raise TransferError(_("Only a coordinator can reverse a transfer."), code="forbidden")
    if not reason.strip():
        raise TransferError(_("Give the reason for the reversal."), code="no_reason")
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
    lock_accounts(commons, *accounts)  # all at once: one transaction locking several pairs must keep the pk order too
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


@transaction.atomic
def gift_create(*, giver_member, to: Account, minutes: int, memo: str = "", form_token: str) -> Transfer:
    """A member gives hours to another member (who is mailed) or back to the commons; the same form
    sent twice gives once."""
    memo = clean_text(memo, name="memo", limit=MAX_MEMO)
    key = form_key("gift", giver_member, form_token)
    if to.member_id is None and to.system_name != COMMONS:
        raise TransferError(_("Hours can be given to a member or to the commons."), code="bad_payee")
    return transfer_create(
        payer=account_for(giver_member),
        payee=to,
        minutes=minutes,
        kind=Kind.GIFT,
        memo=memo,
        idempotency_key=key,
        recorded_by=giver_member,
        notify_payee=to.member_id is not None,  # the commons has no one to tell
    )


@transaction.atomic
def grant_create(*, to: Account, minutes: int, memo: str, by, form_token: str) -> Transfer:
    """A coordinator credits a member from the commons (work done outside the platform, a correction);
    the member is mailed."""
    require_perm(by, "timebank.grant_credit", _("Only a coordinator can grant credit."), TransferError)
    memo = clean_text(memo, name="memo", limit=MAX_MEMO, required=_("Say what the credit is for."))
    key = form_key("grant", by, form_token)
    if to.member_id is None:
        raise TransferError(_("Credit can only be granted to a member."), code="bad_payee")
    return transfer_create(
        payer=commons_account(),
        payee=to,
        minutes=minutes,
        kind=Kind.GRANT,
        memo=memo,
        idempotency_key=key,
        recorded_by=by,
        notify_payee=True,
    )
