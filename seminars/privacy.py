"""What seminars keeps about a member, and what it does when they close their account (suite.privacy).

Rows name sessions by their title in the active language. Nothing here hands out a secret: no
BBB join or playback URL (each lets whoever holds it in), no calendar token (see ``_calendar_feed``).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from suite.links import absolute_url
from suite.privacy import Kind

from . import services
from .models import Attendance, CalendarFeed, Notice, Recording, Webinar


def _attended(member):
    return Attendance.objects.filter(member=member)


def _attendance(member):
    for row in _attended(member).select_related("webinar").order_by("joined_at", "pk"):
        yield {
            "session": row.webinar.title,
            "session_start": row.webinar.starts_at,
            "name_shown": row.full_name,
            "role": row.role,
            "joined_at": row.joined_at,
            "last_seen_at": row.last_seen_at,
            "minutes": row.minutes,
        }


def _recordings(member):
    recordings = Recording.objects.filter(webinar__in=_attended(member).values("webinar_id"))
    for recording in recordings.select_related("webinar").order_by("started_at", "pk"):
        yield {
            "session": recording.webinar.title,
            "session_start": recording.webinar.starts_at,
            "recorded_at": recording.started_at,
            "published": recording.published,
            # Not the playback URL: whoever holds it watches, signed in or not. The session's page
            # shows the recording to whoever may still see it.
            "session_page": absolute_url(reverse("seminars:detail", args=[recording.webinar_id])),
        }


def _calendar_feed(member):
    # The secret address itself is left out of the download too, though it is the member's: it is
    # a live key (whoever holds it reads which courses and meetings they take part in, which tells
    # their union membership), and a download travels further than the site (mail, shared drives,
    # backups) and outlives it. The page named here shows it to the member, and replaces it.
    yield {
        "exists": CalendarFeed.objects.filter(member=member).exists(),
        "address_shown_at": absolute_url(reverse("seminars:my_calendar")),
    }


def _notices(member):
    for notice in Notice.objects.filter(member=member).select_related("webinar").order_by("sent_at", "pk"):
        kind, _at, version = notice.kind.partition("@")
        yield {
            "session": notice.webinar.title,
            "session_start": notice.webinar.starts_at,
            "kind": kind,
            "session_version": int(version) if version.isdigit() else None,
            "sent_at": notice.sent_at,
        }


def _tutoring(member):
    for webinar in Webinar.objects.filter(tutors=member).select_related("module").order_by("starts_at", "pk"):
        yield {
            "session": webinar.title,
            "session_start": webinar.starts_at,
            "module": webinar.module.title if webinar.module else "",
            "status": webinar.status,
            "scheduled_by_member": webinar.created_by_id == member.pk,
        }


KINDS = [
    Kind(
        name="seminars.attendance",
        label=_("Live sessions attended"),
        purpose=_("To show a session's tutors who took part, and for how long."),
        fields=("session", "session_start", "name_shown", "role", "joined_at", "last_seen_at", "minutes"),
        rows=_attendance,
    ),
    Kind(
        name="seminars.recordings",
        label=_("Recordings of sessions attended"),
        purpose=_("So that those who may join a session can watch it later; you may be seen or heard in it."),
        fields=("session", "session_start", "recorded_at", "published", "session_page"),
        rows=_recordings,
    ),
    Kind(
        name="seminars.calendar_feed",
        label=_("Personal calendar feed"),
        purpose=_(
            "A secret address your calendar program reads your sessions from; the address itself is shown "
            "only on your calendar page."
        ),
        fields=("exists", "address_shown_at"),
        rows=_calendar_feed,
    ),
    Kind(
        name="seminars.notices",
        label=_("Session reminders and notices sent"),
        purpose=_("To send each reminder and each notice of a change only once."),
        fields=("session", "session_start", "kind", "session_version", "sent_at"),
        rows=_notices,
    ),
    Kind(
        name="seminars.tutoring",
        label=_("Live sessions tutored"),
        purpose=_("To let you run the sessions you teach, and to credit you for them."),
        fields=("session", "session_start", "module", "status", "scheduled_by_member"),
        rows=_tutoring,
    ),
]


def member_close(member, *, pseudonym: str, options: set[str]) -> None:
    """See services.member_leave: the feed revoked, attendance renamed, upcoming sessions untutored."""
    services.member_leave(member=member, pseudonym=pseudonym)
