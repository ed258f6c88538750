"""The BBB client: checksums, the requests it builds, and every answer shape, over real HTTP.

BBB's answers are literal samples in the shapes of BBB's API documentation, served by a tiny
HTTP server; nothing of the client is mocked.
"""

import datetime
import hashlib
import logging
import socket
import time

import pytest

from seminars.bbb import Attendee, BBBClient, BBBFailed, BBBUnavailable, Recording, checksum

from .conftest import BBB_TEST_SECRET

# The example of BBB's API documentation ("API Security Model"); its sha1 digest is the one
# printed there, the others were computed once with hashlib and pasted.
DOCS_QUERY = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
DOCS_SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("sha1", "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"),
        ("sha256", "da9185f7f333cfdfcd6eeac32dca3777510c4c436020d8b887ba5515bd1d189e"),
        (
            "sha384",
            "891ac633df39d0a1b4f8d597f3e190833216c4b29c4fb51ea3ca72757eeb958d6e7b49a845cf29f5c6019c7d29d029d1",
        ),
        (
            "sha512",
            "de73ad61d11a5c801b68d4bd6ec5248546085cefb0b25c85f3c46249ea93a3a4"
            "b120f92c0a8a58d7512cb77821884951a3b01245f3435dbbef49fff3cc3988b4",
        ),
    ],
)
def test_checksum_known_answers(algorithm, expected):
    assert checksum("create", DOCS_QUERY, DOCS_SECRET, algorithm) == expected


def test_unknown_checksum_algorithm_is_refused():
    with pytest.raises(ValueError, match="md5"):
        BBBClient("https://bbb.example.org/bigbluebutton/api/", DOCS_SECRET, checksum="md5")
    with pytest.raises(ValueError, match="md5"):
        checksum("create", DOCS_QUERY, DOCS_SECRET, "md5")


def test_join_url_is_signed_over_the_exact_query_it_carries():
    # No trailing slash on the base: the client adds it.
    client = BBBClient("https://bbb.example.org/bigbluebutton/api", DOCS_SECRET, checksum="sha1")
    url = client.join_url("abc 123", "Ayşe Yılmaz", role="VIEWER", user_id="42", create_time=1531155809613)
    assert url == (
        "https://bbb.example.org/bigbluebutton/api/join"
        "?meetingID=abc+123&fullName=Ay%C5%9Fe+Y%C4%B1lmaz&role=VIEWER&userID=42&createTime=1531155809613"
        "&checksum=7078802871c06d25931326017dbe511e9527a1f9"
    )


def test_join_url_without_create_time_and_with_a_bad_role():
    client = BBBClient("https://bbb.example.org/bigbluebutton/api/", DOCS_SECRET)
    assert "createTime" not in client.join_url("m", "A", role="MODERATOR", user_id="1")
    with pytest.raises(ValueError, match="role"):
        client.join_url("m", "A", role="ADMIN", user_id="1")


def test_from_settings(settings):
    settings.BBB_URL = "https://bbb.example.org/bigbluebutton/api/"
    settings.BBB_SECRET, settings.BBB_CHECKSUM = DOCS_SECRET, "sha512"
    url = BBBClient.from_settings().join_url("m", "A", role="VIEWER", user_id="1")
    assert url.startswith("https://bbb.example.org/bigbluebutton/api/join?meetingID=m&")
    assert len(url.rsplit("checksum=", 1)[1]) == 128


# --- The requests the client sends ------------------------------------------------------------

CREATE_OK = """<response>
  <returncode>SUCCESS</returncode>
  <meetingID>seminar-7</meetingID>
  <internalMeetingID>640ab2bae07bedc4c163f679a746f7ab7fb5d1fa-1531155809613</internalMeetingID>
  <parentMeetingID>bbb-none</parentMeetingID>
  <createTime>1531155809613</createTime>
  <voiceBridge>70757</voiceBridge>
  <createDate>Mon Jul 09 17:03:29 UTC 2018</createDate>
  <hasUserJoined>false</hasUserJoined>
  <duration>0</duration>
  <hasBeenForciblyEnded>false</hasBeenForciblyEnded>
  <messageKey>duplicateWarning</messageKey>
  <message>This conference was already in existence and may currently be in progress.</message>
</response>"""


def client_of(receiver, algorithm="sha256", timeout=5.0) -> BBBClient:
    return BBBClient(receiver.url + "bigbluebutton/api/", BBB_TEST_SECRET, checksum=algorithm, timeout=timeout)


def signed_part(path: str) -> tuple[str, str, str]:
    """(call, the query string without checksum, the checksum) of a request path."""
    call_and_query, given = path.rsplit("&checksum=", 1)
    call, query = call_and_query.removeprefix("/bigbluebutton/api/").split("?", 1)
    return call, query, given


def test_create_sends_every_option_signed(receiver):
    receiver.answer(CREATE_OK)
    meeting = client_of(receiver, "sha384").create(
        "seminar-7",
        "Organising 101",
        record=True,
        welcome="Hoş geldiniz",
        max_participants=40,
        duration=180,
        logout_url="https://nlu.example.org/en/sessions/7/",
        lock_settings={"disableCam": True, "lockOnJoin": False},
        meta={"endCallbackUrl": "https://nlu.example.org/cb/end/7/?signature=abc", "bbb-recording-ready-url": "x"},
    )
    assert meeting.meeting_id == "seminar-7"
    assert meeting.create_time == "1531155809613"
    assert meeting.name == "Organising 101"

    [request] = receiver.received
    assert request.method == "GET"
    call, query, given = signed_part(request.path)
    assert call == "create"
    assert given == hashlib.sha384(f"create{query}{BBB_TEST_SECRET}".encode()).hexdigest()
    assert request.query == {
        "meetingID": "seminar-7",
        "name": "Organising 101",
        "record": "true",
        "maxParticipants": "40",
        "duration": "180",
        "guestPolicy": "ALWAYS_ACCEPT",
        "welcome": "Hoş geldiniz",
        "logoutURL": "https://nlu.example.org/en/sessions/7/",
        "lockSettingsDisableCam": "true",
        "lockSettingsLockOnJoin": "false",
        "meta_endCallbackUrl": "https://nlu.example.org/cb/end/7/?signature=abc",
        "meta_bbb-recording-ready-url": "x",
        "checksum": given,
    }


@pytest.mark.parametrize(
    ("method", "args", "call", "params"),
    [
        ("end", ("seminar-7",), "end", {"meetingID": "seminar-7"}),
        ("get_recordings", ("seminar-7",), "getRecordings", {"meetingID": "seminar-7"}),
        (
            "publish_recordings",
            (["r-1", "r-2"], False),
            "publishRecordings",
            {"recordID": "r-1,r-2", "publish": "false"},
        ),
        ("delete_recordings", (["r-1"],), "deleteRecordings", {"recordID": "r-1"}),
    ],
)
def test_calls_send_their_parameters(receiver, method, args, call, params):
    receiver.answer("<response><returncode>SUCCESS</returncode></response>")
    getattr(client_of(receiver), method)(*args)
    [request] = receiver.received
    assert signed_part(request.path)[0] == call
    assert {k: v for k, v in request.query.items() if k != "checksum"} == params


# --- Every answer shape ---------------------------------------------------------------------


@pytest.mark.parametrize(("body", "running"), [("true", True), ("false", False)])
def test_is_meeting_running(receiver, body, running):
    receiver.answer(f"<response><returncode>SUCCESS</returncode><running>{body}</running></response>")
    assert client_of(receiver).is_meeting_running("seminar-7") is running


def test_end(receiver):
    receiver.answer(
        "<response><returncode>SUCCESS</returncode><messageKey>sentEndMeetingRequest</messageKey>"
        "<message>A request to end the meeting was sent.</message></response>"
    )
    assert client_of(receiver).end("seminar-7") is None


def test_get_meeting_info_with_attendees(receiver):
    receiver.answer("""<response>
      <returncode>SUCCESS</returncode>
      <meetingName>Organising 101</meetingName>
      <meetingID>seminar-7</meetingID>
      <internalMeetingID>183f0bf3a0982a127bdb8161e0c44eb696b3e75c-1531240585189</internalMeetingID>
      <createTime>1531240585189</createTime>
      <createDate>Tue Jul 10 16:36:25 UTC 2018</createDate>
      <voiceBridge>70066</voiceBridge>
      <running>true</running>
      <duration>0</duration>
      <hasUserJoined>true</hasUserJoined>
      <recording>false</recording>
      <hasBeenForciblyEnded>false</hasBeenForciblyEnded>
      <startTime>1531240585239</startTime>
      <endTime>0</endTime>
      <participantCount>2</participantCount>
      <moderatorCount>1</moderatorCount>
      <attendees>
        <attendee>
          <userID>3</userID>
          <fullName>Deniz Kaya</fullName>
          <role>MODERATOR</role>
          <isPresenter>true</isPresenter>
          <isListeningOnly>false</isListeningOnly>
          <hasJoinedVoice>false</hasJoinedVoice>
          <hasVideo>false</hasVideo>
          <clientType>HTML5</clientType>
        </attendee>
        <attendee>
          <userID>guest-5f2c</userID>
          <fullName>Ayşe &amp; friends</fullName>
          <role>VIEWER</role>
          <isPresenter>false</isPresenter>
          <clientType>HTML5</clientType>
        </attendee>
      </attendees>
      <metadata><endcallbackurl>https://nlu.example.org/cb</endcallbackurl></metadata>
      <isBreakout>false</isBreakout>
    </response>""")
    meeting = client_of(receiver).get_meeting_info("seminar-7")
    assert meeting.meeting_id == "seminar-7"
    assert meeting.name == "Organising 101"
    assert meeting.create_time == "1531240585189"
    assert meeting.running is True
    assert meeting.attendees == (
        Attendee(user_id="3", full_name="Deniz Kaya", role="MODERATOR"),
        Attendee(user_id="guest-5f2c", full_name="Ayşe & friends", role="VIEWER"),
    )


def test_get_meeting_info_without_attendees(receiver):
    receiver.answer(
        "<response><returncode>SUCCESS</returncode><meetingName>M</meetingName><meetingID>m</meetingID>"
        "<createTime>1</createTime><running>false</running><attendees/></response>"
    )
    meeting = client_of(receiver).get_meeting_info("m")
    assert (meeting.running, meeting.attendees) == (False, ())


NO_RECORDINGS = """<response>
  <returncode>SUCCESS</returncode>
  <recordings></recordings>
  <messageKey>noRecordings</messageKey>
  <message>There are no recordings for the meeting(s).</message>
</response>"""

RECORDING = """<recording>
  <recordID>{record_id}</recordID>
  <meetingID>seminar-7</meetingID>
  <internalMeetingID>{record_id}</internalMeetingID>
  <name>Organising 101</name>
  <isBreakout>false</isBreakout>
  <published>{published}</published>
  <state>published</state>
  <startTime>1530718721134</startTime>
  <endTime>1530718810837</endTime>
  <participants>3</participants>
  <metadata><meetingName>Organising 101</meetingName></metadata>
  <playback>{formats}</playback>
</recording>"""

FORMAT = "<format><type>{type}</type><url>{url}</url><processingTime>7177</processingTime><length>0</length></format>"


def test_get_recordings_none(receiver):
    receiver.answer(NO_RECORDINGS)
    assert client_of(receiver).get_recordings("seminar-7") == []


def test_get_recordings_one(receiver):
    formats = FORMAT.format(type="presentation", url="https://bbb.example.org/playback/presentation/2.3/r-1")
    receiver.answer(
        "<response><returncode>SUCCESS</returncode><recordings>"
        + RECORDING.format(record_id="r-1", published="true", formats=formats)
        + "</recordings></response>"
    )
    assert client_of(receiver).get_recordings("seminar-7") == [
        Recording(
            record_id="r-1",
            meeting_id="seminar-7",
            published=True,
            start_time=datetime.datetime(2018, 7, 4, 15, 38, 41, 134000, tzinfo=datetime.UTC),
            end_time=datetime.datetime(2018, 7, 4, 15, 40, 10, 837000, tzinfo=datetime.UTC),
            playback_url="https://bbb.example.org/playback/presentation/2.3/r-1",
        )
    ]


def test_get_recordings_two_picks_the_presentation_playback(receiver):
    first = FORMAT.format(type="podcast", url="https://bbb.example.org/podcast/r-1") + FORMAT.format(
        type="presentation", url="https://bbb.example.org/presentation/r-1"
    )
    second = FORMAT.format(type="video", url="https://bbb.example.org/video/r-2")
    receiver.answer(
        "<response><returncode>SUCCESS</returncode><recordings>"
        + RECORDING.format(record_id="r-1", published="true", formats=first)
        + RECORDING.format(record_id="r-2", published="false", formats=second)
        + RECORDING.format(record_id="r-3", published="false", formats="")
        + "</recordings></response>"
    )
    recordings = client_of(receiver).get_recordings("seminar-7")
    assert [(r.record_id, r.published, r.playback_url) for r in recordings] == [
        ("r-1", True, "https://bbb.example.org/presentation/r-1"),
        ("r-2", False, "https://bbb.example.org/video/r-2"),
        ("r-3", False, ""),
    ]


@pytest.mark.parametrize(
    ("call", "body"),
    [
        ("publish_recordings", "<response><returncode>SUCCESS</returncode><published>true</published></response>"),
        ("delete_recordings", "<response><returncode>SUCCESS</returncode><deleted>true</deleted></response>"),
    ],
)
def test_publish_and_delete_recordings(receiver, call, body):
    receiver.answer(body)
    client = client_of(receiver)
    args = (["r-1"], True) if call == "publish_recordings" else (["r-1"],)
    assert getattr(client, call)(*args) is None


@pytest.mark.parametrize(
    ("message_key", "message"),
    [
        ("notFound", "We could not find a meeting with that meeting ID"),
        ("checksumError", "Checksums do not match"),
        ("idNotUnique", "A meeting already exists with that meeting ID.  Please use a different meeting ID."),
    ],
)
def test_failed_carries_message_key(receiver, message_key, message):
    receiver.answer(
        f"<response><returncode>FAILED</returncode><messageKey>{message_key}</messageKey>"
        f"<message>{message}</message></response>"
    )
    with pytest.raises(BBBFailed) as failure:
        client_of(receiver).get_meeting_info("seminar-7")
    assert (failure.value.message_key, failure.value.message) == (message_key, message)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"garbage",
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b'{"returncode": "SUCCESS"}',
        b"<response><version>2.0</version></response>",
        b"<response><returncode>MAYBE</returncode></response>",
        # An entity, the first step of a billion-laughs attack: defusedxml refuses it.
        b'<!DOCTYPE r [<!ENTITY ok "SUCCESS">]><response><returncode>&ok;</returncode></response>',
    ],
)
def test_an_answer_that_is_not_bbb_xml_is_unavailable(receiver, body):
    receiver.answer(body)
    with pytest.raises(BBBUnavailable):
        client_of(receiver).is_meeting_running("seminar-7")


def test_a_recording_with_garbage_times_is_unavailable(receiver):
    receiver.answer(
        "<response><returncode>SUCCESS</returncode><recordings>"
        + RECORDING.format(record_id="r-1", published="true", formats="").replace("1530718721134", "soon")
        + "</recordings></response>"
    )
    with pytest.raises(BBBUnavailable):
        client_of(receiver).get_recordings("seminar-7")


def test_http_error_is_unavailable_even_with_xml(receiver):
    receiver.answer("<response><returncode>SUCCESS</returncode><running>true</running></response>", status=503)
    with pytest.raises(BBBUnavailable, match="503"):
        client_of(receiver).is_meeting_running("seminar-7")


def test_refused_connection_is_unavailable_and_does_not_quote_the_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = BBBClient(f"http://127.0.0.1:{port}/bigbluebutton/api/", BBB_TEST_SECRET)
    with pytest.raises(BBBUnavailable) as failure:
        client.end("seminar-7")
    assert "checksum" not in str(failure.value)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__


def test_slow_server_is_unavailable_within_the_timeout(receiver):
    receiver.answer("<response><returncode>SUCCESS</returncode><running>true</running></response>", delay=3)
    started = time.monotonic()
    with pytest.raises(BBBUnavailable, match="Timeout"):
        client_of(receiver, timeout=0.5).is_meeting_running("seminar-7")
    assert time.monotonic() - started < 1.5


def test_logs_name_calls_and_meetings_never_urls_or_checksums(bbb, caplog):
    caplog.set_level(logging.DEBUG, logger="seminars")
    meeting = bbb.create("seminar-7", "Organising 101")
    join_url = bbb.join_url("seminar-7", "Deniz", role="MODERATOR", user_id="3", create_time=meeting.create_time)
    bbb.get_meeting_info("seminar-7")
    bbb.end("seminar-7")

    messages = [record.getMessage() for record in caplog.records if record.name.startswith("seminars")]
    assert any("create" in m and "seminar-7" in m for m in messages)
    assert any("getMeetingInfo" in m for m in messages)
    join_checksum = join_url.rsplit("checksum=", 1)[1]
    for message in messages:
        assert "checksum" not in message
        assert join_checksum not in message
        assert "?" not in message
        assert BBB_TEST_SECRET not in message
