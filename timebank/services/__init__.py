"""Writes of the timebank: accounts, transfers, reversals, tutor credits, offers, exchanges, gifts.

A transfer locks the rows of the accounts it touches in ascending pk order, the one order every
transaction here uses, so concurrent transfers queue instead of deadlocking: on PostgreSQL with
SELECT ... FOR UPDATE, on SQLite because the transaction is IMMEDIATE. The limits are checked on
the locked rows, and the database's check constraints stand behind that check. An exchange request
is locked before the accounts of the transfer that pays it, never after.

Idempotency keys are made here from the member and a token the server put in the form
(``gift:<member pk>:<token>``), never taken from the request as they are: a member could
otherwise reuse another's key and block their payment.
"""

import datetime
import logging

from django.db import IntegrityError, connection, models, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import tasks
from ..conf import app_settings
from ..errors import AccountError, OfferError, TransferError
from ..formatting import hours
from ..models import COMMONS, Account, ExchangeRequest, Offer, Transfer
from .accounts import (
    account_close,
    account_for,
    account_reopen,
    account_set_limits,
    commons_account,
    lock_accounts,
    member_limits,
)
from .checks import (
    MAX_FORM_TOKEN,
    MAX_MEMO,
    MAX_TRANSFER_MINUTES,
    check_minutes,
    clean_text,
    form_key,
    require_perm,
)
from .offers import offer_close, offer_create, offer_reopen, offer_update

__all__ = [
    "MAX_TRANSFER_MINUTES",
    "AccountError",
    "OfferError",
    "TransferError",
    "account_close",
    "account_for",
    "account_reopen",
    "account_set_limits",
    "commons_account",
    "exchange_cancel",
    "exchange_confirm",
    "exchange_decline",
    "exchange_expire_due",
    "exchange_request_create",
    "gift_create",
    "grant_create",
    "member_limits",
    "offer_close",
    "offer_create",
    "offer_reopen",
    "offer_update",
    "transfer_create",
    "transfer_reverse",
    "tutoring_award",
]

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


def _refuse_if_closed(account: Account) -> None:
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
) -> Transfer:
    """Pay ``minutes`` from one account to another, once per idempotency key (a retry pays nothing more)."""
    check_minutes(minutes)
    if kind not in Kind.values or kind == Kind.REVERSAL:
        raise TransferError(_("Choose what kind of transfer this is."), code="bad_kind")
    if payer.pk == payee.pk:
        raise TransferError(_("You cannot pay your own account."), code="self_payment")
    if not idempotency_key or len(idempotency_key) > 200 or len(reference) > 200:
        raise TransferError(_("This request is incomplete; reload the page and try again."), code="bad_request")
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


# --- Exchanges: one member asks, the other confirms ------------------------------------------------

Status = ExchangeRequest.Status


def _request_days() -> int:
    return app_settings.REQUEST_DAYS


def _mail_on_commit(request_id: int) -> None:
    """The request's mail, enqueued once the transaction commits.

    Robust: a broker that is down (or a host without one) costs the mail's delay, not the member's
    answer; the outbox sweep (``send_pending_exchange_mails``) sends what was not enqueued.
    """

    def enqueue_exchange_mail():  # a function, not a partial: Django logs a robust callback's failure by its name
        tasks.send_exchange_mail.delay(request_id=request_id)

    transaction.on_commit(enqueue_exchange_mail, robust=True)


def _same_request(earlier: ExchangeRequest, **asked) -> ExchangeRequest:
    """The request this form already made; the same form token with other values is refused."""
    if any(getattr(earlier, name) != value for name, value in asked.items()):
        raise TransferError(_("This request was already used for a different transfer."), code="key_reused")
    return earlier


@transaction.atomic
def exchange_request_create(
    *, creditor_member, debtor_member, minutes: int, memo: str = "", offer: Offer | None = None, form_token: str = ""
) -> ExchangeRequest:
    """``creditor_member`` helped ``debtor_member`` and asks them to confirm ``minutes``; nothing is paid yet.

    Refused at once when the debtor could not pay it even today, since confirming would fail;
    the message does not tell the creditor the debtor's balance. ``form_token`` (made by the
    server into the form) makes the same form sent twice one request.
    """
    check_minutes(minutes)
    if creditor_member.pk == debtor_member.pk:
        raise TransferError(_("You cannot ask yourself for hours."), code="self_payment")
    if offer is not None and offer.author_id not in (creditor_member.pk, debtor_member.pk):
        raise TransferError(
            _("That offer was posted by someone else; choose one of yours or theirs."),
            code="bad_offer",
        )
    memo = clean_text(
        memo or (offer.title if offer else ""), name="memo", limit=MAX_MEMO, required=_("Say what the hours were for.")
    )
    if len(form_token) > MAX_FORM_TOKEN:
        raise TransferError(_("This request is incomplete; reload the page and try again."), code="bad_request")
    creditor, debtor = account_for(creditor_member), account_for(debtor_member)
    asked = {"debtor_id": debtor.pk, "minutes": minutes, "memo": memo, "offer_id": offer.pk if offer else None}
    if form_token:
        earlier = ExchangeRequest.objects.filter(creditor=creditor, form_token=form_token).first()
        if earlier is not None:
            return _same_request(earlier, **asked)
    if creditor.closed:
        raise TransferError(_("Your account is closed."), code="account_closed")
    _refuse_if_closed(debtor)
    if creditor.max_balance is not None and creditor.balance + minutes > creditor.max_balance:
        raise TransferError(
            _("You cannot receive that much: your account has %(balance)s and may hold at most %(limit)s.")
            % {"balance": hours(creditor.balance), "limit": hours(creditor.max_balance)},
            code="above_maximum",
        )
    if debtor.min_balance is not None and debtor.balance - minutes < debtor.min_balance:
        raise TransferError(
            _(
                "%(member)s cannot pay %(amount)s now: it would take their account below its limit. "
                "Ask for less, or ask again later."
            )
            % {"member": debtor, "amount": hours(minutes)},
            code="below_minimum",
        )
    pending_limit = app_settings.MAX_PENDING_REQUESTS
    if ExchangeRequest.objects.filter(creditor=creditor, status=Status.PENDING).count() >= pending_limit:
        raise TransferError(
            _("You already have %(count)s requests waiting for confirmation; wait until some are answered.")
            % {"count": pending_limit},
            code="too_many_pending",
        )
    now = timezone.now()
    request = ExchangeRequest(
        creditor=creditor,
        offer=offer,
        form_token=form_token,
        created_at=now,
        expires_at=now + datetime.timedelta(days=_request_days()),
        **asked,
    )
    if not form_token:
        request.save(force_insert=True)
    elif (earlier := _insert_once(request, creditor=creditor, form_token=form_token)) is not None:
        return _same_request(earlier, **asked)  # the same form, sent again at the same moment
    _mail_on_commit(request.pk)
    return request


def _decide(request: ExchangeRequest, status: str, now: datetime.datetime, **fields) -> None:
    """Record the outcome on the locked ``request``; its creditor hears of it by mail."""
    request.status, request.decided_at = status, now
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["status", "decided_at", *fields])
    if status != Status.CANCELLED:
        _mail_on_commit(request.pk)


def _not_pending(request: ExchangeRequest, now: datetime.datetime) -> TransferError | None:
    """Why a locked request can no longer be answered; one past its date is marked expired here."""
    if request.status == Status.PENDING and request.expires_at <= now:
        _decide(request, Status.EXPIRED, now)
    messages = {
        Status.PENDING: None,
        Status.CONFIRMED: _("This request is already confirmed; if that was a mistake, a coordinator can reverse it."),
        Status.DECLINED: _("This request was declined."),
        Status.CANCELLED: _("This request was withdrawn by the member who made it."),
        Status.EXPIRED: _("This request expired unconfirmed after %(days)s days; the member can ask again.")
        % {"days": _request_days()},
    }
    message = messages[request.status]
    return None if message is None else TransferError(message, code=f"already_{request.status}")


def _lock_request_for(request: ExchangeRequest, by, side: str) -> ExchangeRequest:
    """The request's row locked (before any account: the one order of locks) if ``by`` is its ``side``."""
    locked = ExchangeRequest.objects.select_for_update().get(pk=request.pk)
    account = locked.debtor if side == "debtor" else locked.creditor
    if account.member_id != by.pk:
        message = {
            "debtor": _("Only the member asked to pay can answer this request."),
            "creditor": _("Only the member who made this request can withdraw it."),
        }[side]
        raise TransferError(message, code="forbidden")
    return locked


def exchange_confirm(*, request: ExchangeRequest, by) -> Transfer:
    """The debtor confirms: the hours are paid, once, however often the form is sent.

    Confirming a request already confirmed gives its transfer again (a double click or a stale
    form shows the payment that was made, nothing new is written); one declined, withdrawn or
    expired is refused. An expiry found here is kept even though the confirmation is refused.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_request_for(request, by, "debtor")
        if locked.status == Status.CONFIRMED:
            return locked.transfer
        refusal = _not_pending(locked, now)
        if refusal is None:
            transfer = transfer_create(
                payer=locked.debtor,
                payee=locked.creditor,
                minutes=locked.minutes,
                kind=Kind.EXCHANGE,
                memo=locked.memo,
                reference=locked.reference,
                idempotency_key=f"exchange:{locked.pk}",
                recorded_by=by,
            )
            _decide(locked, Status.CONFIRMED, now, transfer=transfer)
            return transfer
    raise refusal


def exchange_decline(*, request: ExchangeRequest, by, reason: str = "") -> ExchangeRequest:
    """The debtor says no (with a reason the creditor reads, if given); nothing is paid."""
    reason = clean_text(reason, name="reason", limit=MAX_MEMO)
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_request_for(request, by, "debtor")
        refusal = _not_pending(locked, now)
        if refusal is None:
            _decide(locked, Status.DECLINED, now, decline_reason=reason)
            return locked
    raise refusal


def exchange_cancel(*, request: ExchangeRequest, by) -> ExchangeRequest:
    """The creditor withdraws a request not yet answered."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_request_for(request, by, "creditor")
        refusal = _not_pending(locked, now)
        if refusal is None:
            _decide(locked, Status.CANCELLED, now)
            return locked
    raise refusal


@transaction.atomic
def exchange_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Mark expired every request left unanswered past its date; how many. Run hourly by beat.

    The rows are locked first, so a confirmation under way either finishes before (and the
    request is no longer pending) or waits and then finds it expired.
    """
    now = now or timezone.now()
    due = list(
        ExchangeRequest.objects.select_for_update()
        .filter(status=Status.PENDING, expires_at__lte=now)
        .values_list("pk", flat=True)
    )
    ExchangeRequest.objects.filter(pk__in=due, status=Status.PENDING).update(status=Status.EXPIRED, decided_at=now)
    for pk in due:
        _mail_on_commit(pk)
    return len(due)


# --- Gifts and grants ---------------------------------------------


@transaction.atomic
def gift_create(*, giver_member, to: Account, minutes: int, memo: str = "", form_token: str) -> Transfer:
    """A member gives hours to another member or back to the commons; the same form sent twice gives once."""
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
    )


@transaction.atomic
def grant_create(*, to: Account, minutes: int, memo: str, by, form_token: str) -> Transfer:
    """A coordinator credits a member from the commons (work done outside the platform, a correction)."""
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
    )


def _insert_once(instance: models.Model, **same):
    """Insert ``instance``, or return the row a concurrent request inserted first (found by ``same``).

    In a savepoint, so that after losing the race on a unique key the transaction can still read
    the winner's row.
    """
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError:
        earlier = type(instance).objects.filter(**same).first()
        if earlier is None:
            raise
        return earlier
    return None
