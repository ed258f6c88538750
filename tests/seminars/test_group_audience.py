"""A group's meeting (audience GROUP): who belongs is the SEMINARS_AUDIENCES provider's answer.

The provider here (tests/seminars/groups.py) is backed by Django auth Groups, as spaces will be by
its own models. Members list and join the group's meetings, its coordinators moderate them, a
closed group's meetings are not found by anyone else, reminders go to the members, once.
"""

import datetime
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from seminars import services
from seminars.bbb import BBBClient
from seminars.errors import ScheduleError
from seminars.models import CalendarFeed, Webinar
from tests.factories import UserFactory

from . import groups
from .conftest import feed_uids, login_url, uids
from .test_faults import READY_URL, translated
from .test_reminders import TITLES, beat, received, subject

pytestmark = pytest.mark.django_db

OPEN, CLOSED = "group:p2p-commons", "group:closed-couriers"
MEETING = {"title_en": "P2P working group meeting", "title_tr": "P2P çalışma grubu toplantısı"}
FORBIDDEN = "This meeting is only for the members of its group."


@pytest.fixture
def provider():
    with override_settings(SEMINARS_AUDIENCES="tests.seminars.groups.PROVIDER"):
        yield groups.PROVIDER


@pytest.fixture
def crew(db) -> dict:
    """Two members of each group (Turkish in Istanbul, English in Berlin), a coordinator of each, an outsider."""
    people = {
        "member": UserFactory(username="ayse", language="tr", timezone="Europe/Istanbul"),
        "other member": UserFactory(username="ben", language="en", timezone="Europe/Berlin"),
        "coordinator": UserFactory(username="carla", language="en", timezone="Europe/Berlin"),
        "outsider": UserFactory(username="dev", language="en", timezone="Europe/Berlin"),
    }
    for key in (OPEN, CLOSED):
        name = groups.name_of(key)
        groups.join_group(people["member"], name)
        groups.join_group(people["other member"], name)
        groups.join_group(people["coordinator"], name, coordinator=True)
    return people


def schedule(key: str = OPEN, *, start: datetime.datetime | None = None, zone: str = "UTC", **options) -> list:
    """A group's meeting (or series), by nobody in particular: no tutor, so the group's coordinator moderates it."""
    now = timezone.now().astimezone(datetime.UTC).replace(second=0, microsecond=0, tzinfo=None)
    return services.webinar_schedule(
        title=options.pop("title", MEETING["title_en"]),
        translations=options.pop("translations", MEETING),
        start_local=start or now,
        timezone_name=zone,
        duration_minutes=90,
        tutors=[],
        created_by=None,
        audience=Webinar.Audience.GROUP,
        audience_group=key,
        **options,
    )


def series(key: str = OPEN) -> list[Webinar]:
    """Three meetings every two weeks at 16:00 in Berlin, from two weeks ahead, as the seeds' bi-weekly ones."""
    first = (timezone.now() + datetime.timedelta(weeks=2)).astimezone(datetime.UTC).date()
    start = datetime.datetime.combine(first, datetime.time(16, 0))
    return schedule(key, start=start, zone="Europe/Berlin", occurrences=3, every_weeks=2)


def signed_in(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def listed(client) -> list[str]:
    html = client.get("/en/sessions/").content.decode()
    return re.findall(r'<li class="card">\s*<h2><a href="[^"]*">([^<]*)</a>', html)


def join(client, webinar, **data):
    """What a click on "Join" gives: "login", "wait", the BBB role, or the status of the page shown."""
    response = client.post(f"/en/sessions/{webinar.pk}/join/", data)
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(login_url() + "?next="):
        return "login"
    if location.endswith("/wait/"):
        return "wait"
    return dict(parse_qsl(urlsplit(location).query))["role"], location


# --- Listed for members --------------------------------------------------------------------------


def test_a_member_finds_the_series_in_the_session_list_the_feed_and_my_learning(client, provider, crew):
    meetings = series()
    [research] = services.webinar_schedule(  # a session of no module: for every member, unlike a group's
        title="Research meeting",
        start_local=datetime.datetime.combine(meetings[0].starts_at.date(), datetime.time(10, 0)),
        timezone_name="UTC",
        duration_minutes=60,
        tutors=[],
        created_by=None,
    )

    member_list = listed(signed_in(client, crew["member"]))
    assert member_list.count(MEETING["title_en"]) == 3 and "Research meeting" in member_list
    dashboard = BeautifulSoup(client.get("/en/learning/").content.decode(), "html.parser")
    assert MEETING["title_en"] in dashboard.find(id="next-sessions").parent.get_text()
    assert uids(meetings) <= feed_uids(crew["member"])
    assert uids(meetings) <= feed_uids(crew["coordinator"])

    outsider_list = listed(signed_in(client, crew["outsider"]))
    assert MEETING["title_en"] not in outsider_list and "Research meeting" in outsider_list
    assert not uids(meetings) & feed_uids(crew["outsider"])
    assert MEETING["title_en"] not in listed(signed_in(client, None))
    assert research.audience == Webinar.Audience.ENROLLED


def test_the_meeting_page_names_its_group(client, provider, crew):
    [meeting] = schedule()
    html = BeautifulSoup(signed_in(client, crew["member"]).get(f"/en/sessions/{meeting.pk}/").content, "html.parser")
    link = html.select_one(".group-of a")
    assert link["href"] == "/groups/p2p-commons/" and link.get_text() == "p2p-commons"
    assert html.select_one(".group-of").get_text().startswith("Meeting of ")
    turkish = BeautifulSoup(client.get(f"/tr/sessions/{meeting.pk}/").content, "html.parser").select_one(".group-of")
    said = translated('Meeting of <a href="%(url)s">%(label)s</a>', "tr")
    assert turkish.get_text() == BeautifulSoup(said % {"url": "", "label": "p2p-commons"}, "html.parser").get_text()


# --- Joining ---------------------------------------------------------------------------------------


def test_members_join_as_viewers_and_the_groups_coordinator_as_moderator(client, provider, crew, bbb_settings):
    [meeting] = schedule()

    assert join(signed_in(client, crew["member"]), meeting) == "wait"  # the coordinator has not started it
    role, room = join(signed_in(client, crew["coordinator"]), meeting)
    assert role == "MODERATOR" and "you are in as MODERATOR" in requests.get(room, timeout=5).text
    role, room = join(signed_in(client, crew["member"]), meeting)
    assert role == "VIEWER" and "you are in as VIEWER" in requests.get(room, timeout=5).text

    attendance = {a.member.username: a.role for a in Webinar.objects.get(pk=meeting.pk).attendances.all()}
    assert attendance == {"carla": "MODERATOR", "ayse": "VIEWER"}


@pytest.mark.parametrize("language", ["en", "tr"])
def test_an_outsider_may_see_an_open_groups_meeting_but_not_join_it(client, provider, crew, bbb_settings, language):
    [meeting] = schedule()
    signed_in(client, crew["coordinator"]).post(f"/en/sessions/{meeting.pk}/join/")
    outsider = signed_in(client, crew["outsider"])

    page = outsider.get(f"/{language}/sessions/{meeting.pk}/")
    assert page.status_code == 200 and translated(FORBIDDEN, language) in page.content.decode()
    response = outsider.post(f"/{language}/sessions/{meeting.pk}/join/")
    assert response.status_code == 403 and translated(FORBIDDEN, language) in response.content.decode()
    assert join(signed_in(client, None), meeting) == "login"
    assert not Webinar.objects.get(pk=meeting.pk).attendances.filter(member=crew["outsider"]).exists()


def test_a_closed_groups_meeting_is_not_found_by_anyone_else(client, provider, crew, bbb_settings):
    [meeting] = schedule(CLOSED, record=True)
    urls = [f"/en/sessions/{meeting.pk}/{tail}" for tail in ("", "wait/", "status/")] + [
        f"/en/sessions/{meeting.pk}.ics"
    ]

    for user in (None, crew["outsider"]):
        visitor = signed_in(client, user)
        assert [visitor.get(url).status_code for url in urls] == [404] * 4, user
        assert visitor.post(f"/en/sessions/{meeting.pk}/join/", {"consent": "1"}).status_code == 404
    outsider = signed_in(client, crew["outsider"])
    for tail in ("attendance/", "edit/"):
        assert outsider.get(f"/en/sessions/{meeting.pk}/{tail}").status_code == 404
    assert outsider.post(f"/en/sessions/{meeting.pk}/cancel/").status_code == 404
    assert MEETING["title_en"] not in listed(outsider)

    member = signed_in(client, crew["member"])
    assert [member.get(url).status_code for url in urls] == [200] * 4
    assert Webinar.objects.get(pk=meeting.pk).status == Webinar.Status.SCHEDULED


def test_without_a_provider_a_groups_meeting_is_for_its_tutors_only(client, crew, people):
    """No SEMINARS_AUDIENCES: nobody belongs to any group, so nobody else finds the meeting."""
    [meeting] = services.webinar_schedule(
        title="Unclaimed",
        start_local=datetime.datetime(2030, 1, 8, 16, 0),
        timezone_name="Europe/Berlin",
        duration_minutes=60,
        tutors=[people["tutor"]],
        created_by=people["tutor"],
        audience=Webinar.Audience.GROUP,
        audience_group=OPEN,
    )
    assert signed_in(client, crew["member"]).get(f"/en/sessions/{meeting.pk}/").status_code == 404
    assert "Unclaimed" not in listed(client)
    assert signed_in(client, people["tutor"]).get(f"/en/sessions/{meeting.pk}/").status_code == 200
    assert signed_in(client, people["coordinator"]).get(f"/en/sessions/{meeting.pk}/").status_code == 200


# --- Scheduling ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_groups_meeting_must_name_its_group_and_no_module(provider, crew, module_1, language):
    with translation.override(language):
        with pytest.raises(ScheduleError) as unnamed:
            schedule("")
        said = str(unnamed.value.message)
    assert unnamed.value.code == "no_group"
    assert said == translated("A meeting for the members of a group must name the group.", language)
    with pytest.raises(ScheduleError) as in_module:
        schedule(module=module_1)
    assert in_module.value.code == "group_with_module"
    assert not Webinar.objects.filter(audience=Webinar.Audience.GROUP).exists()


def test_moving_a_groups_meeting_keeps_its_group_and_tells_its_members(
    client, provider, crew, django_capture_on_commit_callbacks
):
    [meeting] = series()[:1]
    later = meeting.local_start.replace(tzinfo=None) + datetime.timedelta(days=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, crew["coordinator"]).post(
            f"/en/sessions/{meeting.pk}/edit/",
            {
                "start_date": later.date().isoformat(),
                "start_time": later.strftime("%H:%M"),
                "timezone": meeting.timezone,
                "duration_minutes": 90,
            },
        )
    assert response.status_code == 302
    moved = Webinar.objects.get(pk=meeting.pk)
    assert (moved.audience, moved.audience_group, moved.local_start.hour) == (Webinar.Audience.GROUP, OPEN, 16)
    assert sorted(m.to[0] for m in mail.outbox) == ["ayse@example.org", "ben@example.org", "carla@example.org"]


# --- Reminders -------------------------------------------------------------------------------------


def test_reminders_go_to_the_groups_members_only_once(provider, crew):
    start = (timezone.now() + datetime.timedelta(days=3)).astimezone(datetime.UTC)
    [meeting] = schedule(
        start=start.replace(tzinfo=None, second=0, microsecond=0), title=TITLES["title_en"], translations=TITLES
    )
    groups.join_group(UserFactory(username="closed-only"), groups.name_of(CLOSED))  # another group's member
    mail.outbox.clear()

    beat(until=meeting.starts_at + datetime.timedelta(hours=1))
    beat(until=meeting.starts_at + datetime.timedelta(hours=1))  # beat running again

    assert received(meeting) == {
        "ayse@example.org": [subject("24h", "tr"), subject("1h", "tr")],
        "ben@example.org": [subject("24h", "en"), subject("1h", "en")],
        "carla@example.org": [subject("24h", "en"), subject("1h", "en")],
    }


# --- Recordings ------------------------------------------------------------------------------------


@pytest.fixture
def recording_hook():
    groups.RECORDED.clear()
    with override_settings(SEMINARS_RECORDING_HOOKS=["tests.seminars.groups.record_recording"]):
        yield groups.RECORDED


def test_the_recording_hook_runs_once_per_recording(
    client, provider, crew, bbb, bbb_settings, site_receiver, recording_hook
):
    [meeting] = schedule(CLOSED, record=True)
    assert join(signed_in(client, crew["coordinator"]), meeting, consent="1")[0] == "MODERATOR"
    bbb.end(str(meeting.meeting_id))
    ready = next(r for r in site_receiver.wait_for(2) if r.method == "POST")
    signed_in(client, None)

    for _ in range(3):  # BBB calls again, and the poller asks too
        assert client.post(READY_URL, ready.form).status_code == 200
    ended = Webinar.objects.get(pk=meeting.pk)
    assert (
        services.recordings_sync(
            webinar=ended, recordings=BBBClient.from_settings().get_recordings(str(meeting.meeting_id))
        )
        == 0
    )

    [recording] = ended.recordings.all()
    assert recording_hook == [recording.pk]
    page = signed_in(client, crew["member"]).get(f"/en/sessions/{meeting.pk}/").content.decode()
    assert recording.playback_url in page
    assert signed_in(client, crew["outsider"]).get(f"/en/sessions/{meeting.pk}/").status_code == 404


def test_a_failing_recording_hook_leaves_the_recording_for_the_next_call(
    client, provider, crew, bbb, bbb_settings, site_receiver, recording_hook, settings
):
    [meeting] = schedule(record=True)
    join(signed_in(client, crew["coordinator"]), meeting, consent="1")
    bbb.end(str(meeting.meeting_id))
    ready = next(r for r in site_receiver.wait_for(2) if r.method == "POST")
    settings.SEMINARS_RECORDING_HOOKS = ["tests.seminars.groups.no_such_hook", "tests.seminars.groups.record_recording"]
    signed_in(client, None)

    with pytest.raises(ImportError):
        client.post(READY_URL, ready.form)
    assert not Webinar.objects.get(pk=meeting.pk).recordings.exists()

    settings.SEMINARS_RECORDING_HOOKS = ["tests.seminars.groups.record_recording"]
    assert client.post(READY_URL, ready.form).status_code == 200
    assert recording_hook == [Webinar.objects.get(pk=meeting.pk).recordings.get().pk]


# --- Queries ---------------------------------------------------------------------------------------


def add_group_meetings(count: int) -> None:
    """``count`` more meetings ahead, spread over the member's two groups and two they are not in."""
    first = timezone.now() + datetime.timedelta(days=1)
    offset = Webinar.objects.count()
    keys = [OPEN, CLOSED, "group:elsewhere", "group:closed-elsewhere"]
    Webinar.objects.bulk_create(
        Webinar(
            title=f"Meeting {n}",
            title_en=f"Meeting {n}",
            starts_at=first + datetime.timedelta(hours=n),
            timezone="Europe/Berlin",
            audience=Webinar.Audience.GROUP,
            audience_group=keys[n % 4],
        )
        for n in range(offset, offset + count)
    )


def count_queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warms the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_group_members_pages_cost_the_same_with_50_and_300_meetings(client, provider, crew):
    member = crew["member"]
    personal = f"/en/sessions/calendar/{CalendarFeed.objects.create(member=member).token}.ics"
    [meeting] = schedule(CLOSED)
    signed_in(client, member)

    counts = {}
    for size in (50, 300):
        add_group_meetings(size - Webinar.objects.count())
        counts[size] = {
            "sessions page": count_queries(client, "/en/sessions/"),
            "sessions page 2": count_queries(client, "/en/sessions/?page=2"),
            "personal feed": count_queries(client, personal),
            "my learning": count_queries(client, "/en/learning/"),
            "meeting page": count_queries(client, f"/en/sessions/{meeting.pk}/"),
            "meeting file": count_queries(client, f"/en/sessions/{meeting.pk}.ics"),
        }
        shown = listed(client)
        assert len(shown) == 20 and {int(title.split()[-1]) % 4 for title in shown[1:]} <= {0, 1}  # their groups'

    assert counts[50] == counts[300]
