"""Who may do what with a session of Module 1: every part a person can have, by every action.

Joins go to the BBB stand-in over real HTTP; recordings are made on it and managed through it.
"""

import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from seminars import services
from seminars.models import Webinar
from tests.courses.conftest import page_url

from .conftest import MODERATORS, ROLES, login_url, schedule_form

pytestmark = pytest.mark.django_db


def outcome(response, bbb_url: str = "") -> str | int:
    """What the person gets: "login", "wait", the role of a BBB join URL, a page's status, or where it sends them."""
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(login_url() + "?next="):
        return "login"
    if location.endswith("/wait/"):
        return "wait"
    if bbb_url and location.startswith(bbb_url + "join?"):
        return dict(parse_qsl(urlsplit(location).query))["role"]
    return location


def allowed_or(role: str, allowed):
    """``allowed`` for the session's moderators; the login page for the anonymous; 403 for other members."""
    if role == "anonymous":
        return "login"
    return allowed if role in MODERATORS else 403


def join(client, webinar):
    return client.post(f"/en/sessions/{webinar.pk}/join/")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("outsider", 403),
        ("enrolled", "wait"),
        ("tutor", "MODERATOR"),
        ("coordinator", "MODERATOR"),
        ("manager", "MODERATOR"),
    ],
)
def test_join_before_the_tutor_starts(as_role, drop_in, bbb_settings, role, expected):
    response = join(as_role(role), drop_in)
    assert outcome(response, bbb_settings.url) == expected
    if expected == "MODERATOR":  # the click started the meeting, and the join URL lets them in
        assert "you are in as MODERATOR" in requests.get(response["Location"], timeout=5).text
        assert Webinar.objects.get(pk=drop_in.pk).status == Webinar.Status.RUNNING
    else:
        assert Webinar.objects.get(pk=drop_in.pk).status == Webinar.Status.SCHEDULED


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("outsider", 403),
        ("enrolled", "VIEWER"),
        ("tutor", "MODERATOR"),
        ("coordinator", "MODERATOR"),
        ("manager", "MODERATOR"),
    ],
)
def test_join_once_the_tutor_has_started(as_role, drop_in, bbb_settings, role, expected):
    assert outcome(join(as_role("tutor"), drop_in), bbb_settings.url) == "MODERATOR"
    response = join(as_role(role), drop_in)
    assert outcome(response, bbb_settings.url) == expected
    if expected in ("VIEWER", "MODERATOR"):
        assert f"you are in as {expected}" in requests.get(response["Location"], timeout=5).text
    if expected == 403:
        assert "only for members enrolled" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_schedule(as_role, module_1, role):
    client, url = as_role(role), f"/en/sessions/new/?module={module_1.pk}"
    before = Webinar.objects.count()
    assert outcome(client.get(url)) == allowed_or(role, 200)

    response = client.post(url, schedule_form(datetime.datetime(2027, 1, 12, 16, 0)))

    if role in MODERATORS:
        created = Webinar.objects.latest("pk")
        assert outcome(response) == f"/en/sessions/{created.pk}/"
        assert created.module == module_1
    else:
        assert outcome(response) == allowed_or(role, None)
    assert Webinar.objects.count() == before + (role in MODERATORS)


@pytest.mark.parametrize("role", ROLES)
def test_schedule_a_meeting_outside_any_module(as_role, role):
    """A research-unit meeting belongs to no module: only coordinators schedule one."""
    expected = 200 if role in ("coordinator", "manager") else allowed_or(role, 403)
    assert outcome(as_role(role).get("/en/sessions/new/")) == expected


@pytest.mark.parametrize("role", ROLES)
def test_reschedule(as_role, weekly, role):
    client, url = as_role(role), f"/en/sessions/{weekly.pk}/edit/"
    assert outcome(client.get(url)) == allowed_or(role, 200)

    later = weekly.local_start.replace(tzinfo=None) + datetime.timedelta(days=1)
    response = client.post(url, schedule_form(later, zone=weekly.timezone, duration_minutes=120))

    assert outcome(response) == allowed_or(role, f"/en/sessions/{weekly.pk}/")
    moved = Webinar.objects.get(pk=weekly.pk)
    assert moved.starts_at == weekly.starts_at + datetime.timedelta(days=1 if role in MODERATORS else 0)
    assert moved.sequence == weekly.sequence + (role in MODERATORS)


@pytest.mark.parametrize("role", ROLES)
def test_cancel(as_role, weekly, role):
    response = as_role(role).post(f"/en/sessions/{weekly.pk}/cancel/")
    assert outcome(response) == allowed_or(role, f"/en/sessions/{weekly.pk}/")
    status = Webinar.Status.CANCELLED if role in MODERATORS else Webinar.Status.SCHEDULED
    assert Webinar.objects.get(pk=weekly.pk).status == status


@pytest.fixture
def attended(as_role, drop_in, bbb_settings):
    """The drop-in session with the tutor and the steward in the room."""
    for role in ("tutor", "enrolled"):
        assert outcome(join(as_role(role), drop_in), bbb_settings.url) in ("MODERATOR", "VIEWER")
    return drop_in


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("anonymous", "login"),
        ("outsider", []),
        ("enrolled", ["enrolled"]),
        ("tutor", ["tutor", "enrolled"]),
        ("coordinator", ["tutor", "enrolled"]),
        ("manager", ["tutor", "enrolled"]),
    ],
)
def test_see_attendance(as_role, people, attended, role, shown):
    client, url = as_role(role), f"/en/sessions/{attended.pk}/attendance/"
    response = client.get(url)
    if shown == "login":
        assert outcome(response) == "login"
        assert outcome(client.get(url + "?format=csv")) == "login"
        return
    names_shown = [str(people[person]) for person in shown]  # as the host names its members
    assert response.status_code == 200
    rows = BeautifulSoup(response.content, "html.parser").select("tbody tr td:first-child")
    assert [row.get_text() for row in rows if row.get("colspan") is None] == names_shown

    csv = client.get(url + "?format=csv")
    if role in MODERATORS:
        assert csv["Content-Type"].startswith("text/csv")
        assert [line.split(",")[0] for line in csv.content.decode("utf-8-sig").splitlines()[1:]] == names_shown
    else:
        assert not csv["Content-Type"].startswith("text/csv")


@pytest.fixture
def recorded(drop_in, bbb, bbb_settings):
    """The drop-in session, ended, with two recordings on the stand-in: the second unpublished."""
    for _ in range(2):
        bbb.create(str(drop_in.meeting_id), drop_in.title, record=True)
        bbb.end(str(drop_in.meeting_id))
        bbb_settings.wait_for_callbacks()
    first, second = (r.record_id for r in bbb.get_recordings(str(drop_in.meeting_id)))
    bbb.publish_recordings([second], False)
    services.recordings_sync(webinar=drop_in, recordings=bbb.get_recordings(str(drop_in.meeting_id)))
    Webinar.objects.filter(pk=drop_in.pk).update(status=Webinar.Status.ENDED)
    return drop_in, first, second


@pytest.mark.parametrize("role", ROLES)
def test_see_recordings(as_role, recorded, role):
    webinar, first, second = recorded
    page = as_role(role).get(f"/en/sessions/{webinar.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    may_join = role not in ("anonymous", "outsider")
    assert ("Watch the recording" in html) is may_join
    assert (f"/playback/presentation/2.3/{first}" in html) is may_join
    # Unpublished recordings and the buttons to manage them: only for the session's moderators.
    assert ("Recording (not published)" in html) is (role in MODERATORS)
    assert (f"/recordings/{second}/" in html) is (role in MODERATORS)


@pytest.mark.parametrize("role", ["outsider", "enrolled"])
def test_module_page_lists_the_recordings(as_role, recorded, module_1, role):
    _webinar, first, second = recorded
    html = as_role(role).get(page_url(module_1)).content.decode()
    assert (f"/playback/presentation/2.3/{first}" in html) is (role == "enrolled")
    assert f"/playback/presentation/2.3/{second}" not in html  # unpublished


@pytest.mark.parametrize("action", ["unpublish", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_manage_recordings(as_role, recorded, bbb, role, action):
    webinar, first, _second = recorded
    response = as_role(role).post(f"/en/sessions/{webinar.pk}/recordings/{first}/", {"action": action})
    assert outcome(response) == allowed_or(role, f"/en/sessions/{webinar.pk}/")

    on_bbb = {r.record_id: r.published for r in bbb.get_recordings(str(webinar.meeting_id))}
    ours = dict(webinar.recordings.values_list("record_id", "published"))
    if role not in MODERATORS:
        assert on_bbb[first] is True and ours[first] is True
    elif action == "unpublish":
        assert on_bbb[first] is False and ours[first] is False
    else:
        assert first not in on_bbb and first not in ours
