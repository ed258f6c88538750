"""The BBB stand-in, driven by our client and by plain HTTP, as BBB and a browser would be."""

import os
import subprocess
import sys
import threading
from urllib.parse import parse_qsl, urlsplit

import defusedxml.ElementTree as ElementTree
import jwt
import pytest
import requests

from seminars import conf
from seminars.bbb import BBBClient, BBBFailed, checksum

from .conftest import BBB_TEST_SECRET


def join(client, meeting, full_name, role, user_id) -> requests.Response:
    """Follow a join URL as a browser would."""
    url = client.join_url(meeting.meeting_id, full_name, role=role, user_id=user_id, create_time=meeting.create_time)
    return requests.get(url, timeout=5)


def xml(response: requests.Response) -> dict[str, str]:
    """The top-level fields of a BBB answer."""
    return {child.tag: child.text or "" for child in ElementTree.fromstring(response.content)}


def test_greeting(bbb_server):
    for url in (bbb_server.url, bbb_server.url.rstrip("/")):
        response = requests.get(url, timeout=5)
        assert response.status_code == 200
        assert xml(response) == {"returncode": "SUCCESS", "version": "2.0"}


def test_create_is_idempotent_until_the_meeting_ends(bbb):
    first = bbb.create("seminar-7", "Organising 101")
    again = bbb.create("seminar-7", "Organising 101")
    assert first.create_time == again.create_time
    bbb.end("seminar-7")
    assert bbb.create("seminar-7", "Organising 101").create_time != first.create_time


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
def test_every_checksum_algorithm_is_accepted(bbb_server, algorithm):
    client = BBBClient(bbb_server.url, BBB_TEST_SECRET, checksum=algorithm)
    meeting = client.create("seminar-7", "Organising 101")
    assert "you are in as VIEWER" in join(client, meeting, "Ayşe", "VIEWER", "5").text
    assert client.is_meeting_running("seminar-7") is True


def test_wrong_secret_is_a_checksum_error(bbb_server):
    with pytest.raises(BBBFailed) as failure:
        BBBClient(bbb_server.url, "not-the-secret").create("seminar-7", "Organising 101")
    assert failure.value.message_key == "checksumError"


@pytest.mark.parametrize(
    "query",
    [
        "meetingID=seminar-7",  # no checksum
        "meetingID=seminar-7&checksum=",
        "meetingID=seminar-7&checksum=" + "0" * 64,
        # signed for another meeting, then the meeting id changed
        "meetingID=seminar-8&checksum=" + checksum("create", "meetingID=seminar-7", BBB_TEST_SECRET),
        # signed for another call
        "meetingID=seminar-7&checksum=" + checksum("end", "meetingID=seminar-7", BBB_TEST_SECRET),
        # upper-case hex is not what BBB computes
        "meetingID=seminar-7&checksum=" + checksum("create", "meetingID=seminar-7", BBB_TEST_SECRET).upper(),
    ],
)
def test_tampered_or_missing_checksum_is_refused(bbb_server, query):
    answer = xml(requests.get(f"{bbb_server.url}create?{query}", timeout=5))
    assert (answer["returncode"], answer["messageKey"]) == ("FAILED", "checksumError")
    assert bbb_server.meetings == {}


def test_checksum_is_over_the_exact_query_string(bbb_server):
    """The same parameters in another order, or encoded differently, are another string."""
    signed = "name=Organising+101&meetingID=seminar-7"
    good = checksum("create", signed, BBB_TEST_SECRET)
    for other in ("meetingID=seminar-7&name=Organising+101", "name=Organising%20101&meetingID=seminar-7"):
        answer = xml(requests.get(f"{bbb_server.url}create?{other}&checksum={good}", timeout=5))
        assert answer["messageKey"] == "checksumError"
    # The checksum may stand anywhere in the query; it is cut out before checking.
    first = requests.get(f"{bbb_server.url}create?checksum={good}&{signed}", timeout=5)
    assert xml(first)["returncode"] == "SUCCESS"
    assert bbb_server.meetings["seminar-7"].name == "Organising 101"


def test_get_meetings_is_not_served(bbb_server):
    """Scalelite has no getMeetings: the stand-in refuses it, so nothing of ours can come to rely on it."""
    answer = xml(
        requests.get(f"{bbb_server.url}getMeetings?checksum={checksum('getMeetings', '', BBB_TEST_SECRET)}", timeout=5)
    )
    assert (answer["returncode"], answer["messageKey"]) == ("FAILED", "unsupportedRequest")


def test_join_redirects_to_a_landing_page_with_the_role(bbb, bbb_server):
    meeting = bbb.create("seminar-7", "Organising <101>")
    assert bbb.is_meeting_running("seminar-7") is False

    tutor = join(bbb, meeting, "Deniz Kaya", "MODERATOR", "3")
    [redirect] = tutor.history
    assert redirect.status_code == 302
    assert urlsplit(tutor.url).path == "/room/seminar-7"
    # The join URL's checksum is a bearer secret: the landing page neither carries nor shows it.
    assert dict(parse_qsl(urlsplit(tutor.url).query)) == {"user": "3"}
    assert redirect.url.rsplit("checksum=", 1)[1] not in tutor.text
    assert "meeting room: Organising &lt;101&gt; — you are in as MODERATOR" in tutor.text
    assert "End meeting" in tutor.text

    learner = join(bbb, meeting, "Ayşe Yılmaz", "VIEWER", "5")
    assert "you are in as VIEWER" in learner.text
    assert "Deniz Kaya" in learner.text and "Ayşe Yılmaz" in learner.text
    assert "End meeting" not in learner.text

    info = bbb.get_meeting_info("seminar-7")
    assert info.running is True
    assert info.name == "Organising <101>"
    assert [(a.user_id, a.full_name, a.role) for a in info.attendees] == [
        ("3", "Deniz Kaya", "MODERATOR"),
        ("5", "Ayşe Yılmaz", "VIEWER"),
    ]
    assert bbb.is_meeting_running("seminar-7") is True


def test_join_refusals(bbb, bbb_server):
    meeting = bbb.create("seminar-7", "Organising 101", max_participants=1)
    cases = [
        (bbb.join_url("seminar-8", "A", role="VIEWER", user_id="1"), "invalidMeetingIdentifier"),
        (bbb.join_url("seminar-7", "A", role="VIEWER", user_id="1", create_time="123"), "mismatchCreateTimeParam"),
        (BBBClient(bbb_server.url, "wrong").join_url("seminar-7", "A", role="VIEWER", user_id="1"), "checksumError"),
    ]
    for url, message_key in cases:
        response = requests.get(url, timeout=5, allow_redirects=False)
        assert (response.status_code, xml(response)["messageKey"]) == (200, message_key)
    assert bbb.is_meeting_running("seminar-7") is False

    assert join(bbb, meeting, "Deniz", "MODERATOR", "3").history[0].status_code == 302
    assert xml(join(bbb, meeting, "Ayşe", "VIEWER", "5"))["messageKey"] == "maxParticipantsReached"
    assert "you are in as MODERATOR" in join(bbb, meeting, "Deniz", "MODERATOR", "3").text  # coming back is fine


def test_concurrent_joins_are_all_recorded(bbb):
    meeting = bbb.create("seminar-7", "Organising 101")
    threads = [threading.Thread(target=join, args=(bbb, meeting, f"Member {n}", "VIEWER", str(n))) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(int(a.user_id) for a in bbb.get_meeting_info("seminar-7").attendees) == list(range(20))


def test_unknown_meeting(bbb):
    assert bbb.is_meeting_running("nobody-here") is False
    for call in (bbb.get_meeting_info, bbb.end):
        with pytest.raises(BBBFailed) as failure:
            call("nobody-here")
        assert failure.value.message_key == "notFound"


def test_end_calls_back_and_the_meeting_is_gone(bbb, bbb_server, receiver):
    end_url = f"{receiver.url}seminars/callbacks/end/7/?signature=abc%2Bdef"
    meeting = bbb.create("seminar-7", "Organising 101", meta={"endCallbackUrl": end_url})
    join(bbb, meeting, "Deniz", "MODERATOR", "3")

    bbb.end("seminar-7")
    bbb_server.wait_for_callbacks()

    [callback] = receiver.received
    assert callback.method == "GET"
    assert callback.path == "/seminars/callbacks/end/7/?signature=abc%2Bdef&meetingID=seminar-7&recordingmarks=false"
    assert bbb.is_meeting_running("seminar-7") is False
    with pytest.raises(BBBFailed, match="notFound"):
        bbb.get_meeting_info("seminar-7")
    with pytest.raises(BBBFailed, match="notFound"):
        bbb.end("seminar-7")
    assert bbb.get_recordings("seminar-7") == []  # not recorded


def test_end_callback_url_without_a_query_gets_one(bbb, bbb_server, receiver):
    bbb.create("seminar-7", "Organising 101", meta={"endCallbackUrl": f"{receiver.url}ended"})
    bbb.end("seminar-7")
    assert receiver.wait_for(1)[0].path == "/ended?meetingID=seminar-7&recordingmarks=false"


def test_end_meeting_button(bbb, bbb_server, receiver):
    meeting = bbb.create(
        "seminar-7",
        "Organising 101",
        logout_url=f"{receiver.url}en/sessions/7/",
        meta={"endCallbackUrl": f"{receiver.url}ended"},
    )
    join(bbb, meeting, "Deniz", "MODERATOR", "3")
    join(bbb, meeting, "Ayşe", "VIEWER", "5")
    end = f"{bbb_server.origin}/room/seminar-7/end"

    refused = requests.post(end, data={"user": "5"}, timeout=5)
    assert refused.status_code == 403
    assert bbb.is_meeting_running("seminar-7") is True

    ended = requests.post(end, data={"user": "3"}, timeout=5, allow_redirects=False)
    assert (ended.status_code, ended.headers["Location"]) == (303, f"{receiver.url}en/sessions/7/")
    bbb_server.wait_for_callbacks()
    assert [r.path for r in receiver.received] == ["/ended?meetingID=seminar-7&recordingmarks=false"]
    assert bbb.is_meeting_running("seminar-7") is False
    landing = requests.get(f"{bbb_server.origin}/room/seminar-7?user=3", timeout=5)
    assert landing.status_code == 404


def test_a_recorded_meeting_leaves_a_recording_and_says_so_signed(bbb, bbb_server, receiver):
    meeting = bbb.create(
        "seminar-7",
        "Organising 101",
        record=True,
        meta={"endCallbackUrl": f"{receiver.url}ended", "bbb-recording-ready-url": f"{receiver.url}ready"},
    )
    join(bbb, meeting, "Deniz", "MODERATOR", "3")
    bbb.end("seminar-7")
    end_callback, ready = receiver.wait_for(2)

    assert end_callback.path.startswith("/ended?")
    assert (ready.method, ready.path) == ("POST", "/ready")
    claims = jwt.decode(ready.form["signed_parameters"], BBB_TEST_SECRET, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(ready.form["signed_parameters"], BBB_TEST_SECRET + "-not", algorithms=["HS256"])

    [recording] = bbb.get_recordings("seminar-7")
    assert claims == {"meeting_id": "seminar-7", "record_id": recording.record_id}
    assert recording.record_id == f"seminar-7-{meeting.create_time}"
    assert recording.meeting_id == "seminar-7"
    assert recording.published is True
    assert recording.start_time.utcoffset().total_seconds() == 0
    assert recording.start_time <= recording.end_time
    assert requests.get(recording.playback_url, timeout=5).status_code == 200

    bbb.publish_recordings([recording.record_id], False)
    assert bbb.get_recordings("seminar-7")[0].published is False
    bbb.publish_recordings([recording.record_id], True)
    assert bbb.get_recordings("seminar-7")[0].published is True

    bbb.delete_recordings([recording.record_id])
    assert bbb.get_recordings("seminar-7") == []
    assert requests.get(recording.playback_url, timeout=5).status_code == 404
    with pytest.raises(BBBFailed, match="notFound"):
        bbb.publish_recordings([recording.record_id], True)


def test_recordings_are_per_meeting(bbb, bbb_server):
    for meeting_id in ("seminar-7", "seminar-8"):
        bbb.create(meeting_id, "Organising 101", record=True)
        bbb.end(meeting_id)
    bbb_server.wait_for_callbacks()
    assert [r.meeting_id for r in bbb.get_recordings("seminar-8")] == ["seminar-8"]


def test_from_settings_talks_to_the_stand_in(bbb_settings):
    assert BBBClient.from_settings().create("seminar-7", "Organising 101").meeting_id == "seminar-7"


@pytest.mark.parametrize("given", [BBB_TEST_SECRET, None])
def test_management_command_serves_until_stopped(given):
    """By default with the site's own BBB_SECRET (the stand-in's secret where the host sets none)."""
    secret = given or conf.bbb_settings.SECRET
    command = [sys.executable, "-m", "django", "bbb_devserver", "--port", "0"]
    command += ["--secret", given] if given else []
    # The host of this test run: its settings, from the folder its packages are in.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    with subprocess.Popen(command, cwd=os.getcwd(), env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            lines = [process.stdout.readline() for _ in range(3)]
            assert "development only" in lines[0]
            assert lines[2].strip() == f"BBB_SECRET={secret}"
            url = lines[1].strip().removeprefix("BBB_URL=")
            assert BBBClient(url, secret).create("seminar-7", "Organising 101").meeting_id == "seminar-7"
        finally:
            process.terminate()
