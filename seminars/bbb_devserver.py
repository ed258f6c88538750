"""A stand-in for BigBlueButton, so that every seminar flow can be tried on one machine (DESIGN §6).

It is strict where our side could go wrong (checksums over the exact query string, createTime on
join, the callbacks' URLs and signatures) and answers with the XML shapes real BBB sends.
Meetings live in memory. For development and tests only: run it with
``python manage.py bbb_devserver``, or ``serve(port=0)`` in a test.
"""

import contextlib
import hmac
import html
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

import jwt
import requests

from .bbb import checksum
from .conf import DEV_SECRET

logger = logging.getLogger(__name__)

API = "/bigbluebutton/api/"
PLAYBACK = "/playback/presentation/2.3/"
CALLBACK_TIMEOUT = 5.0
# BBB tells the algorithm by the checksum's length, and so does this.
ALGORITHM_BY_LENGTH = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}
ROLES = ("MODERATOR", "VIEWER")


class Refused(Exception):
    """An API call BBB answers with ``FAILED`` and this ``messageKey``."""

    def __init__(self, message_key: str, message: str):
        super().__init__(message)
        self.message_key, self.message = message_key, message


@dataclass
class Meeting:
    meeting_id: str
    name: str
    create_time: int  # epoch ms, unique per meeting: a join naming an older one is refused
    record: bool
    max_participants: int
    logout_url: str
    meta: dict[str, str]  # keys lower-cased, as BBB keeps them
    attendees: dict[str, tuple[str, str]] = field(default_factory=dict)  # userID -> (fullName, role)

    @property
    def internal_id(self) -> str:
        return f"{self.meeting_id}-{self.create_time}"

    @property
    def running(self) -> bool:
        return bool(self.attendees)


@dataclass
class Recording:
    record_id: str
    meeting_id: str
    name: str
    published: bool
    start_time: int
    end_time: int
    playback_url: str


def _required(params: dict, name: str) -> str:
    if not params.get(name):
        raise Refused(f"missingParam{name[:1].upper()}{name[1:]}", f"You must specify the parameter {name}.")
    return params[name]


def _number(params: dict, name: str) -> int:
    try:
        return int(params.get(name) or 0)
    except ValueError:
        raise Refused("invalidParam", f"{name} must be a whole number.") from None


def _xml(fields: dict) -> bytes:
    """A BBB response: dicts become nested elements, lists of (tag, value) pairs repeated ones."""

    def add(parent, tag, value):
        element = SubElement(parent, tag)
        if isinstance(value, dict):
            value = list(value.items())
        if isinstance(value, list):
            for child_tag, child_value in value:
                add(element, child_tag, child_value)
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = str(value)

    root = Element("response")
    for tag, value in fields.items():
        add(root, tag, value)
    return tostring(root, encoding="utf-8")


def _page(title: str, body: str) -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><p><em>BigBlueButton stand-in for development</em></p>{body}</body></html>"
    ).encode()


def _room_body(meeting_id: str, name: str, user_id: str, attendees: dict[str, tuple[str, str]]) -> str:
    role = attendees[user_id][1]
    people = "".join(f"<li>{html.escape(n)} ({r})</li>" for n, r in attendees.values())
    end_form = (
        f'<form method="post" action="/room/{quote(meeting_id, safe="")}/end">'
        f'<input type="hidden" name="user" value="{html.escape(user_id)}">'
        '<button type="submit">End meeting</button></form>'
    )
    return (
        f"<h1>meeting room: {html.escape(name)} — you are in as {role}</h1>"
        f"<h2>Attendees</h2><ul>{people}</ul>{end_form if role == 'MODERATOR' else ''}"
    )


class DevServer(ThreadingHTTPServer):
    """The stand-in: the API under ``/bigbluebutton/api/``, a landing page per join, playback pages."""

    request_queue_size = 64  # the default 5 drops connections when a whole class joins at once

    def __init__(self, host: str = "127.0.0.1", port: int = 8090, secret: str = DEV_SECRET):
        super().__init__((host, port), _Handler)
        self.secret = secret
        self.lock = threading.Lock()
        self.meetings: dict[str, Meeting] = {}
        self.recordings: dict[str, Recording] = {}
        self._last_create_time = 0
        self._callbacks: list[threading.Thread] = []
        self.calls = {
            "create": self.create,
            "end": self.end,
            "isMeetingRunning": self.is_meeting_running,
            "getMeetingInfo": self.get_meeting_info,
            "getRecordings": self.get_recordings,
            "publishRecordings": self.publish_recordings,
            "deleteRecordings": self.delete_recordings,
        }

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The API base to give the client (settings.BBB_URL)."""
        return self.origin + API

    def shutdown(self) -> None:
        super().shutdown()
        self.server_close()

    def wait_for_callbacks(self, timeout: float = 10.0) -> None:
        """Wait until the callbacks of every meeting ended so far have been delivered (for tests)."""
        deadline = time.monotonic() + timeout
        for thread in list(self._callbacks):
            thread.join(max(0.0, deadline - time.monotonic()))

    def verify(self, call: str, query: str) -> dict[str, str]:
        """The call's parameters, if the checksum matches the exact query string minus ``checksum=``."""
        parts = query.split("&") if query else []
        given = [part.removeprefix("checksum=") for part in parts if part.startswith("checksum=")]
        signed = "&".join(part for part in parts if not part.startswith("checksum="))
        algorithm = ALGORITHM_BY_LENGTH.get(len(given[0])) if len(given) == 1 else None
        if algorithm is None or not hmac.compare_digest(
            given[0].encode(), checksum(call, signed, self.secret, algorithm).encode()
        ):
            raise Refused("checksumError", "Checksums do not match")
        return dict(parse_qsl(signed, keep_blank_values=True))

    def _meeting(self, params: dict) -> Meeting:
        meeting = self.meetings.get(_required(params, "meetingID"))
        if meeting is None:
            raise Refused("notFound", "We could not find a meeting with that meeting ID")
        return meeting

    def create(self, params: dict) -> dict:
        meeting_id = _required(params, "meetingID")
        max_participants = _number(params, "maxParticipants")
        with self.lock:
            meeting = self.meetings.get(meeting_id)
            duplicate = meeting is not None
            if not duplicate:
                self._last_create_time = max(time.time_ns() // 1_000_000, self._last_create_time + 1)
                meeting = self.meetings[meeting_id] = Meeting(
                    meeting_id=meeting_id,
                    name=params.get("name") or meeting_id,
                    create_time=self._last_create_time,
                    record=params.get("record") == "true",
                    max_participants=max_participants,
                    logout_url=params.get("logoutURL", ""),
                    meta={key[5:].lower(): value for key, value in params.items() if key.startswith("meta_")},
                )
            fields = {
                "meetingID": meeting.meeting_id,
                "internalMeetingID": meeting.internal_id,
                "parentMeetingID": "bbb-none",
                "createTime": meeting.create_time,
                "hasUserJoined": meeting.running,
                "duration": _number(params, "duration"),
                "hasBeenForciblyEnded": False,
            }
        if duplicate:
            fields["messageKey"] = "duplicateWarning"
            fields["message"] = "This conference was already in existence and may currently be in progress."
        return fields

    def join(self, params: dict) -> str:
        """Let the person in and return their landing page's path (the join URL's checksum stays out of it)."""
        full_name = _required(params, "fullName")
        role = params.get("role", "").upper()
        if role not in ROLES:
            raise Refused("Params required", "You must send the role of the user: MODERATOR or VIEWER.")
        user_id = params.get("userID") or f"w_{secrets.token_hex(6)}"
        with self.lock:
            meeting = self.meetings.get(_required(params, "meetingID"))
            if meeting is None:
                raise Refused(
                    "invalidMeetingIdentifier", "The meeting ID that you supplied did not match any existing meetings"
                )
            if params.get("createTime") and params["createTime"] != str(meeting.create_time):
                raise Refused(
                    "mismatchCreateTimeParam", "The createTime parameter submitted mismatches with the current meeting."
                )
            full = 0 < meeting.max_participants <= len(meeting.attendees)
            if full and user_id not in meeting.attendees:
                raise Refused(
                    "maxParticipantsReached", "The number of participants allowed for this meeting has been reached."
                )
            meeting.attendees[user_id] = (full_name, role)
        return f"/room/{quote(meeting.meeting_id, safe='')}?{urlencode({'user': user_id})}"

    def end(self, params: dict) -> dict:
        self.end_meeting(_required(params, "meetingID"))
        return {
            "messageKey": "sentEndMeetingRequest",
            "message": "A request to end the meeting was sent. Please wait a few seconds, and then use the "
            "getMeetingInfo or isMeetingRunning API calls to verify that it was ended.",
        }

    def end_meeting(self, meeting_id: str) -> Meeting:
        """End it (everyone leaves, BBB forgets it) and send its callbacks without delaying the answer.

        As BBB removes an ended meeting, a create with the same id afterwards makes a new one, with a
        new createTime (a session reopened in its slot): joins naming the old createTime are refused.
        """
        with self.lock:
            meeting = self.meetings.pop(meeting_id, None)
            if meeting is None:
                raise Refused("notFound", "We could not find a meeting with that meeting ID")
            thread = threading.Thread(target=self._after_end, args=(meeting, time.time_ns() // 1_000_000), daemon=True)
            self._callbacks = [*(t for t in self._callbacks if t.is_alive()), thread]
            thread.start()
        return meeting

    def _after_end(self, meeting: Meeting, ended_at: int) -> None:
        end_url = meeting.meta.get("endcallbackurl")
        if end_url:
            query = urlencode({"meetingID": meeting.meeting_id, "recordingmarks": "false"})
            self._deliver("GET", f"{end_url}{'&' if '?' in end_url else '?'}{query}")
        if not meeting.record:
            return
        record_id = meeting.internal_id
        with self.lock:
            self.recordings[record_id] = Recording(
                record_id=record_id,
                meeting_id=meeting.meeting_id,
                name=meeting.name,
                published=True,
                start_time=meeting.create_time,
                end_time=ended_at,
                playback_url=f"{self.origin}{PLAYBACK}{quote(record_id, safe='')}",
            )
        ready_url = meeting.meta.get("bbb-recording-ready-url")
        if ready_url:
            claims = {"meeting_id": meeting.meeting_id, "record_id": record_id}
            token = jwt.encode(claims, self.secret, algorithm="HS256")
            self._deliver("POST", ready_url, data={"signed_parameters": token})

    def _deliver(self, method: str, url: str, **kwargs) -> None:
        try:
            response = requests.request(method, url, timeout=CALLBACK_TIMEOUT, **kwargs)
        except requests.RequestException as error:
            logger.warning("BBB stand-in: %s callback failed: %s", method, type(error).__name__)
        else:
            logger.info("BBB stand-in: %s callback answered %s", method, response.status_code)

    def is_meeting_running(self, params: dict) -> dict:
        with self.lock:
            meeting = self.meetings.get(_required(params, "meetingID"))
            return {"running": meeting is not None and meeting.running}

    def get_meeting_info(self, params: dict) -> dict:
        with self.lock:
            meeting = self._meeting(params)
            roles = [role for _name, role in meeting.attendees.values()]
            return {
                "meetingName": meeting.name,
                "meetingID": meeting.meeting_id,
                "internalMeetingID": meeting.internal_id,
                "createTime": meeting.create_time,
                "running": meeting.running,
                "hasUserJoined": meeting.running,
                "recording": meeting.record and meeting.running,
                "hasBeenForciblyEnded": False,
                "startTime": meeting.create_time,
                "endTime": 0,
                "participantCount": len(roles),
                "moderatorCount": roles.count("MODERATOR"),
                "maxUsers": meeting.max_participants,
                "attendees": [
                    ("attendee", {"userID": user_id, "fullName": name, "role": role, "clientType": "HTML5"})
                    for user_id, (name, role) in meeting.attendees.items()
                ],
                "metadata": dict(meeting.meta),
            }

    def get_recordings(self, params: dict) -> dict:
        meeting_ids = set(params.get("meetingID", "").split(",")) - {""}
        with self.lock:
            found = [r for r in self.recordings.values() if not meeting_ids or r.meeting_id in meeting_ids]
        recordings = [
            (
                "recording",
                {
                    "recordID": r.record_id,
                    "meetingID": r.meeting_id,
                    "internalMeetingID": r.record_id,
                    "name": r.name,
                    "published": r.published,
                    "state": "published" if r.published else "unpublished",
                    "startTime": r.start_time,
                    "endTime": r.end_time,
                    "playback": {"format": {"type": "presentation", "url": r.playback_url, "length": 0}},
                },
            )
            for r in found
        ]
        if recordings:
            return {"recordings": recordings}
        return {
            "recordings": [],
            "messageKey": "noRecordings",
            "message": "There are no recordings for the meeting(s).",
        }

    def publish_recordings(self, params: dict) -> dict:
        publish = _required(params, "publish") == "true"
        with self.lock:
            for recording in self._recordings(params):
                recording.published = publish
        return {"published": publish}

    def delete_recordings(self, params: dict) -> dict:
        with self.lock:
            for recording in self._recordings(params):
                del self.recordings[recording.record_id]
        return {"deleted": True}

    def _recordings(self, params: dict) -> list[Recording]:
        found = [self.recordings[i] for i in _required(params, "recordID").split(",") if i in self.recordings]
        if not found:
            raise Refused("notFound", "We could not find recordings")
        return found


class _Handler(BaseHTTPRequestHandler):
    server: DevServer

    def log_request(self, code="-", size="-") -> None:
        # The path only: a join's query string is a bearer secret.
        logger.info("BBB stand-in: %s %s %s", self.command, urlsplit(self.path).path, code)

    def log_message(self, fmt, *args) -> None:
        logger.debug("BBB stand-in: " + fmt, *args)

    def _send(self, status: int, body: bytes, content_type: str, location: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def _send_xml(self, fields: dict) -> None:
        self._send(200, _xml(fields), "text/xml;charset=utf-8")

    def _send_page(self, status: int, title: str, body: str) -> None:
        self._send(status, _page(title, body), "text/html;charset=utf-8")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path in (API, API.rstrip("/")):
            self._send_xml({"returncode": "SUCCESS", "version": "2.0"})
        elif url.path.startswith(API):
            self._api(url.path.removeprefix(API), url.query)
        elif url.path.startswith("/room/"):
            self._room(unquote(url.path.removeprefix("/room/")), dict(parse_qsl(url.query)).get("user", ""))
        elif url.path.startswith(PLAYBACK):
            self._playback(unquote(url.path.removeprefix(PLAYBACK)))
        else:
            self._send_page(404, "Not found", "<p>Not found.</p>")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if not (path.startswith("/room/") and path.endswith("/end")):
            self._send_page(404, "Not found", "<p>Not found.</p>")
            return
        meeting_id = unquote(path.removeprefix("/room/").removesuffix("/end"))
        form = dict(parse_qsl(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()))
        with self.server.lock:
            meeting = self.server.meetings.get(meeting_id)
            attendee = meeting.attendees.get(form.get("user", "")) if meeting else None
        if attendee is None or attendee[1] != "MODERATOR":
            self._send_page(403, "Forbidden", "<p>Only a moderator in this meeting can end it.</p>")
            return
        with contextlib.suppress(Refused):  # someone else ended it a moment ago
            self.server.end_meeting(meeting_id)
        if meeting.logout_url:
            self._send(303, b"", "text/plain", location=meeting.logout_url)
        else:
            self._send_page(200, "Meeting ended", "<p>The meeting has ended.</p>")

    def _api(self, call: str, query: str) -> None:
        try:
            params = self.server.verify(call, query)
            if call == "join":
                self._send(302, b"", "text/plain", location=self.server.join(params))
                return
            if call not in self.server.calls:
                raise Refused("unsupportedRequest", "This request is not supported.")
            fields = self.server.calls[call](params)
        except Refused as refusal:
            fields = {"returncode": "FAILED", "messageKey": refusal.message_key, "message": refusal.message}
        else:
            fields = {"returncode": "SUCCESS", **fields}
        self._send_xml(fields)

    def _room(self, meeting_id: str, user_id: str) -> None:
        with self.server.lock:
            meeting = self.server.meetings.get(meeting_id)
            name, attendees = (meeting.name, dict(meeting.attendees)) if meeting else ("", {})
        if meeting is None:
            self._send_page(404, "Meeting ended", "<p>This meeting has ended, or never was.</p>")
        elif user_id not in attendees:
            self._send_page(403, "Not joined", "<p>Join this meeting through its join link first.</p>")
        else:
            self._send_page(200, f"meeting room: {name}", _room_body(meeting_id, name, user_id, attendees))

    def _playback(self, record_id: str) -> None:
        with self.server.lock:
            recording = self.server.recordings.get(record_id)
        if recording is None:
            self._send_page(404, "Not found", "<p>No such recording.</p>")
        else:
            self._send_page(200, f"recording: {recording.name}", f"<h1>recording: {html.escape(recording.name)}</h1>")


def serve(host: str = "127.0.0.1", port: int = 8090, secret: str = DEV_SECRET) -> DevServer:
    """Start the stand-in in a daemon thread (port 0 picks a free port); stop it with ``shutdown()``."""
    server = DevServer(host, port, secret)
    # A short poll, so that shutdown() returns at once between tests.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
