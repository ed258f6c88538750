"""Reminders 24 hours and 1 hour before, and mails about changes: in each member's language and zone, once.

Beat runs ``reminders_send_due`` every few minutes; ``beat()`` does that over a stretch of time.
"""

import datetime
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from seminars import services
from seminars.models import Webinar
from seminars.notifications import reminders_send_due
from suite.members import Preferences
from tests import factories

from .conftest import PEOPLE

pytestmark = pytest.mark.django_db

TITLES = {"title_en": "Health and safety reps", "title_tr": "İş sağlığı temsilcileri"}
SUBJECTS = {"24h": "Tomorrow: %(title)s", "1h": "In one hour: %(title)s", "changed": "Changed: %(title)s"}


def schedule(people, module, *, ahead: datetime.timedelta) -> Webinar:
    """A session of ``module`` starting ``ahead`` from now, at a whole minute, by the demo tutor."""
    start = (timezone.now() + ahead).astimezone(zoneinfo.ZoneInfo("Europe/Istanbul"))
    [webinar] = services.webinar_schedule(
        title=TITLES["title_en"],
        translations=TITLES,
        start_local=start.replace(tzinfo=None, second=0, microsecond=0),
        timezone_name="Europe/Istanbul",
        duration_minutes=90,
        tutors=[people["tutor"]],
        created_by=people["tutor"],
        module=module,
    )
    return webinar


def beat(until: datetime.datetime, *, since: datetime.datetime | None = None, every=datetime.timedelta(minutes=10)):
    now = since or timezone.now()
    while now < until:
        reminders_send_due(now=now)
        now += every


def mails_about(webinar: Webinar) -> list[mail.EmailMessage]:
    """The mails sent about this session (each carries it as session-<pk>.ics)."""
    return [m for m in mail.outbox if any(a[0] == f"session-{webinar.pk}.ics" for a in m.attachments)]


def subject(kind: str, language: str) -> str:
    with translation.override(language):
        shown = translation.gettext(SUBJECTS[kind]) % {"title": TITLES[f"title_{language}"]}
    assert language == "en" or shown != SUBJECTS[kind] % {"title": TITLES["title_en"]}, "not translated"
    return shown


def received(webinar: Webinar) -> dict[str, list[str]]:
    """Subjects of the mails about ``webinar``, by recipient, in order."""
    subjects: dict[str, list[str]] = {}
    for message in mails_about(webinar):
        for address in message.to:
            subjects.setdefault(address, []).append(message.subject)
    return subjects


def expected(*kinds: str) -> dict[str, list[str]]:
    """The tutor (English, Rome) and the enrolled steward (Turkish, Istanbul): the researcher gets nothing."""
    return {
        "tutor@example.org": [subject(kind, "en") for kind in kinds],
        "steward@example.org": [subject(kind, "tr") for kind in kinds],
    }


def test_24h_and_1h_reminders_once_each(people, module_1):
    webinar = schedule(people, module_1, ahead=datetime.timedelta(days=3))
    mail.outbox.clear()

    beat(until=webinar.starts_at + datetime.timedelta(hours=1))
    beat(until=webinar.starts_at + datetime.timedelta(hours=1))  # beat running again, or twice at once

    assert received(webinar) == expected("24h", "1h")


@pytest.mark.parametrize(
    ("username", "language", "zone"),
    [("steward", "tr", "Europe/Istanbul"), ("tutor", "en", "Europe/Rome")],
)
def test_reminder_in_the_members_language_and_zone_with_the_ics(people, module_1, settings, username, language, zone):
    settings.SITE_URL = "https://nlu.example.org"
    webinar = schedule(people, module_1, ahead=datetime.timedelta(days=3))
    mail.outbox.clear()

    reminders_send_due(now=webinar.starts_at - datetime.timedelta(hours=23, minutes=55))

    [message] = [m for m in mails_about(webinar) if m.to == [f"{username}@example.org"]]
    assert message.subject == subject("24h", language)
    with translation.override(language):
        when = date_format(webinar.starts_at.astimezone(zoneinfo.ZoneInfo(zone)), "DATETIME_FORMAT")
    assert f"{when} ({zone})" in message.body
    assert f"https://nlu.example.org/{language}/sessions/{webinar.pk}/" in message.body  # in their language
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"session-{webinar.pk}.ics", "text/calendar")
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event["uid"] == f"{webinar.meeting_id}@nlu"


def everyone_in_kolkata_reading_turkish(member) -> Preferences:
    """A host's own preferences hook (SUITE_MEMBER_PREFERENCES), whatever its user model holds."""
    return Preferences(language="tr", timezone="Asia/Kolkata")


def test_a_reminder_follows_the_hosts_preferences_hook(people, module_1, settings):
    settings.SUITE_MEMBER_PREFERENCES = f"{__name__}.everyone_in_kolkata_reading_turkish"
    webinar = schedule(people, module_1, ahead=datetime.timedelta(days=3))
    mail.outbox.clear()

    reminders_send_due(now=webinar.starts_at - datetime.timedelta(hours=23, minutes=55))

    [message] = [m for m in mails_about(webinar) if m.to == ["tutor@example.org"]]  # English and Rome by his profile
    assert message.subject == subject("24h", "tr")
    with translation.override("tr"):
        when = date_format(webinar.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Kolkata")), "DATETIME_FORMAT")
    assert f"{when} (Asia/Kolkata)" in message.body
    assert f"/tr/sessions/{webinar.pk}/" in message.body


def test_a_session_scheduled_3_hours_ahead_gets_only_the_1h_reminder(people, module_1):
    webinar = schedule(people, module_1, ahead=datetime.timedelta(hours=3))
    mail.outbox.clear()

    beat(until=webinar.starts_at)

    assert received(webinar) == expected("1h")


def test_a_session_moved_to_3_hours_ahead_gets_no_24h_reminder(people, module_1, django_capture_on_commit_callbacks):
    """Scheduled last week, moved to this afternoon: "Tomorrow: ..." would be wrong."""
    webinar = schedule(people, module_1, ahead=datetime.timedelta(days=5))
    Webinar.objects.filter(pk=webinar.pk).update(created_at=timezone.now() - datetime.timedelta(days=7))
    soon = (timezone.now() + datetime.timedelta(hours=3)).astimezone(webinar.zone).replace(second=0, microsecond=0)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.webinar_reschedule(
            webinar=webinar, start_local=soon.replace(tzinfo=None), timezone_name=webinar.timezone, duration_minutes=90
        )
    beat(until=moved.starts_at)

    assert received(webinar) == expected("changed", "1h")


def test_a_session_moved_after_its_reminder_is_reminded_again_for_the_new_time(
    people, module_1, django_capture_on_commit_callbacks
):
    webinar = schedule(people, module_1, ahead=datetime.timedelta(days=3))
    mail.outbox.clear()
    beat(until=webinar.starts_at - datetime.timedelta(hours=20))  # the 24h reminder has gone

    later = webinar.local_start.replace(tzinfo=None) + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.webinar_reschedule(
            webinar=webinar, start_local=later, timezone_name=webinar.timezone, duration_minutes=90
        )
    beat(since=webinar.starts_at - datetime.timedelta(hours=20), until=moved.starts_at)

    assert received(webinar) == expected("24h", "changed", "24h", "1h")


def test_reschedule_and_cancel_tell_everyone_concerned_once(as_role, weekly, django_capture_on_commit_callbacks):
    tutor = as_role("tutor")
    later = weekly.local_start.replace(tzinfo=None) + datetime.timedelta(days=1)
    form = {
        "start_date": later.date().isoformat(),
        "start_time": later.strftime("%H:%M"),
        "timezone": weekly.timezone,
        "duration_minutes": 120,
    }
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert tutor.post(f"/en/sessions/{weekly.pk}/edit/", form).status_code == 302
    moved = Webinar.objects.get(pk=weekly.pk)
    changed = {m.to[0]: m for m in mails_about(weekly)}
    assert sorted(changed) == ["steward@example.org", "tutor@example.org"] and len(mails_about(weekly)) == 2
    with translation.override("tr"):
        when = date_format(moved.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/Istanbul")), "DATETIME_FORMAT")
        assert translation.gettext("This live session has a new time.") in changed["steward@example.org"].body
    assert f"{when} (Europe/Istanbul)" in changed["steward@example.org"].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tutor.post(f"/en/sessions/{weekly.pk}/cancel/").status_code == 302
        assert tutor.post(f"/en/sessions/{weekly.pk}/cancel/").status_code == 409  # a second click
    cancelled = {m.to[0]: m for m in mails_about(weekly)}
    assert sorted(cancelled) == ["steward@example.org", "tutor@example.org"] and len(mails_about(weekly)) == 2
    with translation.override("tr"):
        notice = translation.gettext("The live session “%(title)s” has been cancelled.")
    assert notice % {"title": "Modül 1: haftalık canlı oturum"} in cancelled["steward@example.org"].body


def test_a_research_meetings_reminders_reach_every_member_once_in_their_language(people):
    """A session of no module (the bi-weekly research meeting) is for every member: its reminders are too.

    Not only to its tutor (the researcher): the steward reads hers in Turkish; a closed account and an
    account without an address get nothing.
    """
    factories.UserFactory(username="left", is_active=False)
    factories.UserFactory(username="no-address", email="")
    start = (timezone.now() + datetime.timedelta(days=3)).astimezone(zoneinfo.ZoneInfo("America/Sao_Paulo"))
    [meeting] = services.webinar_schedule(
        title=TITLES["title_en"],
        translations=TITLES,
        start_local=start.replace(tzinfo=None, second=0, microsecond=0),
        timezone_name="America/Sao_Paulo",
        duration_minutes=60,
        tutors=[people["outsider"]],
        created_by=people["outsider"],
        audience=Webinar.Audience.MEMBERS,
    )
    mail.outbox.clear()

    beat(until=meeting.starts_at + datetime.timedelta(hours=1))
    beat(until=meeting.starts_at + datetime.timedelta(hours=1))  # beat again: nothing twice

    languages = {f"{username}@example.org": language for username, language, _zone in PEOPLE.values()}
    assert received(meeting) == {
        address: [subject("24h", language), subject("1h", language)] for address, language in languages.items()
    }


def test_a_reminder_writes_the_same_moment_in_english_and_in_turkish(people, module_1):
    """Thursday 7 January 2027, 07:58 in Istanbul: the tutor reads it in English in Rome, the steward in Turkish."""
    [webinar] = services.webinar_schedule(
        title=TITLES["title_en"],
        translations=TITLES,
        start_local=datetime.datetime(2027, 1, 7, 7, 58),
        timezone_name="Europe/Istanbul",
        duration_minutes=90,
        tutors=[people["tutor"]],
        created_by=people["tutor"],
        module=module_1,
    )
    mail.outbox.clear()

    reminders_send_due(now=webinar.starts_at - datetime.timedelta(hours=23, minutes=55))

    sent = {m.to[0]: m.body for m in mails_about(webinar)}
    assert "\nThu 7 Jan 2027, 05:58 (Europe/Rome)\n" in sent["tutor@example.org"]
    assert "\n7 Oca 2027 Prş, 07:58 (Europe/Istanbul)\n" in sent["steward@example.org"]
