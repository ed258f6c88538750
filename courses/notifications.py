"""Mail to members about their enrolment, in their own language."""

import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suite.links import absolute_url
from suite.members import member_locale

from .models import EnrolmentEvent
from .selectors import waitlist_position

SUBJECTS = {
    EnrolmentEvent.Kind.CONFIRMED: _("You are enrolled: %(module)s"),
    EnrolmentEvent.Kind.WAITLISTED: _("You are on the waitlist: %(module)s"),
    EnrolmentEvent.Kind.PROMOTED: _("A place is yours: %(module)s"),
    EnrolmentEvent.Kind.WITHDRAWN: _("You have withdrawn: %(module)s"),
    EnrolmentEvent.Kind.COMPLETED: _("Module completed: %(module)s"),
}


@transaction.atomic
def enrolment_event_mail(*, event_id: int) -> bool:
    """Send the mail for one event unless it went already; True if it was sent now.

    The event row is locked while sending, so two deliveries of the same task cannot both
    send; if sending fails the transaction rolls back and the task is retried. A member without
    an e-mail address (a closed account, even one closed after the mail was queued) is skipped.
    """
    event = (
        EnrolmentEvent.objects.select_for_update(of=("self",))
        .select_related("enrolment__member", "enrolment__module")
        .get(pk=event_id)
    )
    member, module = event.enrolment.member, event.enrolment.module
    if event.mailed_at or not member.email:
        return False
    with member_locale(member):
        context = {
            "event": event,
            "member": member,
            "module": module,
            "position": waitlist_position(event.enrolment),
            "module_url": absolute_url(module.get_url()),
        }
        subject = SUBJECTS[event.kind] % {"module": module.title}
        body = render_to_string("courses/mail/enrolment_event.txt", context)
    send_mail(subject, body, None, [member.email])
    event.mailed_at = timezone.now()
    event.save(update_fields=["mailed_at"])
    return True


def enrolment_events_mail_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Mail the events a broker outage kept from being enqueued; the count sent.

    Events of members without an e-mail address (a closed account) are never mailed, so the
    sweep leaves them out rather than finding them again each time.
    """
    cutoff = timezone.now() - older_than
    pending = (
        EnrolmentEvent.objects.filter(mailed_at__isnull=True, created_at__lt=cutoff)
        .exclude(enrolment__member__email="")
        .values_list("id", flat=True)
    )
    return sum(enrolment_event_mail(event_id=event_id) for event_id in list(pending))
