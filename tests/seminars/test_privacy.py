"""What seminars keeps about a member (seminars.privacy.KINDS), and a member closing their account.

The host renames the user row after every app's ``member_close``: ``close`` below does the host's part
as docs/plugins.md and suite.privacy describe it, so these tests run in a bare host too.
"""

import datetime
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Enrolment
from seminars import ics, notifications, privacy, services
from seminars.models import Attendance, CalendarFeed, Notice, Recording, Webinar
from seminars.notifications import reminders_send_due
from suite.links import absolute_url
from suite.privacy import scalar
from tests.factories import UserFactory, has_field

pytestmark = pytest.mark.django_db

PSEUDONYM = "former member 8f3a"
NAMES = {"username": "aysekaya", "first_name": "Ayşe", "last_name": "Kayalıoğlu", "email": "ayse.k@example.org"}


def kept(member) -> dict[str, list[dict]]:
    """Each seminars kind's rows for ``member``, as the download holds them (suite.privacy.member_rows)."""
    found = {}
    for kind in privacy.KINDS:
        rows = [{key: scalar(value) for key, value in row.items()} for row in kind.rows(member)]
        assert all(tuple(row) == kind.fields for row in rows), kind.name
        found[kind.name] = rows
    return found


def close(member) -> None:
    """The closing as the host runs it: the app's part, then the user row renamed and emptied."""
    privacy.member_close(member, pseudonym=PSEUDONYM, options=set())
    member.username, member.email, member.first_name, member.last_name = "former-member-8f3a", "", "", ""
    if has_field(type(member), "display_name"):  # this project's user model; a bare host's has none
        member.display_name = PSEUDONYM
    member.is_active = False
    member.set_unusable_password()
    member.save()


@pytest.fixture
def ayse(module_1):
    """A shop steward enrolled in Module 1, with a name, a username and an address to find again."""
    member = UserFactory(**NAMES, language="tr", timezone="Europe/Istanbul")
    Enrolment.objects.create(module=module_1, member=member, status=Enrolment.Status.ACTIVE)
    return member


@pytest.fixture
def held(drop_in, people, ayse, bbb_settings) -> Webinar:
    """Module 1's drop-in, held on the BBB stand-in: the tutor and Ayşe in the room 45 minutes, then ended."""
    start = timezone.now()
    services.webinar_join(webinar=drop_in, user=people["tutor"], now=start)
    services.webinar_join(webinar=drop_in, user=ayse, now=start)
    services.webinar_end(webinar=drop_in, now=start + datetime.timedelta(minutes=45))
    return Webinar.objects.get(pk=drop_in.pk)


def test_each_kind_holds_the_members_rows_and_no_secret(held, weekly, ayse, people, client):
    shown_as = str(ayse)
    Recording.objects.create(
        webinar=held, record_id="rec-1", published=True, playback_url="https://bbb.example.org/playback/rec-1"
    )
    Recording.objects.create(
        webinar=held, record_id="rec-2", published=False, playback_url="https://bbb.example.org/playback/rec-2"
    )
    Recording.objects.create(webinar=weekly, record_id="rec-other", playback_url="https://bbb.example.org/p/other")
    token = services.calendar_feed_get_or_create(member=ayse).token
    reminders_send_due(now=weekly.starts_at - datetime.timedelta(hours=23, minutes=30))

    data = kept(ayse)

    assert data["seminars.attendance"] == [
        {
            "session": held.title,
            "session_start": held.starts_at.isoformat(),
            "name_shown": shown_as,
            "role": "VIEWER",
            "joined_at": Attendance.objects.get(member=ayse).joined_at.isoformat(),
            "last_seen_at": held.ended_at.isoformat(),
            "minutes": 45,
        }
    ]
    recordings = data["seminars.recordings"]
    assert [(row["session"], row["published"]) for row in recordings] == [(held.title, True), (held.title, False)]
    assert recordings[0]["session_page"] == absolute_url(f"/en/sessions/{held.pk}/")
    assert client.get(recordings[0]["session_page"]).status_code == 200
    assert data["seminars.calendar_feed"] == [
        {"exists": True, "address_shown_at": absolute_url("/en/sessions/calendar/")}
    ]
    assert [(row["session"], row["kind"], row["session_version"]) for row in data["seminars.notices"]] == [
        (weekly.title, "24h", 0)
    ]
    assert data["seminars.tutoring"] == []
    # Neither the calendar's key nor a recording's playback address: each lets whoever holds it in.
    text = json.dumps(data)
    assert token not in text and "playback" not in text

    tutored = kept(people["tutor"])["seminars.tutoring"]
    assert [row["session"] for row in tutored] == [held.title] + [weekly.title] * 7
    assert tutored[0] == {
        "session": held.title,
        "session_start": held.starts_at.isoformat(),
        "module": "Module 1",
        "status": "ended",
        "scheduled_by_member": True,
    }
    assert kept(people["outsider"])["seminars.calendar_feed"] == [
        {"exists": False, "address_shown_at": absolute_url("/en/sessions/calendar/")}
    ]


def test_after_closing_the_feed_is_gone_attendance_names_the_pseudonym_and_keeps_the_minutes(
    held, weekly, ayse, people, as_role, client
):
    shown_as = str(ayse)
    feed_url = f"/en/sessions/calendar/{services.calendar_feed_get_or_create(member=ayse).token}.ics"
    assert client.get(feed_url).status_code == 200
    assert shown_as in cache.get(ics.feed_cache_key(feed_url))[1].decode()  # the feed's name is hers

    close(ayse)

    assert cache.get(ics.feed_cache_key(feed_url)) is None
    assert client.get(feed_url).status_code == 404
    assert client.get(feed_url.replace("/en/", "/tr/")).status_code == 404
    assert not CalendarFeed.objects.filter(member=ayse).exists()
    tutor = as_role("tutor")
    page = tutor.get(f"/en/sessions/{held.pk}/attendance/").content.decode()
    # Named by the pseudonym, or by the renamed member row (which a bare host shows by its username).
    named = {PSEUDONYM, str(ayse)}
    joined = '<td><time datetime="[^"]+">[^<]+</time></td>'
    assert any(re.search(f"<td>{name}</td><td>VIEWER</td>{joined}<td>45</td>", page) for name in named)
    sheet = tutor.get(f"/en/sessions/{held.pk}/attendance/?format=csv").content.decode()
    lines = sheet.splitlines()
    assert any(line.startswith(f"{name},VIEWER,") and line.endswith(",45") for line in lines for name in named)
    assert shown_as not in page and shown_as not in sheet
    assert Attendance.objects.get(webinar=held, member=ayse).minutes == 45
    # What seminars dumps holds nothing that names her: no username, address, name or copy of it.
    dump = io.StringIO()
    call_command("dumpdata", "seminars", stdout=dump)
    assert all(value not in dump.getvalue() for value in [*NAMES.values(), shown_as])


def test_a_tutor_who_leaves_no_longer_teaches_sessions_to_come_but_stays_on_past_ones(
    held, weekly, people, as_role, client, django_capture_on_commit_callbacks
):
    tutor, cotutor = people["tutor"], UserFactory(username="cotutor")
    sessions = Webinar.objects.filter(module=weekly.module, series_id=weekly.series_id)
    for webinar in sessions:
        webinar.tutors.add(cotutor)
    reminders_send_due(now=weekly.starts_at - datetime.timedelta(hours=23, minutes=30))
    assert Notice.objects.filter(member=tutor, webinar=weekly).exists()

    close(tutor)

    assert all(list(webinar.tutors.all()) == [cotutor] for webinar in sessions)
    assert list(Webinar.objects.get(pk=held.pk).tutors.all()) == [tutor]  # history: who gave it
    assert Webinar.objects.get(pk=held.pk).created_by == tutor
    assert not Notice.objects.filter(member=tutor, webinar__in=sessions).exists()
    # The co-tutor moves the session: the one who scheduled it is no longer kept on as its tutor.
    later = weekly.local_start.replace(tzinfo=None) + datetime.timedelta(days=1)
    form = {
        "start_date": later.date().isoformat(),
        "start_time": later.strftime("%H:%M"),
        "timezone": weekly.timezone,
        "duration_minutes": 120,
        "cotutors": "cotutor",  # as the form shows it: every tutor is a co-tutor now
    }
    client.force_login(cotutor)
    assert 'value="cotutor"' in client.get(f"/en/sessions/{weekly.pk}/edit/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/en/sessions/{weekly.pk}/edit/", form).status_code == 302
    assert list(Webinar.objects.get(pk=weekly.pk).tutors.all()) == [cotutor]
    assert mail.outbox and all(message.to and "" not in message.to for message in mail.outbox)
    assert str(tutor) not in as_role("enrolled").get(f"/en/sessions/{weekly.pk}/").content.decode()
    assert str(tutor) in as_role("enrolled").get(f"/en/sessions/{held.pk}/").content.decode()


def test_reminders_and_notices_queued_before_the_closing_skip_the_member(
    weekly, ayse, people, django_capture_on_commit_callbacks
):
    later = weekly.local_start.replace(tzinfo=None) + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks() as queued:  # the change notice waits for a worker
        moved = services.webinar_reschedule(
            webinar=weekly, start_local=later, timezone_name=weekly.timezone, duration_minutes=120
        )
    close(ayse)  # still enrolled here: only the missing address keeps mail from her
    mail.outbox.clear()

    for callback in queued:
        callback()
    reminders_send_due(now=moved.starts_at - datetime.timedelta(hours=23, minutes=30))
    reminders_send_due(now=moved.starts_at - datetime.timedelta(minutes=30))

    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == ["steward@example.org"] * 3 + ["tutor@example.org"] * 3
    assert not Notice.objects.filter(member=ayse).exists()


def test_kinds_read_in_the_same_queries_for_1_and_20_sessions(module_1, ayse, people):
    def add_attended(count: int) -> None:
        start = timezone.now() - datetime.timedelta(days=30)
        for n in range(count):
            webinar = Webinar.objects.create(
                title=f"Session {n}",
                title_en=f"Session {n}",
                module=module_1,
                starts_at=start + datetime.timedelta(days=n),
                timezone="Europe/Istanbul",
                status=Webinar.Status.ENDED,
                created_by=ayse,
            )
            webinar.tutors.add(ayse)
            at = webinar.starts_at
            Attendance.objects.create(
                webinar=webinar, member=ayse, user_key=str(ayse.pk), full_name="Ayşe", role="MODERATOR",
                joined_at=at, last_seen_at=at + datetime.timedelta(minutes=50), meeting_joined_at=at,
            )  # fmt: skip
            Recording.objects.create(webinar=webinar, record_id=f"rec-{webinar.pk}", started_at=at)
            Notice.objects.create(webinar=webinar, member=ayse, kind="1h@0")

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            data = kept(ayse)
        return len(captured), sum(map(len, data.values()))

    add_attended(1)
    one = queries()
    add_attended(19)
    twenty = queries()

    assert one == (len(privacy.KINDS), 5) and twenty == (len(privacy.KINDS), 81)  # one query a kind


def test_a_member_read_before_their_closing_committed_is_not_mailed(weekly, ayse):
    """The recipients' query leaves out empty addresses; a member it read just before the closing is skipped too."""
    read_before = get_user_model().objects.get(pk=ayse.pk)
    read_before.email = ""
    mail.outbox.clear()

    assert notifications._send_once(weekly, read_before, "24h") is False
    assert mail.outbox == [] and not Notice.objects.filter(member=ayse).exists()
