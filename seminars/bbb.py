"""A small client of BigBlueButton's API (DESIGN §6), written here because no maintained one exists.

Every call is a signed GET answered with XML. It uses no ``getMeetings``, so it works unchanged
against Scalelite (one URL and secret for a cluster). Join URLs are bearer secrets: they are
built, handed back and never logged; nor are checksums or any request URL (the exceptions
raised here say which call failed and why, never where).
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from .conf import bbb_settings

logger = logging.getLogger(__name__)

CHECKSUM_ALGORITHMS = ("sha1", "sha256", "sha384", "sha512")


def _check_algorithm(algorithm: str) -> None:
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise ValueError(f"unknown BBB checksum algorithm {algorithm!r}; use one of {', '.join(CHECKSUM_ALGORITHMS)}")


def checksum(call: str, query: str, secret: str, algorithm: str = "sha256") -> str:
    """BBB's signature: hex(H(call + query + secret)) over the query string exactly as sent."""
    _check_algorithm(algorithm)
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()


class BBBError(Exception):
    """Anything that kept a BBB call from succeeding."""


class BBBFailed(BBBError):
    """BBB answered ``FAILED``; ``message_key`` (``notFound``, ``checksumError``, ...) says why."""

    def __init__(self, call: str, message_key: str, message: str):
        super().__init__(f"{call}: {message_key}: {message}")
        self.message_key, self.message = message_key, message


class BBBUnavailable(BBBError):
    """BBB could not be reached, was too slow, or answered something that is not its XML."""


@dataclass(frozen=True)
class Attendee:
    user_id: str
    full_name: str
    role: str  # MODERATOR or VIEWER


@dataclass(frozen=True)
class Meeting:
    meeting_id: str
    # Epoch milliseconds as BBB sends them; a join names it, so a URL made for an earlier
    # meeting with the same id does not let anyone into a later one.
    create_time: str
    name: str = ""
    # create's answer does not say; getMeetingInfo's does.
    running: bool = False
    attendees: tuple[Attendee, ...] = ()


@dataclass(frozen=True)
class Recording:
    record_id: str
    meeting_id: str
    published: bool
    start_time: datetime.datetime
    end_time: datetime.datetime
    playback_url: str  # "" while BBB has no playback for it


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _text(element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _epoch_ms(value: str) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(0, datetime.UTC) + datetime.timedelta(milliseconds=int(value or 0))


def _playback_url(recording) -> str:
    """The presentation format's URL, else the first format's: the one a person can watch."""
    formats = recording.findall("playback/format")
    for playback in formats:
        if _text(playback, "type") == "presentation":
            return _text(playback, "url")
    return _text(formats[0], "url") if formats else ""


class BBBClient:
    def __init__(self, base_url: str, secret: str, checksum: str = "sha256", timeout: float = 5.0):
        _check_algorithm(checksum)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.secret, self.algorithm, self.timeout = secret, checksum, timeout

    @classmethod
    def from_settings(cls) -> "BBBClient":
        """The client of the BBB_* settings (seminars/conf.py), read now."""
        return cls(bbb_settings.URL, bbb_settings.SECRET, bbb_settings.CHECKSUM, bbb_settings.TIMEOUT)

    def _url(self, call: str, params: dict) -> str:
        query = urlencode(params)  # built once: the checksum is over exactly this string
        return f"{self.base_url}{call}?{query}&checksum={checksum(call, query, self.secret, self.algorithm)}"

    def _get(self, call: str, params: dict, subject: str):
        logger.info("BBB %s %s", call, subject)
        try:
            response = requests.get(self._url(call, params), timeout=self.timeout)
        except requests.RequestException as error:
            # `from None`: requests' messages quote the URL, checksum included.
            raise BBBUnavailable(f"{call}: {type(error).__name__}") from None
        if response.status_code != 200:
            raise BBBUnavailable(f"{call}: HTTP {response.status_code}")
        try:
            root = fromstring(response.content)
        except (ParseError, DefusedXmlException):
            raise BBBUnavailable(f"{call}: the answer is not XML") from None
        returncode = _text(root, "returncode")
        if root.tag != "response" or returncode not in ("SUCCESS", "FAILED"):
            raise BBBUnavailable(f"{call}: the answer is not a BBB response")
        if returncode == "FAILED":
            raise BBBFailed(call, _text(root, "messageKey"), _text(root, "message"))
        return root

    def create(
        self,
        meeting_id: str,
        name: str,
        *,
        record: bool = False,
        welcome: str = "",
        max_participants: int = 0,
        duration: int = 0,
        logout_url: str = "",
        guest_policy: str = "ALWAYS_ACCEPT",
        lock_settings: dict | None = None,
        meta: dict | None = None,
    ) -> Meeting:
        """Create the meeting, or get the running one with this id (BBB's create is idempotent).

        ``lock_settings={"disableCam": True}`` is sent as ``lockSettingsDisableCam=true``;
        ``meta={"endCallbackUrl": url}`` as ``meta_endCallbackUrl=url``.
        """
        params = {
            "meetingID": meeting_id,
            "name": name,
            "record": _flag(record),
            "maxParticipants": max_participants,
            "duration": duration,
            "guestPolicy": guest_policy,
        }
        if welcome:
            params["welcome"] = welcome
        if logout_url:
            params["logoutURL"] = logout_url
        for key, value in (lock_settings or {}).items():
            params[f"lockSettings{key[:1].upper()}{key[1:]}"] = _flag(value) if isinstance(value, bool) else value
        for key, value in (meta or {}).items():
            params[f"meta_{key}"] = value
        root = self._get("create", params, f"meeting={meeting_id}")
        return Meeting(meeting_id=_text(root, "meetingID"), create_time=_text(root, "createTime"), name=name)

    def join_url(
        self, meeting_id: str, full_name: str, *, role: str, user_id: str, create_time: str | int | None = None
    ) -> str:
        """A signed join URL for one person (no request is made). A bearer secret: redirect, never keep."""
        if role not in ("MODERATOR", "VIEWER"):
            raise ValueError(f"role must be MODERATOR or VIEWER, not {role!r}")
        params = {"meetingID": meeting_id, "fullName": full_name, "role": role, "userID": user_id}
        if create_time:
            params["createTime"] = create_time
        logger.info("BBB join url for meeting=%s role=%s", meeting_id, role)
        return self._url("join", params)

    def end(self, meeting_id: str) -> None:
        self._get("end", {"meetingID": meeting_id}, f"meeting={meeting_id}")

    def is_meeting_running(self, meeting_id: str) -> bool:
        """False also for a meeting BBB does not know (it answers so, rather than notFound)."""
        root = self._get("isMeetingRunning", {"meetingID": meeting_id}, f"meeting={meeting_id}")
        return _text(root, "running") == "true"

    def get_meeting_info(self, meeting_id: str) -> Meeting:
        """Raises BBBFailed with message_key "notFound" once the meeting is over (or never was)."""
        root = self._get("getMeetingInfo", {"meetingID": meeting_id}, f"meeting={meeting_id}")
        return Meeting(
            meeting_id=_text(root, "meetingID"),
            create_time=_text(root, "createTime"),
            name=_text(root, "meetingName"),
            running=_text(root, "running") == "true",
            attendees=tuple(
                Attendee(user_id=_text(a, "userID"), full_name=_text(a, "fullName"), role=_text(a, "role"))
                for a in root.findall("attendees/attendee")
            ),
        )

    def get_recordings(self, meeting_id: str) -> list[Recording]:
        root = self._get("getRecordings", {"meetingID": meeting_id}, f"meeting={meeting_id}")
        try:
            return [
                Recording(
                    record_id=_text(r, "recordID"),
                    meeting_id=_text(r, "meetingID"),
                    published=_text(r, "published") == "true",
                    start_time=_epoch_ms(_text(r, "startTime")),
                    end_time=_epoch_ms(_text(r, "endTime")),
                    playback_url=_playback_url(r),
                )
                for r in root.findall("recordings/recording")
            ]
        except (ValueError, OverflowError):
            raise BBBUnavailable("getRecordings: a recording's times are not epoch milliseconds") from None

    def publish_recordings(self, record_ids: list[str], publish: bool) -> None:
        ids = ",".join(record_ids)
        self._get("publishRecordings", {"recordID": ids, "publish": _flag(publish)}, f"recordings={ids}")

    def delete_recordings(self, record_ids: list[str]) -> None:
        ids = ",".join(record_ids)
        self._get("deleteRecordings", {"recordID": ids}, f"recordings={ids}")
