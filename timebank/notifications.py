"""Mail of the timebank, in the recipient's language: the debtor hears of an exchange request, the
creditor of its outcome, the receiver of a gift or grant of the hours, the author of a post of what
a coordinator did to it. Each at most once: the row (request, transfer or offer) records what was
sent (an outbox)."""

import datetime
from collections.abc import Callable

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from suite.links import absolute_url
from suite.members import member_locale
from suite.moments import moment_text

from .formatting import hours
from .models import ExchangeRequest, Offer, Transfer

Status, Side = ExchangeRequest.Status, ExchangeRequest.Side
OUTCOMES = (Status.CONFIRMED, Status.DECLINED, Status.EXPIRED, Status.CLOSED)


def _account_url() -> str:
    """The member's account page, in the active language."""
    return absolute_url(reverse("timebank:account"))


def _send(member, subject: str, lines: list[str]) -> None:
    send_mail(subject, "\n\n".join(line for line in lines if line) + "\n", None, [member.email])


def _tell_debtor(request: ExchangeRequest) -> None:
    debtor, creditor = request.debtor.member, request.creditor.member
    with member_locale(debtor) as preferences:
        values = {"member": creditor, "amount": hours(request.minutes)}
        until = moment_text(request.expires_at, zone=False, relative=False)
        _send(
            debtor,
            _("%(member)s asks you to confirm %(amount)s") % values,
            [
                _("%(member)s asks you to confirm %(amount)s of help in the timebank, for:") % values,
                request.memo,
                _(
                    "Nothing is paid until you confirm. "
                    "Confirm or decline it on your account page by %(date)s (%(zone)s):"
                )
                % {"date": until, "zone": preferences.timezone},
                _account_url(),
            ],
        )


def _tell_creditor(request: ExchangeRequest) -> None:
    creditor, debtor = request.creditor.member, request.debtor.member
    with member_locale(creditor):
        values = {"member": debtor, "amount": hours(request.minutes), "memo": request.memo}
        if request.status == Status.CONFIRMED:
            subject = _("%(member)s confirmed %(amount)s") % values
            lines = [_("%(member)s confirmed your request and paid you %(amount)s for: %(memo)s") % values]
        elif request.status == Status.DECLINED:
            subject = _("%(member)s declined your request for %(amount)s") % values
            lines = [
                _("%(member)s declined your request for %(amount)s for: %(memo)s") % values,
                _("Their reason: %(reason)s") % {"reason": request.decline_reason} if request.decline_reason else "",
            ]
        else:
            subject = _("Your request to %(member)s for %(amount)s expired") % values
            lines = [
                _("%(member)s did not answer your request for %(amount)s for: %(memo)s. You can ask again.") % values
            ]
        _send(creditor, subject, [*lines, _account_url()])


def _tell_cancelled(request: ExchangeRequest, side: str) -> None:
    """Tell one side of a request that closing an account cancelled it, and whose account that was."""
    member, other = (
        (request.creditor.member, request.debtor.member)
        if side == Side.CREDITOR
        else (request.debtor.member, request.creditor.member)
    )
    with member_locale(member):
        values = {"member": other, "amount": hours(request.minutes), "memo": request.memo}
        if side == Side.CREDITOR:
            subject = _("Your request to %(member)s for %(amount)s is cancelled") % values
        else:
            subject = _("The request of %(member)s for %(amount)s is cancelled") % values
        # The member whose account was closed left the site (timebank.privacy), no coordinator closed it.
        left = bool(request.closed_side) and getattr(request, request.closed_side).left_at is not None
        if request.closed_side == side and left:
            cause = _("Your account on the site was closed, so this request can no longer be paid: %(memo)s")
        elif left:
            cause = _(
                "The account of %(member)s on the site was closed, so this request can no longer be paid: %(memo)s"
            )
        elif request.closed_side == side:
            cause = _("A coordinator closed your timebank account, so this request can no longer be paid: %(memo)s")
        else:
            cause = _(
                "A coordinator closed the timebank account of %(member)s, "
                "so this request can no longer be paid: %(memo)s"
            )
        _send(member, subject, [cause % values, _("Nothing was paid."), _account_url()])


@transaction.atomic
def exchange_request_mail(*, request_id: int) -> int:
    """Send what is due for one request and has not gone yet; how many mails went now.

    The row stays locked while sending, so a task delivered twice sends once; a failed send
    rolls back and is retried. A member without an e-mail address is simply not told.
    """
    request = ExchangeRequest.objects.select_for_update().get(pk=request_id)
    now, sent, changed = timezone.now(), 0, []
    if request.notified_at is None:
        # A request answered or withdrawn before the mail went needs no mail any more.
        if request.status == Status.PENDING and request.debtor.member.email:
            _tell_debtor(request)
            sent += 1
        request.notified_at = now
        changed.append("notified_at")
    if request.outcome_notified_at is None and request.status in OUTCOMES:
        if request.status == Status.CLOSED:  # neither side chose it: both are told
            for side in Side.values:
                if getattr(request, side).member.email:
                    _tell_cancelled(request, side)
                    sent += 1
        elif request.creditor.member.email:
            _tell_creditor(request)
            sent += 1
        request.outcome_notified_at = now
        changed.append("outcome_notified_at")
    if changed:
        request.save(update_fields=changed)
    return sent


def exchange_mails_send_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Send what a broker outage kept from being enqueued (older than a normal delivery takes); the count."""
    cutoff = timezone.now() - older_than
    due = ExchangeRequest.objects.filter(
        Q(notified_at__isnull=True, created_at__lt=cutoff)
        | Q(outcome_notified_at__isnull=True, status__in=OUTCOMES, decided_at__lt=cutoff)
    ).values_list("pk", flat=True)
    return sum(exchange_request_mail(request_id=pk) for pk in list(due))


def _tell_payee(transfer: Transfer) -> bool:
    """Whether the payee was told: not when their account was closed since, nor without an e-mail address."""
    if transfer.payee.member_id is None or transfer.payee.closed or not transfer.payee.member.email:
        return False
    payee = transfer.payee.member
    with member_locale(payee):
        amount = hours(transfer.minutes)
        if transfer.kind == Transfer.Kind.GRANT:
            values = {"amount": amount, "memo": transfer.memo, "member": transfer.recorded_by or _("A coordinator")}
            subject = _("%(amount)s granted to you from the NLU commons") % values
            lines = [
                _("%(member)s, coordinating the timebank, granted you %(amount)s from the NLU commons, for: %(memo)s")
                % values
            ]
        else:
            values = {"amount": amount, "memo": transfer.memo, "member": transfer.payer.member}
            subject = _("%(member)s gave you %(amount)s") % values
            lines = [
                _("%(member)s gave you %(amount)s in the timebank.") % values,
                _("Their note: %(memo)s") % values if transfer.memo else "",
            ]
        _send(payee, subject, [*lines, _account_url()])
    return True


@transaction.atomic
def _mail_once(rows, pk: int, *, due: str, tell: Callable) -> int:
    """Lock the row and, while its ``due`` flag is set, ``tell(row)`` (True if a mail went) and clear the
    flag; how many mails went. As for a request: a task delivered twice sends once, and a failed send
    rolls back and is retried."""
    row = rows.select_for_update(of=("self",)).get(pk=pk)
    if not getattr(row, due):
        return 0
    sent = tell(row)
    # An update, not save(): the row itself did not change (an offer's save would move the board's cache).
    type(row).objects.filter(pk=pk).update(**{due: False})
    return int(sent)


def transfer_mail(*, transfer_id: int) -> int:
    """Tell the payee of a gift or grant, once; how many mails went."""
    transfers = Transfer.objects.select_related("payer__member", "payee__member", "recorded_by")
    return _mail_once(transfers, transfer_id, due="payee_notice_due", tell=_tell_payee)


def transfer_mails_send_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Send the gift and grant mails a broker outage kept from being enqueued; the count."""
    cutoff = timezone.now() - older_than
    due = Transfer.objects.filter(payee_notice_due=True, created_at__lt=cutoff).values_list("pk", flat=True)
    return sum(transfer_mail(transfer_id=pk) for pk in list(due))


def _tell_author(offer: Offer) -> bool:
    """Whether the author was told: not without an e-mail address."""
    author = offer.author
    if not author.email:
        return False
    with member_locale(author):
        values = {"member": offer.moderated_by or _("A coordinator"), "title": offer.title}
        if offer.status == Offer.Status.CLOSED:
            subject = _("Your post “%(title)s” was taken off the board") % values
            line = _(
                "%(member)s, coordinating the timebank, took your post “%(title)s” off the board. "
                "You can still see it, change it and put it back:"
            )
        else:
            subject = _("Your post “%(title)s” was changed") % values
            line = _("%(member)s, coordinating the timebank, changed your post “%(title)s”. This is how it reads now:")
        _send(author, subject, [line % values, absolute_url(reverse("timebank:offer", args=[offer.pk]))])
    return True


def offer_mail(*, offer_id: int) -> int:
    """Tell a post's author what a coordinator did to it, once however many changes it took; how many mails went."""
    offers = Offer.objects.select_related("author", "moderated_by")
    return _mail_once(offers, offer_id, due="author_notice_due", tell=_tell_author)


def offer_mails_send_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Send the mails to authors a broker outage kept from being enqueued; the count."""
    cutoff = timezone.now() - older_than
    due = Offer.objects.filter(author_notice_due=True, updated_at__lt=cutoff).values_list("pk", flat=True)
    return sum(offer_mail(offer_id=pk) for pk in list(due))
