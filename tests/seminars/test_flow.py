"""The whole flow over real HTTP: our site (live server) and the BBB stand-in calling each other.

A tutor schedules a recorded session, starts it, a steward joins, the tutor ends it on the stand-in,
and the stand-in's callbacks bring the end, the attendance's close and the recording back.
"""

import datetime
import time

import pytest
import requests
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.test import override_settings
from django.utils import translation

from seminars import services
from seminars.models import Webinar

from .conftest import PASSWORD, login_url, schedule_form

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def page(response: requests.Response) -> BeautifulSoup:
    assert response.status_code == 200, response.url
    return BeautifulSoup(response.text, "html.parser")


def csrf(soup: BeautifulSoup) -> str:
    return soup.find("input", {"name": "csrfmiddlewaretoken"})["value"]


def sign_in(site: str, username: str) -> requests.Session:
    """A browser session signed in through the host's login form (settings.LOGIN_URL)."""
    browser, url = requests.Session(), site + login_url()
    form = page(browser.get(url))
    # django-allauth's form names the field "login", django.contrib.auth's "username".
    field = "login" if form.find("input", {"name": "login"}) else "username"
    response = browser.post(
        url, {"csrfmiddlewaretoken": csrf(form), field: username, "password": PASSWORD}, allow_redirects=False
    )
    assert response.status_code == 302, f"{username} could not sign in"
    return browser


def press_join(browser: requests.Session, site: str, pk: int, bbb_url: str) -> BeautifulSoup:
    """Tick the consent box and press the join button; the redirect goes to BBB, which lets them in."""
    detail = page(browser.get(f"{site}/en/sessions/{pk}/"))
    response = browser.post(
        f"{site}/en/sessions/{pk}/join/", {"csrfmiddlewaretoken": csrf(detail), "consent": "1"}, allow_redirects=False
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(bbb_url + "join?")
    return page(browser.get(response.headers["Location"]))


def eventually(check, timeout: float = 10.0):
    """Poll until ``check()`` is true (callbacks arrive in another thread)."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "the callback never arrived"
        time.sleep(0.05)
    return result


def test_schedule_start_join_end_attendance_recording(
    live_server, settings, bbb_settings, people, module_1, settlement_hook
):
    site = settings.SITE_URL = live_server.url
    tutor, steward = sign_in(site, "tutor"), sign_in(site, "steward")

    # The tutor schedules a recorded session starting now.
    schedule_url = f"{site}/en/sessions/new/?module={module_1.pk}"
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    form = schedule_form(now, zone="UTC", title_en="Live flow session", record="on")
    response = tutor.post(schedule_url, {**form, "csrfmiddlewaretoken": csrf(page(tutor.get(schedule_url)))})
    webinar = Webinar.objects.get(title_en="Live flow session")
    assert response.url == f"{site}/en/sessions/{webinar.pk}/"

    # The tutor's click creates the meeting; the steward comes in as a viewer.
    room = press_join(tutor, site, webinar.pk, bbb_settings.url)
    assert "you are in as MODERATOR" in room.h1.get_text()
    assert "you are in as VIEWER" in press_join(steward, site, webinar.pk, bbb_settings.url).h1.get_text()
    assert Webinar.objects.get(pk=webinar.pk).status == Webinar.Status.RUNNING

    # The tutor presses "End meeting" in the room; BBB sends them back to the session page.
    end = room.find("form", action=lambda action: action and action.endswith("/end"))
    fields = {field["name"]: field["value"] for field in end.find_all("input")}
    back = tutor.post(bbb_settings.origin + end["action"], fields)
    assert back.url == f"{site}/en/sessions/{webinar.pk}/"

    ended = eventually(lambda: Webinar.objects.filter(pk=webinar.pk, status=Webinar.Status.ENDED).first())
    assert ended.ended_at is not None
    attendance = {a.member.username: a.role for a in ended.attendances.select_related("member")}
    assert attendance == {"tutor": "MODERATOR", "steward": "VIEWER"}
    csv = tutor.get(f"{site}/en/sessions/{webinar.pk}/attendance/?format=csv").content.decode("utf-8-sig")
    assert f"{people['tutor']},MODERATOR" in csv and f"{people['enrolled']},VIEWER" in csv

    # The recording-ready callback brings the recording, and the steward can watch it.
    recording = eventually(lambda: ended.recordings.first())
    detail = page(steward.get(f"{site}/en/sessions/{webinar.pk}/"))
    watch = detail.find("a", string="Watch the recording")
    assert watch["href"] == recording.playback_url
    assert "recording: Live flow session" in page(requests.get(watch["href"], timeout=5)).h1.get_text()

    # Settled once, however often the settlement runs.
    eventually(lambda: settlement_hook)
    assert services.webinar_settle(webinar_id=webinar.pk) is False
    assert services.webinar_settle(webinar_id=webinar.pk) is False
    assert settlement_hook == [webinar.pk]


def test_scheduling_says_how_many_sessions_were_scheduled(as_role, module_1):
    """In a message (django.contrib.messages), which the host's base template shows."""
    form = schedule_form(datetime.datetime(2027, 1, 12, 16, 0), occurrences=3)
    response = as_role("tutor").post(f"/en/sessions/new/?module={module_1.pk}", form)
    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["3 session(s) scheduled."]


def test_settlement_runs_once(as_role, drop_in, bbb_settings, site_receiver, settlement_hook):
    assert as_role("tutor").post(f"/en/sessions/{drop_in.pk}/join/").status_code == 302
    assert services.webinar_settle(webinar_id=drop_in.pk) is False  # still running: nothing to settle
    Webinar.objects.filter(pk=drop_in.pk).update(status=Webinar.Status.ENDED)

    assert services.webinar_settle(webinar_id=drop_in.pk) is True
    assert services.webinar_settle(webinar_id=drop_in.pk) is False
    assert settlement_hook == [drop_in.pk]


def test_early_learner_waits_until_the_tutor_starts(as_role, drop_in, bbb_settings):
    steward = as_role("enrolled")
    response = steward.post(f"/en/sessions/{drop_in.pk}/join/", follow=True)
    assert response.redirect_chain == [(f"/en/sessions/{drop_in.pk}/wait/", 302)]
    assert "The tutor has not started the session yet." in response.content.decode()
    assert steward.get(f"/en/sessions/{drop_in.pk}/status/").json() == {"status": "scheduled"}

    assert as_role("tutor").post(f"/en/sessions/{drop_in.pk}/join/").status_code == 302

    steward = as_role("enrolled")
    assert steward.get(f"/en/sessions/{drop_in.pk}/status/").json() == {"status": "running"}  # wait.js joins now
    joined = steward.post(f"/en/sessions/{drop_in.pk}/join/")
    assert "you are in as VIEWER" in requests.get(joined["Location"], timeout=5).text


@override_settings(LANGUAGES=[("en", "English"), ("tr", "Türkçe"), ("zh-hant", "Traditional Chinese")])
def test_a_host_with_more_languages_than_the_translated_titles_schedules_as_before(as_role, module_1):
    """A wagtail start site speaks Django's hundred languages; a title is asked in those modeltranslation holds."""
    client, url = as_role("tutor"), f"/en/sessions/new/?module={module_1.pk}"

    form = client.get(url).content.decode()
    response = client.post(url, schedule_form(datetime.datetime(2027, 1, 12, 16, 0)))

    assert 'name="title_tr"' in form and "title_zh" not in form
    assert response.status_code == 302
    assert Webinar.objects.latest("pk").title_en


@override_settings(LANGUAGE_CODE="en-us")
def test_a_host_whose_language_code_names_a_region_schedules_as_before(as_role, module_1):
    """wagtail start sets LANGUAGE_CODE = "en-us"; the title required is the one modeltranslation holds (en)."""
    response = as_role("tutor").post(
        f"/en/sessions/new/?module={module_1.pk}", schedule_form(datetime.datetime(2027, 1, 12, 16, 0))
    )

    assert response.status_code == 302
    assert Webinar.objects.latest("pk").title_en


@pytest.mark.django_db
def test_a_title_given_while_turkish_is_active_is_the_sessions_title_in_every_language():
    """The services' ``title`` is the default language's, whatever language the caller has active (a task,
    a demo, a view in Turkish): modeltranslation would otherwise file it under Turkish only, and English
    readers would see a session with no title."""
    with translation.override("tr"):
        [webinar] = services.webinar_schedule(
            title="Research meeting",
            start_local=datetime.datetime(2031, 3, 4, 10, 0),
            timezone_name="UTC",
            duration_minutes=60,
            tutors=[],
            created_by=None,
        )
    webinar.refresh_from_db()
    with translation.override("en"):
        assert webinar.title == "Research meeting"
