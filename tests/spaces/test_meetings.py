"""A space's regular meeting: a coordinator schedules the series, members find it in their calendars, join it
(coordinators host it), get its reminders; outsiders of a members-only space never find it; the notes of a
meeting are one click away, once."""

import datetime
import zoneinfo
from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from seminars.models import Webinar
from seminars.notifications import reminders_send_due
from spaces import services
from spaces.models import Activity, Space
from tests.factories import UserFactory
from tests.seminars.conftest import bbb_server, bbb_settings, feed_uids, uids  # noqa: F401 (the BBB stand-in's fixtures)
from wiki.models import WikiPage

from .conftest import enrol, page_text, signed_in, translated

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
ONLY_COORDINATORS = "Only the coordinators of this space can do that."


def days_ahead(days: int) -> datetime.date:
    return (timezone.now() + datetime.timedelta(days=days)).astimezone(BERLIN).date()


def meeting_form(day: datetime.date, time: str = "16:00", **fields) -> dict:
    return {
        "start_date": day.isoformat(),
        "start_time": time,
        "timezone": "Europe/Berlin",
        "duration_minutes": 60,
        "every_weeks": 2,
        "occurrences": 6,
        **fields,
    }


def join(client, webinar):
    """What a click on "Join" gives: "wait", the BBB role, or the status of the page shown."""
    response = client.post(f"/en/sessions/{webinar.pk}/join/")
    if response.status_code != 302:
        return response.status_code
    if response["Location"].endswith("/wait/"):
        return "wait"
    if "login" in response["Location"]:
        return "login"
    return dict(parse_qsl(urlsplit(response["Location"]).query))["role"]


@pytest.fixture
def crew(make_space, founder) -> dict:
    """A public and a members-only space with the same people: the founder coordinates, two members, an outsider."""
    spaces = {
        "public": make_space("Platform co-ops"),
        "closed": make_space("Couriers organising", visibility=Space.Visibility.MEMBERS),
    }
    people = {
        "coordinator": founder,
        "ayse": UserFactory(username="ayse", language="tr", timezone="Europe/Istanbul"),
        "ben": UserFactory(username="ben", language="en", timezone="Europe/Berlin"),
        "outsider": UserFactory(username="dev", language="en", timezone="Europe/Berlin"),
    }
    for space in spaces.values():
        enrol(space, people["ayse"])
        enrol(space, people["ben"])
    return {**spaces, **people}


def test_a_coordinator_schedules_the_bi_weekly_series(client, crew):
    space = crew["public"]
    first = days_ahead(3)
    response = signed_in(client, crew["coordinator"]).post(f"/en/spaces/{space.slug}/meeting/", meeting_form(first))
    assert response.status_code == 302 and response["Location"] == f"/en/spaces/{space.slug}/"

    meetings = list(Webinar.objects.order_by("starts_at"))
    assert len(meetings) == 6
    assert {(m.audience, m.audience_group) for m in meetings} == {(Webinar.Audience.GROUP, space.key)}
    local = [m.starts_at.astimezone(BERLIN) for m in meetings]
    assert [moment.date() for moment in local] == [first + datetime.timedelta(weeks=2 * n) for n in range(6)]
    assert {moment.time() for moment in local} == {datetime.time(16, 0)}  # across a change of summer time too
    assert meetings[0].title_en == "Meeting: Platform co-ops"
    assert meetings[0].title_tr == translated("Meeting: %(space)s", "tr") % {"space": "Platform co-ops"}

    page = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    next_link = page.find("dt", string="Next meeting").find_next_sibling("dd").a
    assert next_link["href"] == f"/en/sessions/{meetings[0].pk}/"
    assert Activity.objects.filter(space=space, kind=Activity.Kind.MEETING, webinar=meetings[0]).count() == 1
    assert "scheduled the meetings" in page_text(client.get(response["Location"]))


@pytest.mark.parametrize("language", ["en", "tr"])
def test_only_coordinators_schedule(client, crew, language):
    space, closed, first = crew["public"], crew["closed"], days_ahead(3)
    response = signed_in(client, crew["ben"]).post(f"/{language}/spaces/{space.slug}/meeting/", meeting_form(first))
    assert response.status_code == 403
    assert translated(ONLY_COORDINATORS, language) in page_text(response)
    outsider = signed_in(client, crew["outsider"])
    assert outsider.get(f"/{language}/spaces/{space.slug}/meeting/").status_code == 403
    assert outsider.post(f"/{language}/spaces/{closed.slug}/meeting/", meeting_form(first)).status_code == 404
    visitor = signed_in(client, None).get(f"/{language}/spaces/{space.slug}/meeting/")
    assert visitor.status_code == 302 and "login" in visitor["Location"]
    assert not Webinar.objects.exists()


def test_a_bad_start_is_refused_and_nothing_scheduled(client, crew):
    space = crew["public"]
    coordinator = signed_in(client, crew["coordinator"])
    assert (
        coordinator.post(f"/en/spaces/{space.slug}/meeting/", meeting_form(days_ahead(3), occurrences=0)).status_code
        == 400
    )
    assert (
        coordinator.post(f"/en/spaces/{space.slug}/meeting/", meeting_form(days_ahead(3), time="25:00")).status_code
        == 400
    )
    assert not Webinar.objects.exists()


@pytest.mark.parametrize("which", ["public", "closed"])
def test_the_series_is_in_the_members_calendars_only(client, crew, which):
    space = crew[which]
    signed_in(client, crew["coordinator"]).post(f"/en/spaces/{space.slug}/meeting/", meeting_form(days_ahead(3)))
    meetings = Webinar.objects.all()
    assert len(meetings) == 6
    for member in ("coordinator", "ayse", "ben"):
        assert uids(meetings) <= feed_uids(crew[member]), member
    assert not uids(meetings) & feed_uids(crew["outsider"])


def test_a_members_only_spaces_meetings_are_not_found_by_outsiders(client, crew):
    closed = crew["closed"]
    signed_in(client, crew["coordinator"]).post(f"/en/spaces/{closed.slug}/meeting/", meeting_form(days_ahead(3)))
    meeting = Webinar.objects.order_by("starts_at").first()
    for user in (None, crew["outsider"]):
        reader = signed_in(client, user)
        for address in (f"/en/sessions/{meeting.pk}/", f"/en/sessions/{meeting.pk}.ics", f"/tr/sessions/{meeting.pk}/"):
            assert reader.get(address).status_code == 404, address
        assert "Couriers organising" not in page_text(reader.get("/en/sessions/"))
    member = signed_in(client, crew["ben"])
    assert member.get(f"/en/sessions/{meeting.pk}/").status_code == 200
    assert "Couriers organising" in page_text(member.get(f"/en/sessions/{meeting.pk}/"))


def schedule_now(space, by) -> Webinar:
    """A meeting of the space starting at this minute (the room is open), through the service."""
    now = timezone.now().astimezone(BERLIN).replace(second=0, microsecond=0, tzinfo=None)
    return services.meeting_schedule(space=space, by=by, start_local=now, timezone_name="Europe/Berlin", occurrences=1)[
        0
    ]


@pytest.mark.parametrize("which", ["public", "closed"])
def test_members_join_as_viewers_and_coordinators_host(client, crew, bbb_settings, which):  # noqa: F811
    space = crew[which]
    meeting = schedule_now(space, crew["coordinator"])

    assert join(signed_in(client, crew["ben"]), meeting) == "wait"  # no coordinator in the room yet
    assert join(signed_in(client, crew["coordinator"]), meeting) == "MODERATOR"
    assert join(signed_in(client, crew["ben"]), meeting) == "VIEWER"
    assert join(signed_in(client, crew["outsider"]), meeting) == (404 if which == "closed" else 403)
    assert join(signed_in(client, None), meeting) in ("login", 404)
    attendance = {a.member.username: a.role for a in Webinar.objects.get(pk=meeting.pk).attendances.all()}
    assert attendance == {"founder": "MODERATOR", "ben": "VIEWER"}


def test_a_new_coordinator_hosts_and_a_former_one_is_an_outsider(client, crew, bbb_settings):  # noqa: F811
    """Who hosts follows the space's roles now, not who coordinated when the series was scheduled."""
    closed = crew["closed"]
    meeting = schedule_now(closed, crew["coordinator"])
    services.role_set(space=closed, by=crew["coordinator"], member=crew["ayse"], role="coordinator")
    assert join(signed_in(client, crew["ayse"]), meeting) == "MODERATOR"

    services.space_leave(space=closed, member=crew["coordinator"])  # ayse coordinates now
    former = signed_in(client, crew["coordinator"])
    assert former.get(f"/en/sessions/{meeting.pk}/").status_code == 404
    assert join(former, meeting) == 404
    assert not uids([meeting]) & feed_uids(crew["coordinator"])


def test_reminders_go_to_the_members_in_their_language(crew):
    space = crew["closed"]
    start = (timezone.now() + datetime.timedelta(days=2)).astimezone(BERLIN).replace(second=0, microsecond=0)
    [meeting] = services.meeting_schedule(
        space=space,
        by=crew["coordinator"],
        start_local=start.replace(tzinfo=None),
        timezone_name="Europe/Berlin",
        occurrences=1,
    )
    mail.outbox.clear()
    now = timezone.now()
    while now < meeting.starts_at:  # beat, every ten minutes, until the meeting
        reminders_send_due(now=now)
        now += datetime.timedelta(minutes=10)
    reminders_send_due(now=meeting.starts_at - datetime.timedelta(minutes=30))  # beat again: nothing twice

    def subject(kind: str, language: str) -> str:
        with translation.override(language):
            said = {
                "24h": translation.gettext("Tomorrow: %(title)s"),
                "1h": translation.gettext("In one hour: %(title)s"),
            }
            return said[kind] % {"title": getattr(meeting, f"title_{language}")}

    received: dict[str, list[str]] = {}
    for message in mail.outbox:
        for address in message.to:
            received.setdefault(address, []).append(message.subject)
    assert received == {
        "founder@example.org": [subject("24h", "en"), subject("1h", "en")],
        "ayse@example.org": [subject("24h", "tr"), subject("1h", "tr")],
        "ben@example.org": [subject("24h", "en"), subject("1h", "en")],
    }
    assert subject("24h", "tr") != subject("24h", "en")


# --- Meeting notes ---------------------------------------------------------------------------------


def test_one_click_writes_the_meetings_notes_and_a_second_finds_them(client, crew):
    space = crew["closed"]
    signed_in(client, crew["coordinator"]).post(f"/en/spaces/{space.slug}/meeting/", meeting_form(days_ahead(3)))
    meeting = Webinar.objects.order_by("starts_at").first()
    member = signed_in(client, crew["ben"])
    page = BeautifulSoup(member.get(f"/en/spaces/{space.slug}/").content, "html.parser")
    notes_form = page.find("form", action=f"/en/spaces/{space.slug}/meeting/{meeting.pk}/notes/")
    assert notes_form is not None  # the button on the space's page

    response = member.post(notes_form["action"])
    assert response.status_code == 302
    notes = WikiPage.objects.get()
    assert response["Location"] == f"/en/wiki/{notes.slug}/"
    assert (notes.scope, notes.private, notes.language) == (space.key, True, "en")
    day = meeting.starts_at.astimezone(BERLIN).date().isoformat()
    assert notes.title == f"Meeting notes: Couriers organising, {day}"
    shown = page_text(member.get(response["Location"]))
    start = meeting.starts_at.astimezone(BERLIN)
    when = f"{start:%a} {start.day} {start:%b %Y}, 16:00"  # the meeting's own zone, the notes' language
    assert f"Meeting of Couriers organising on {when} (Europe/Berlin)" in shown
    for part in ("Attendees", "Agenda", "Decisions", "founder", "ayse", "ben"):
        assert part in shown, part
    assert "dev" not in shown.split("Attendees", 1)[1].split("Agenda", 1)[0]

    again = signed_in(client, crew["ayse"]).post(notes_form["action"])
    assert (again.status_code, again["Location"]) == (302, response["Location"])
    assert WikiPage.objects.count() == 1
    assert Client().get(response["Location"]).status_code == 404  # a members-only space's notes


def test_the_notes_list_those_who_came(client, crew, bbb_settings):  # noqa: F811
    space = crew["public"]
    meeting = schedule_now(space, crew["coordinator"])
    join(signed_in(client, crew["coordinator"]), meeting)
    join(signed_in(client, crew["ayse"]), meeting)
    signed_in(client, crew["ayse"]).post(f"/en/spaces/{space.slug}/meeting/{meeting.pk}/notes/")
    attendees = WikiPage.objects.get().current_revision.text.split("## Attendees", 1)[1].split("## Agenda", 1)[0]
    assert "ayse" in attendees and "founder" in attendees and "ben" not in attendees


def test_notes_only_for_members_and_only_of_the_spaces_own_meetings(client, crew, make_space):
    space = crew["public"]
    signed_in(client, crew["coordinator"]).post(f"/en/spaces/{space.slug}/meeting/", meeting_form(days_ahead(3)))
    meeting = Webinar.objects.order_by("starts_at").first()
    notes = f"/en/spaces/{space.slug}/meeting/{meeting.pk}/notes/"
    assert signed_in(client, crew["outsider"]).post(notes).status_code == 403
    closed_notes = f"/en/spaces/{crew['closed'].slug}/meeting/{meeting.pk}/notes/"
    assert signed_in(client, crew["ben"]).post(closed_notes).status_code == 404  # another space's meeting
    assert not WikiPage.objects.exists()
