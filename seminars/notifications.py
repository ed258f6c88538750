"""Mail about sessions: reminders 24 h and 1 h before, and changes; each at most once per member."""

import datetime

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment
from suite.links import absolute_url
from suite.members import member_locale

from . import ics
from .audiences import audiences
from .models import Notice, Webinar

# Each reminder goes while the start is within its window before the lead: a session moved to
# this afternoon gets no "Tomorrow:" mail.
REMINDER_LEADS = {
    "24h": (datetime.timedelta(hours=24), datetime.timedelta(hours=2)),
    "1h": (datetime.timedelta(hours=1), datetime.timedelta(hours=1)),
}


def webinar_recipients(webinar: Webinar):
    """Everyone the session is for, as who may join it says: its tutors and its audience.

    A module's session: its enrolled members. A group's meeting: the group's members. A session of
    no module (a research meeting): every active member, as every member may join it. Subqueries,
    not joins: each member once, streamed, however large the membership.
    """
    User = get_user_model()
    query = Q(pk__in=Webinar.tutors.through.objects.filter(webinar=webinar).values("user_id"))
    if webinar.audience == Webinar.Audience.GROUP:
        query |= Q(pk__in=audiences().members(webinar.audience_group).values("pk"))
    elif webinar.module_id:
        enrolled = Enrolment.objects.filter(module_id=webinar.module_id, status=Enrolment.Status.ACTIVE)
        query |= Q(pk__in=enrolled.values("member_id"))
    else:
        query |= Q(is_active=True)
    return User.objects.filter(query).exclude(email="").order_by("pk")


def _send_once(webinar: Webinar, member, kind: str) -> bool:
    """Record the notice and send it in one transaction: a failed send is retried later, a sent one never again.

    The notice is per version of the session (its SEQUENCE), so a moved session is reminded anew.
    A member without an e-mail address (a closed account, even one closed after the mail was queued)
    is skipped: nothing is sent, nor noted.
    """
    if not member.email:
        return False
    try:
        with transaction.atomic():
            Notice.objects.create(webinar=webinar, member=member, kind=f"{kind}@{webinar.sequence}")
            _send(webinar, member, kind)
    except IntegrityError:
        return False
    return True


def _send(webinar: Webinar, member, kind: str) -> None:
    with member_locale(member) as preferences:
        context = {
            "webinar": webinar,
            "member": member,
            "kind": kind,
            "url": absolute_url(reverse("seminars:detail", args=[webinar.pk])),
        }
        if webinar.status == Webinar.Status.CANCELLED:
            subject = _("Cancelled: %(title)s")
        else:
            subject = {"24h": _("Tomorrow: %(title)s"), "1h": _("In one hour: %(title)s")}.get(
                kind, _("Changed: %(title)s")
            )
        subject %= {"title": webinar.title}
        body = render_to_string("seminars/mail/notice.txt", context)
        attached = ics.calendar([webinar], name=webinar.title, zone=preferences.timezone)
    message = EmailMessage(subject, body, None, [member.email])
    message.attach(f"session-{webinar.pk}.ics", attached, "text/calendar")
    message.send()


def reminders_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders now due; run every few minutes by beat. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for kind, (lead, window) in REMINDER_LEADS.items():
        due = Webinar.objects.filter(
            status__in=[Webinar.Status.SCHEDULED, Webinar.Status.RUNNING],
            starts_at__gt=max(now, now + lead - window),
            starts_at__lte=now + lead,
        )
        for webinar in due:
            if webinar.starts_at - lead < webinar.created_at:
                continue  # scheduled too late for this reminder; the shorter one will go
            recipients = webinar_recipients(webinar).iterator(chunk_size=500)
            sent += sum(_send_once(webinar, member, kind) for member in recipients)
    return sent


def webinar_changed_mail(*, webinar_id: int, sequence: int) -> int:
    """Tell everyone concerned that the session moved or was cancelled."""
    webinar = Webinar.objects.get(pk=webinar_id)
    if webinar.sequence != sequence:
        return 0  # changed again since: the newer task tells the newer state
    recipients = webinar_recipients(webinar).iterator(chunk_size=500)
    return sum(_send_once(webinar, member, "changed") for member in recipients)
