"""The iCalendar feeds as a calendar program reads them: valid, stable, in the organiser's zone."""

import datetime
import io
import re
import zoneinfo

import icalendar
import pytest
import vobject
from dateutil.tz import tzical
from django.test import Client

from seminars import services
from seminars.models import Webinar

from .conftest import BBB_TEST_SECRET, schedule_form

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
FEEDS = ["session", "module", "personal"]


def personal_feed_url(client) -> str:
    """The address the calendar page shows the signed-in member."""
    page = client.get("/en/sessions/calendar/").content.decode()
    return re.search(r'value="http://testserver(/en/sessions/calendar/[^"]+\.ics)"', page)[1]


@pytest.fixture
def feed_url(as_role, weekly, module_1):
    """Each feed's address, as the enrolled steward finds it (a calendar program has no session cookie)."""
    personal = personal_feed_url(as_role("enrolled"))

    def url(feed: str, webinar: Webinar = weekly) -> str:
        return {
            "session": f"/en/sessions/{webinar.pk}.ics",
            "module": f"/en/sessions/module/{module_1.pk}.ics",
            "personal": personal,
        }[feed]

    return url


def fetch(url: str) -> bytes:
    response = Client().get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def events(body: bytes) -> dict[str, icalendar.Event]:
    """The feed's events by UID, after checking it as strict readers would."""
    vobject.readOne(body.decode(), validate=True)
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.get_missing_tzids() == set()
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def event_of(body: bytes, webinar: Webinar) -> icalendar.Event:
    return events(body)[f"{webinar.meeting_id}@nlu"]


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_is_valid_and_keeps_its_uids(feed_url, weekly, settings, feed):
    settings.SITE_URL = "https://nlu.example.org"
    first, second = fetch(feed_url(feed)), fetch(feed_url(feed))
    assert events(first).keys() == events(second).keys()
    assert f"{weekly.meeting_id}@nlu" in events(first)
    event = event_of(first, weekly)
    assert event["url"] == f"https://nlu.example.org/en/sessions/{weekly.pk}/"
    assert event["dtstart"].params["TZID"] == "Europe/Istanbul"
    assert event.decoded("dtstart").astimezone(datetime.UTC) == weekly.starts_at


@pytest.mark.parametrize("feed", FEEDS)
def test_no_join_url_in_any_feed(as_role, feed_url, drop_in, bbb_settings, settings, feed):
    """Even while the session runs (its meeting created), a feed carries the page, never a join URL."""
    settings.SITE_URL = "https://nlu.example.org"
    assert as_role("tutor").post(f"/en/sessions/{drop_in.pk}/join/").status_code == 302
    body = fetch(feed_url(feed, drop_in)).decode().replace("\r\n ", "")  # unfolded
    assert f"https://nlu.example.org/en/sessions/{drop_in.pk}/" in body
    for secret in ("join", "checksum", BBB_TEST_SECRET, bbb_settings.url):
        assert secret not in body


@pytest.mark.parametrize("feed", FEEDS)
def test_sequence_rises_after_a_reschedule(as_role, feed_url, weekly, feed):
    before = event_of(fetch(feed_url(feed)), weekly)
    later = weekly.local_start.replace(tzinfo=None) + datetime.timedelta(hours=2)
    response = as_role("tutor").post(f"/en/sessions/{weekly.pk}/edit/", schedule_form(later, duration_minutes=120))
    assert response.status_code == 302

    after = event_of(fetch(feed_url(feed)), weekly)
    assert after["uid"] == before["uid"]
    assert after["sequence"] > before["sequence"]
    assert after.decoded("dtstart") - before.decoded("dtstart") == datetime.timedelta(hours=2)


@pytest.mark.parametrize("feed", FEEDS)
def test_a_cancelled_session_is_cancelled_in_the_feed(as_role, feed_url, weekly, feed):
    before = event_of(fetch(feed_url(feed)), weekly)
    assert as_role("tutor").post(f"/en/sessions/{weekly.pk}/cancel/").status_code == 302

    after = event_of(fetch(feed_url(feed)), weekly)
    assert after["status"] == "CANCELLED"
    assert after["sequence"] > before["sequence"]


def test_a_weekly_series_stays_at_16_local_across_the_end_of_dst(as_role, module_1):
    start = datetime.datetime(2027, 10, 21, 16, 0)  # Thursdays; Berlin leaves summer time on 31 October
    form = schedule_form(start, zone="Europe/Berlin", occurrences=4)
    response = as_role("tutor").post(f"/en/sessions/new/?module={module_1.pk}", form)
    assert response.status_code == 302

    series = list(Webinar.objects.filter(timezone="Europe/Berlin", module=module_1).order_by("starts_at"))
    assert [w.starts_at.astimezone(BERLIN).strftime("%d %H:%M") for w in series] == [
        "21 16:00",
        "28 16:00",
        "04 16:00",
        "11 16:00",
    ]
    assert [w.starts_at.astimezone(datetime.UTC).hour for w in series] == [14, 14, 15, 15]

    body = fetch(f"/en/sessions/module/{module_1.pk}.ics")
    lines = body.decode().splitlines()
    for webinar in series:
        local = webinar.starts_at.astimezone(BERLIN).strftime("%Y%m%dT%H%M%S")
        assert f"DTSTART;TZID=Europe/Berlin:{local}" in lines
    # A reader without a zone database goes by the feed's own VTIMEZONE; it must give the same instants.
    # (dateutil's reader: vobject keeps only the first RDATE of a list, so it cannot judge this.)
    berlin_as_sent = tzical(io.StringIO(body.decode())).get("Europe/Berlin")
    for webinar in series:
        local = webinar.starts_at.astimezone(BERLIN).replace(tzinfo=berlin_as_sent)
        assert local.astimezone(datetime.UTC) == webinar.starts_at


@pytest.mark.parametrize(
    ("zone", "start", "message"),
    [
        (
            "Europe/Berlin",
            datetime.datetime(2027, 3, 28, 2, 30),
            "Sun 28 Mar 2027, 02:30 does not exist in Europe/Berlin",
        ),
        ("Mars/Olympus_Mons", datetime.datetime(2027, 3, 28, 16, 0), "Select a valid choice"),
    ],
)
def test_a_start_that_does_not_exist_is_refused(as_role, module_1, weekly, zone, start, message):
    client, before = as_role("tutor"), Webinar.objects.count()

    response = client.post(f"/en/sessions/new/?module={module_1.pk}", schedule_form(start, zone=zone))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Webinar.objects.count() == before

    response = client.post(f"/en/sessions/{weekly.pk}/edit/", schedule_form(start, zone=zone))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Webinar.objects.get(pk=weekly.pk).starts_at == weekly.starts_at


def test_a_series_running_into_the_dst_gap_is_refused_whole(as_role, module_1):
    """Weekly at 02:30 from 21 March 2027: the second session would fall in the gap, so none is made."""
    before = Webinar.objects.count()
    form = schedule_form(datetime.datetime(2027, 3, 21, 2, 30), zone="Europe/Berlin", occurrences=3)
    response = as_role("tutor").post(f"/en/sessions/new/?module={module_1.pk}", form)
    assert response.status_code == 400
    assert "Sun 28 Mar 2027, 02:30 does not exist in Europe/Berlin" in response.content.decode()
    assert Webinar.objects.count() == before


def test_personal_feed_token_can_be_replaced(as_role):
    client = as_role("enrolled")
    old = personal_feed_url(client)
    assert client.get(old).status_code == 200
    assert personal_feed_url(client) == old  # stable until replaced

    assert client.post("/en/sessions/calendar/").status_code == 302

    new = personal_feed_url(client)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


@pytest.mark.parametrize("feed", FEEDS)
def test_a_polling_calendar_gets_304_until_the_feed_changes(as_role, feed_url, weekly, feed):
    url, calendar_program = feed_url(feed), Client()
    first = calendar_program.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    unchanged = calendar_program.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert calendar_program.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304

    later = weekly.local_start.replace(tzinfo=None) + datetime.timedelta(hours=1)
    assert as_role("tutor").post(f"/en/sessions/{weekly.pk}/edit/", schedule_form(later)).status_code == 302
    changed = calendar_program.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert event_of(changed.content, weekly)["sequence"] > event_of(first.content, weekly)["sequence"]
    # Changed within the same second, and still newer to a program that only sends the date.
    assert calendar_program.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 200


def test_the_personal_feed_follows_withdrawing_and_enrolling_again(as_role, feed_url, weekly, module_1):
    url, calendar_program = feed_url("personal"), Client()
    enrolled = calendar_program.get(url)
    assert f"{weekly.meeting_id}@nlu" in events(enrolled.content)

    steward = as_role("enrolled")
    assert steward.post(f"{module_1.url}withdraw/").status_code == 302
    withdrawn = calendar_program.get(url, HTTP_IF_NONE_MATCH=enrolled["ETag"])
    assert withdrawn.status_code == 200
    assert f"{weekly.meeting_id}@nlu" not in events(withdrawn.content)

    assert steward.post(f"{module_1.url}enrol/").status_code == 302
    # The same sessions as at first, yet newer than what the program last read.
    again = calendar_program.get(url, HTTP_IF_MODIFIED_SINCE=withdrawn["Last-Modified"])
    assert again.status_code == 200
    assert f"{weekly.meeting_id}@nlu" in events(again.content)


def test_the_personal_feed_has_the_sessions_one_tutors_once_and_no_others(as_role, people, weekly, drop_in):
    """The researcher, enrolled in nothing, co-tutors one weekly session of Module 1: that one only."""
    weekly.tutors.add(people["outsider"])
    body = Client().get(personal_feed_url(as_role("outsider"))).content
    uids = [str(event["uid"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    assert f"{weekly.meeting_id}@nlu" in uids
    assert f"{drop_in.meeting_id}@nlu" not in uids
    assert len(uids) == len(set(uids))


def test_a_feed_says_when_in_its_reader_s_language_and_zone(as_role, people, module_1):
    """Thursday 7 January 2027, 07:58 in Istanbul: the description opens with the start as people read it."""
    [webinar] = services.webinar_schedule(
        title="Health and safety reps",
        start_local=datetime.datetime(2027, 1, 7, 7, 58),
        timezone_name="Europe/Istanbul",
        duration_minutes=60,
        tutors=[people["tutor"]],
        created_by=people["tutor"],
        module=module_1,
        audience=Webinar.Audience.PUBLIC,
    )

    def description(url: str) -> str:
        return str(event_of(fetch(url), webinar)["description"])

    # A calendar program sends no cookie: a session's own feed writes its own zone, in the address's language.
    assert description(f"/en/sessions/{webinar.pk}.ics").startswith("Thu 7 Jan 2027, 07:58 (Europe/Istanbul)\n\n")
    assert description(f"/tr/sessions/{webinar.pk}.ics").startswith("7 Oca 2027 Prş, 07:58 (Europe/Istanbul)\n\n")
    # A personal feed is in its member's zone, in the language of its address: the tutor's from an English
    # page in Rome, the steward's from a Turkish page in Istanbul.
    assert description(personal_feed_url(as_role("tutor"))).startswith("Thu 7 Jan 2027, 05:58 (Europe/Rome)")
    turkish = personal_feed_url(as_role("enrolled")).replace("/en/", "/tr/", 1)
    assert description(turkish).startswith("7 Oca 2027 Prş, 07:58 (Europe/Istanbul)")
