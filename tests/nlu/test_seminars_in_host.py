"""Seminars in the NLU site: what the host adds around the app (main navigation, its layout and
messages, the reader's zone from the profile or the browser, display names, the demo, the cost of
a signed-in page with its kept sessions and permissions).

The app's own tests (tests/seminars/) run in its bare host too; these need the NLU host.
"""

import datetime
import io
import socket
import zoneinfo

import pytest
import requests
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

from courses.models import CourseModulePage, Enrolment
from seminars.demo import DROP_IN, RESEARCH, WEEKLY
from seminars.models import Webinar
from seminars.views import BBB_DOWN
from tests.courses.conftest import course_index, make_module  # noqa: F401 (fixtures)
from tests.factories import UserFactory
from tests.seminars.conftest import (  # noqa: F401 (fixtures)
    BBB_TEST_SECRET,
    as_role,
    bbb_server,
    drop_in,
    module_1,
    people,
    schedule_form,
)
from tests.seminars.test_queries import add_sessions, session_list_queries
from tests.seminars.test_session_time import STARTS_AT, session

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize("language", ["en", "tr"])


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


@BOTH
def test_the_main_navigation_links_to_the_sessions(client, demo, language):
    expected = {"en": "Sessions", "tr": "Oturumlar"}[language]
    link = soup(client.get(f"/{language}/")).select_one(".main-nav").find("a", string=expected)
    assert link["href"] == f"/{language}/sessions/"
    assert soup(client.get(link["href"])).select_one(".main-nav a[aria-current]").get_text() == expected


@BOTH
def test_a_session_page_is_inside_the_sites_layout(client, demo, language):
    webinar = Webinar.objects.get(title_en=WEEKLY["title_en"], unit__week=1)
    html = soup(client.get(f"/{language}/sessions/{webinar.pk}/"))
    assert html.html["lang"] == language
    assert html.select_one(".main-nav")
    site = {"en": "Networked Labour University", "tr": "Ağ Tabanlı Emek Üniversitesi"}[language]
    assert " ".join(html.title.get_text().split()) == f"{WEEKLY[f'title_{language}']} · {site}"


@BOTH
def test_bbb_down_is_said_on_a_page_of_the_readers_language(as_role, drop_in, settings, language):  # noqa: F811 (fixtures)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.BBB_URL = f"http://127.0.0.1:{closed}/bigbluebutton/api/"
    response = as_role("tutor").post(f"/{language}/sessions/{drop_in.pk}/join/")
    assert response.status_code == 503
    assert soup(response).html["lang"] == language
    with translation.override(language):
        assert str(BBB_DOWN) in response.content.decode()


def test_the_site_shows_how_many_sessions_were_scheduled(as_role, module_1):  # noqa: F811 (fixtures)
    form = schedule_form(datetime.datetime(2027, 1, 12, 16, 0), occurrences=2)
    page = as_role("tutor").post(f"/en/sessions/new/?module={module_1.pk}", form, follow=True)
    assert "2 session(s) scheduled." in page.content.decode()


def test_attendance_names_members_as_the_site_does(client, demo, settings, bbb_server):  # noqa: F811 (fixtures)
    """By their display names (the NLU user model's ``__str__``), not their usernames."""
    settings.BBB_URL, settings.BBB_SECRET = bbb_server.url, BBB_TEST_SECRET
    webinar = Webinar.objects.get(title_en=DROP_IN["title_en"])
    users = get_user_model().objects
    for username in ("tutor", "steward"):
        client.force_login(users.get(username=username))
        response = client.post(f"/en/sessions/{webinar.pk}/join/")
        assert "you are in as" in requests.get(response["Location"], timeout=5).text
    rows = soup(client.get(f"/en/sessions/{webinar.pk}/attendance/")).select("tbody tr td:first-child")
    assert [row.get_text() for row in rows] == ["Ayşe (shop steward)"]  # the steward sees their own
    client.force_login(users.get(username="tutor"))
    rows = soup(client.get(f"/en/sessions/{webinar.pk}/attendance/")).select("tbody tr td:first-child")
    assert [row.get_text() for row in rows] == ["Giulia (tutor)", "Ayşe (shop steward)"]


# --- The reader's zone: the member's profile, else the browser's (nlu.middleware) ----------------


def test_a_visitors_browser_zone_shows_their_time_and_the_sessions_own(client):
    webinar = session("Asia/Kolkata")
    client.cookies["nlu_tz"] = "Europe/Istanbul"
    html = client.get(f"/en/sessions/{webinar.pk}/").content.decode()
    assert '<time datetime="2027-03-01T12:00:00+03:00">Mon 1 Mar 2027, 12:00 (Europe/Istanbul)</time>' in html
    assert '<span class="muted">· 14:30 in Asia/Kolkata</span>' in html


def test_a_members_profile_gives_the_zone_and_the_language(client):
    webinar = session("Asia/Kolkata")
    client.force_login(UserFactory(language="tr", timezone="Europe/Istanbul"))
    html = client.get(f"/tr/sessions/{webinar.pk}/").content.decode()
    assert '<time datetime="2027-03-01T12:00:00+03:00">1 Mar 2027 Pzt, 12:00 (Europe/Istanbul)</time>' in html
    assert "· Asia/Kolkata saatiyle 14:30</span>" in html


@pytest.mark.parametrize("url", ["/en/sessions/", "/en/learning/"])
def test_lists_show_the_members_zone_and_the_sessions(client, url, make_module):  # noqa: F811 (the fixture)
    module = make_module()
    member = UserFactory(language="en", timezone="Europe/Istanbul")
    Enrolment.objects.create(module=module, member=member, status=Enrolment.Status.ACTIVE)
    Webinar.objects.create(title="Next one", module=module, timezone="Asia/Kolkata", starts_at=STARTS_AT)
    client.force_login(member)
    html = client.get(url).content.decode()
    assert "(Europe/Istanbul)</time>" in html
    assert "· 14:30 in Asia/Kolkata</span>" in html


def test_the_session_list_costs_a_pinned_number_of_queries(client, make_module):  # noqa: F811 (the fixture)
    """Pinned, so that a new query is a decision: one page of sessions; signed in, also the member (their
    session and permissions are kept: nlu.settings, nlu.backends), and the page is two: the start times
    and ids of the first rows of each kind of visible session (one UNION), then the page's rows; signed in,
    the member's groups too (SEMINARS_AUDIENCES: the spaces they belong to, whose meetings they see)."""
    module = make_module()
    member = UserFactory()
    Enrolment.objects.create(module=module, member=member, status=Enrolment.Status.ACTIVE)
    add_sessions(module, member, 10, audience="public")
    assert session_list_queries(client, member, "/en/sessions/") == {
        "/en/sessions/, anonymous": 4,
        "/en/sessions/, signed in": 7,
    }


# --- The demo (load_demo calls the app's load_demo hook) -----------------------------------------


def test_the_demo_has_module_1s_weekly_sessions_a_research_meeting_and_a_drop_in(demo):
    module = CourseModulePage.objects.get(slug_en="module-1")
    istanbul = zoneinfo.ZoneInfo("Europe/Istanbul")
    weekly = list(Webinar.objects.filter(title_en=WEEKLY["title_en"]).order_by("starts_at"))
    assert [w.unit.week for w in weekly] == list(range(1, 8))
    assert {(w.starts_at.astimezone(istanbul).time(), w.record, w.module_id) for w in weekly} == {
        (datetime.time(16, 0), True, module.pk)
    }
    assert weekly[0].starts_at.astimezone(istanbul).date() == module.start_date
    research = list(Webinar.objects.filter(title_en=RESEARCH["title_en"]).order_by("starts_at"))
    assert len(research) == 6 and {w.audience for w in research} == {Webinar.Audience.MEMBERS}
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert {w.starts_at.astimezone(berlin).time() for w in research} == {datetime.time(16, 0)}
    assert research[1].starts_at.astimezone(berlin).date() - research[0].starts_at.astimezone(berlin).date() == (
        datetime.timedelta(weeks=2)
    )
    [drop_in_session] = Webinar.objects.filter(title_en=DROP_IN["title_en"])
    assert drop_in_session.status == Webinar.Status.SCHEDULED and drop_in_session.module_id == module.pk

    call_command("load_demo", stdout=io.StringIO())  # again: nothing more
    assert Webinar.objects.filter(title_en__in=[WEEKLY["title_en"], RESEARCH["title_en"]]).count() == 13
