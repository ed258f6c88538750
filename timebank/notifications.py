"""Mail about exchange requests, in the recipient's language: the debtor hears of a request, the
creditor of its outcome. Each at most once: the request row records what was sent (an outbox)."""

import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from suite.links import absolute_url
from suite.members import member_locale

from .formatting import hours
from .models import ExchangeRequest

Status = ExchangeRequest.Status
OUTCOMES = (Status.CONFIRMED, Status.DECLINED, Status.EXPIRED)


def _account_url() -> str:
    """The member's account page, in the active language."""
    return absolute_url(reverse("timebank:account"))


def _send(member, subject: str, lines: list[str]) -> None:
    send_mail(subject, "\n\n".join(line for line in lines if line) + "\n", None, [member.email])


def _tell_debtor(request: ExchangeRequest) -> None:
    debtor, creditor = request.debtor.member, request.creditor.member
    with member_locale(debtor) as preferences:
        values = {"member": creditor, "amount": hours(request.minutes)}
        until = formats.date_format(timezone.localtime(request.expires_at), "DATETIME_FORMAT")
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
        if request.creditor.member.email:
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
