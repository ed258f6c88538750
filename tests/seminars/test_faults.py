"""Faults: BBB down or talking nonsense, forged and replayed callbacks, joins that must be refused.

The callbacks replayed here are the ones the stand-in really sent (caught by a receiver standing in
for our site), so their signatures and tokens are BBB's own.
"""

import socket
import uuid

import jwt
import pytest
import requests
from django.utils import translation

from seminars import services
from seminars.bbb_devserver import serve
from seminars.models import Recording, Webinar

from .conftest import BBB_TEST_SECRET

pytestmark = pytest.mark.django_db

Status = Webinar.Status
BBB_DOWN = "The video-meeting server is not answering right now. Nothing is lost: please try again in a minute."
READY_URL = "/seminars/callbacks/recording-ready/"


def translated(message: str, language: str) -> str:
    """``message`` as a member reading ``language`` must see it: really translated, not the English."""
    with translation.override(language):
        shown = translation.gettext(message)
    if language != "en":
        assert shown != message, f"no {language} translation of {message!r}"
    return shown


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["unreachable", "slow", "FAILED", "garbage", "HTTP 502"])
def broken_bbb(request, settings, receiver, bbb_server):
    """BBB in one way of failing; call the result to point the settings back at a working BBB."""
    settings.BBB_URL, settings.BBB_SECRET = bbb_server.url, BBB_TEST_SECRET
    if request.param == "unreachable":
        settings.BBB_URL = f"http://127.0.0.1:{closed_port()}/bigbluebutton/api/"
    elif request.param == "FAILED":  # our secret is not BBB's: every answer is checksumError
        settings.BBB_SECRET = "not-the-secret"
    elif request.param == "slow":  # answers, but only after our timeout
        settings.BBB_URL, settings.BBB_TIMEOUT = receiver.url + "bigbluebutton/api/", 0.3
        receiver.answer("<response><returncode>SUCCESS</returncode></response>", delay=2.0)
    else:  # a proxy in front of BBB answering an HTML page
        settings.BBB_URL = receiver.url + "bigbluebutton/api/"
        receiver.answer(
            "<html><body><h1>Bad gateway</h1></body></html>", status=200 if request.param == "garbage" else 502
        )

    def repair():
        settings.BBB_URL, settings.BBB_SECRET = bbb_server.url, BBB_TEST_SECRET

    return repair


@pytest.mark.parametrize("language", ["en", "tr"])
def test_bbb_failing_when_the_tutor_starts(as_role, drop_in, broken_bbb, language):
    client = as_role("tutor")
    response = client.post(f"/{language}/sessions/{drop_in.pk}/join/")

    assert response.status_code == 503
    html = response.content.decode()
    assert translated(BBB_DOWN, language) in html
    assert f'action="/{language}/sessions/{drop_in.pk}/join/"' in html  # the button to try again
    webinar = Webinar.objects.get(pk=drop_in.pk)
    assert (webinar.status, webinar.bbb_create_time, webinar.attendances.count()) == (Status.SCHEDULED, "", 0)

    broken_bbb()  # BBB is back: the same click now starts the session
    response = client.post(f"/{language}/sessions/{drop_in.pk}/join/")
    assert response.status_code == 302
    assert "you are in as MODERATOR" in requests.get(response["Location"], timeout=5).text


def test_bbb_down_when_a_tutor_unpublishes_a_recording(as_role, drop_in, settings):
    recording = Recording.objects.create(webinar=drop_in, record_id="rec-1", playback_url="https://bbb.example.org/p")
    settings.BBB_URL = f"http://127.0.0.1:{closed_port()}/bigbluebutton/api/"

    response = as_role("tutor").post(f"/en/sessions/{drop_in.pk}/recordings/rec-1/", {"action": "unpublish"})

    assert response.status_code == 503
    assert BBB_DOWN in response.content.decode()
    recording.refresh_from_db()
    assert recording.published is True


def test_tutor_gets_back_in_after_bbb_forgot_the_meeting(as_role, drop_in, bbb_server, settings):
    """BBB restarted while the session ran (its end callback never came): the tutor's click starts it again.

    BBB's create is idempotent, so a moderator's click can always create; today it is only made
    while the session is "scheduled", and the join URL names a meeting BBB no longer has.
    """
    settings.BBB_URL, settings.BBB_SECRET = bbb_server.url, BBB_TEST_SECRET
    client = as_role("tutor")
    assert client.post(f"/en/sessions/{drop_in.pk}/join/").status_code == 302
    port = bbb_server.server_address[1]
    bbb_server.shutdown()
    restarted = serve(port=port, secret=BBB_TEST_SECRET)
    try:
        response = client.post(f"/en/sessions/{drop_in.pk}/join/")
        assert response.status_code == 302
        assert "you are in as MODERATOR" in requests.get(response["Location"], timeout=5).text
    finally:
        restarted.shutdown()


# --- Callbacks -------------------------------------------------------------------------------


@pytest.fixture
def ended_on_bbb(as_role, drop_in, bbb, bbb_settings, site_receiver):
    """The drop-in session, recorded, started by its tutor and ended on BBB: (session, end callback, ready callback)."""
    Webinar.objects.filter(pk=drop_in.pk).update(record=True)
    assert as_role("tutor").post(f"/en/sessions/{drop_in.pk}/join/", {"consent": "1"}).status_code == 302
    bbb.end(str(drop_in.meeting_id))
    end, ready = sorted(site_receiver.wait_for(2), key=lambda request: request.method)
    assert (end.method, ready.method) == ("GET", "POST")
    assert ready.path == READY_URL
    as_role("anonymous")  # BBB has no session with us
    return Webinar.objects.get(pk=drop_in.pk), end, ready


@pytest.mark.parametrize("forgery", ["wrong signature", "no signature", "another meeting's signature"])
def test_forged_end_callback_is_403_and_changes_nothing(client, ended_on_bbb, settlement_hook, forgery):
    webinar, end, _ready = ended_on_bbb
    real = f"signature={services.end_callback_signature(webinar.meeting_id)}"
    forged = end.path.replace(
        real,
        {
            "wrong signature": real[:-2] + ("00" if not real.endswith("00") else "11"),
            "no signature": "",
            "another meeting's signature": f"signature={services.end_callback_signature(uuid.uuid4())}",
        }[forgery],
    )
    assert real in end.path and forged != end.path

    assert client.get(forged).status_code == 403

    after = Webinar.objects.get(pk=webinar.pk)
    assert (after.status, after.ended_at, settlement_hook) == (Status.RUNNING, None, [])


def test_end_callback_for_a_meeting_we_do_not_know_is_410(client, ended_on_bbb):
    webinar, end, _ready = ended_on_bbb
    webinar.delete()  # e.g. removed in the admin while the meeting ran
    assert client.get(end.path).status_code == 410


def test_replayed_end_callback_settles_once(client, ended_on_bbb, settlement_hook, django_capture_on_commit_callbacks):
    webinar, end, _ready = ended_on_bbb
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(end.path).status_code == 200
    ended = Webinar.objects.get(pk=webinar.pk)
    assert ended.status == Status.ENDED

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(end.path).status_code == 200

    assert Webinar.objects.get(pk=webinar.pk).ended_at == ended.ended_at
    assert settlement_hook == [webinar.pk]


@pytest.mark.parametrize("forgery", ["other secret", "alg none", "garbage", "missing"])
def test_recording_ready_with_a_bad_token_is_401(client, ended_on_bbb, forgery):
    webinar, _end, ready = ended_on_bbb
    claims = jwt.decode(ready.form["signed_parameters"], BBB_TEST_SECRET, algorithms=["HS256"])  # BBB's own
    token = {
        "other secret": jwt.encode(claims, "not-the-secret-0123456789abcdef-0123456789", algorithm="HS256"),
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "garbage": "garbage",
    }.get(forgery)

    response = client.post(READY_URL, {"signed_parameters": token} if token else {})

    assert response.status_code == 401
    assert not Recording.objects.filter(webinar=webinar).exists()


@pytest.mark.parametrize("meeting_id", [str(uuid.uuid4()), "not-a-uuid"], ids=["unknown uuid", "not a uuid"])
def test_recording_ready_for_an_unknown_meeting_is_410(client, ended_on_bbb, meeting_id):
    token = jwt.encode({"meeting_id": meeting_id, "record_id": "r"}, BBB_TEST_SECRET, algorithm="HS256")
    assert client.post(READY_URL, {"signed_parameters": token}).status_code == 410
    assert not Recording.objects.exists()


def test_repeated_recording_ready_makes_one_recording(client, ended_on_bbb):
    webinar, _end, ready = ended_on_bbb
    for _ in range(3):
        assert client.post(READY_URL, ready.form).status_code == 200
    assert webinar.recordings.count() == 1


# --- Joins that are refused ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "tr"])
@pytest.mark.parametrize(
    ("situation", "role", "status", "message"),
    [
        ("cancelled", "enrolled", 410, "This session has been cancelled."),
        ("cancelled", "tutor", 410, "This session has been cancelled."),
        ("ended", "enrolled", 410, "This session has ended."),
        ("ended", "tutor", 410, "This session has ended."),
        ("not open", "enrolled", 403, "The room is not open yet."),
        ("no consent", "enrolled", 400, "This session is recorded: please confirm that you agree before joining."),
        ("no consent", "tutor", 400, "This session is recorded: please confirm that you agree before joining."),
        ("no name", "anonymous", 400, "Please give the name others will see."),
    ],
)
def test_refused_join_says_why(as_role, drop_in, weekly, bbb_settings, situation, role, status, message, language):
    webinar, data = drop_in, {"consent": "1"}
    if situation == "cancelled":
        Webinar.objects.filter(pk=webinar.pk).update(status=Status.CANCELLED)
    elif situation == "ended":
        Webinar.objects.filter(pk=webinar.pk).update(status=Status.ENDED)
    elif situation == "not open":
        webinar = weekly
    elif situation == "no consent":
        Webinar.objects.filter(pk=webinar.pk).update(record=True)
        data = {}
    elif situation == "no name":
        Webinar.objects.filter(pk=webinar.pk).update(audience=Webinar.Audience.PUBLIC)

    response = as_role(role).post(f"/{language}/sessions/{webinar.pk}/join/", data)

    assert response.status_code == status
    assert translated(message, language) in response.content.decode()
    assert Webinar.objects.get(pk=webinar.pk).attendances.count() == 0
