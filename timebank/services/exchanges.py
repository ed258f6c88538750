"""Exchange requests: the member who helped asks, the member helped confirms (and pays), declines, or
lets the request expire; the asker may withdraw it. Each outcome is mailed (see notifications)."""

import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suite.tasks import enqueue_on_commit

from .. import tasks
from ..conf import app_settings
from ..errors import TransferError
from ..formatting import hours
from ..models import ExchangeRequest, Offer, Transfer
from .accounts import account_for
from .checks import MAX_FORM_TOKEN, MAX_MEMO, check_minutes, clean_text
from .ledger import Kind, refuse_if_closed, transfer_create

Status = ExchangeRequest.Status


def _request_days() -> int:
    return app_settings.REQUEST_DAYS


def _same_request(earlier: ExchangeRequest, **asked) -> ExchangeRequest:
    """The request this form already made; the same form token with other values is refused."""
    if any(getattr(earlier, name) != value for name, value in asked.items()):
        raise TransferError(_("This request was already used for a different transfer."), code="key_reused")
    return earlier


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
    refuse_if_closed(debtor)
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
    enqueue_on_commit(tasks.send_exchange_mail, request_id=request.pk)
    return request


def _decide(request: ExchangeRequest, status: str, now: datetime.datetime, **fields) -> None:
    """Record the outcome on the locked ``request``; its creditor hears of it by mail."""
    request.status, request.decided_at = status, now
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["status", "decided_at", *fields])
    if status != Status.CANCELLED:
        enqueue_on_commit(tasks.send_exchange_mail, request_id=request.pk)


def _closed_by_leaving(request: ExchangeRequest) -> bool:
    """Whether the request was cancelled because a member left the site, not by a coordinator."""
    side = request.closed_side if request.status == Status.CLOSED else ""
    return bool(side) and getattr(request, side).left_at is not None


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
        Status.CLOSED: _("This request was cancelled: the other member's account was closed, so it cannot be paid.")
        if _closed_by_leaving(request)
        else _("This request was cancelled: a coordinator closed an account in it, so it cannot be paid."),
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
        enqueue_on_commit(tasks.send_exchange_mail, request_id=pk)
    return len(due)
