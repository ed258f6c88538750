import datetime
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import icalendar
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone, translation

from courses.models import CourseModulePage, Enrolment
from seminars import services
from seminars.bbb import BBBClient
from seminars.bbb_devserver import serve
from seminars.demo import DROP_IN, WEEKLY
from seminars.models import CalendarFeed, Webinar
from tests import factories
from tests.courses.conftest import course_index, make_index, make_module  # noqa: F401 (fixtures)
from tests.factories import UserFactory


# At least 32 bytes, so that PyJWT does not warn about a short HS256 key.
def feed_uids(member) -> set[str]:
    """The UIDs of the events in ``member``'s personal calendar, read as a calendar program reads it (no session)."""
    token = CalendarFeed.objects.get_or_create(member=member)[0].token
    response = Client().get(f"/en/sessions/calendar/{token}.ics")
    assert response.status_code == 200
    return {str(event["uid"]) for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def uids(webinars) -> set[str]:
    return {f"{webinar.meeting_id}@nlu" for webinar in webinars}


BBB_TEST_SECRET = "test-bbb-secret-0123456789abcdef-0123456789"


@dataclass(frozen=True)
class Received:
    method: str
    path: str  # with its query string
    body: bytes

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


class Receiver(ThreadingHTTPServer):
    """A tiny HTTP server that records every request and answers what the test told it to.

    Stands in for BBB answering a given body (or slowly), and for our site receiving callbacks.
    """

    block_on_close = False  # a deliberately slow answer must not hold up the test's teardown

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.received: list[Received] = []
        self.changed = threading.Condition()
        self.answer()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def answer(self, body: bytes | str = b"ok", *, status: int = 200, delay: float = 0.0) -> None:
        self.body = body.encode() if isinstance(body, str) else body
        self.status, self.delay = status, delay

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The requests received once there are ``count`` of them (or fewer, after ``timeout``)."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, fmt, *args) -> None:
        pass

    def _record_and_answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.changed:
            self.server.received.append(Received(self.command, self.path, body))
            self.server.changed.notify_all()
        time.sleep(self.server.delay)
        try:
            self.send_response(self.server.status)
            self.send_header("Content-Type", "text/xml;charset=utf-8")
            self.send_header("Content-Length", str(len(self.server.body)))
            self.end_headers()
            self.wfile.write(self.server.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as the timeout tests want

    do_GET = do_POST = _record_and_answer


@pytest.fixture
def receiver():
    server = Receiver()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def bbb_server():
    """The BBB stand-in, fresh for each test, on a free port."""
    server = serve(port=0, secret=BBB_TEST_SECRET)
    yield server
    server.shutdown()


@pytest.fixture
def bbb(bbb_server) -> BBBClient:
    return BBBClient(bbb_server.url, BBB_TEST_SECRET)


@pytest.fixture
def bbb_settings(settings, bbb_server):
    """Point the BBB_* settings at the stand-in, so that BBBClient.from_settings() talks to it."""
    settings.BBB_URL, settings.BBB_SECRET, settings.BBB_CHECKSUM = bbb_server.url, BBB_TEST_SECRET, "sha256"
    return bbb_server


# --- People and sessions of a module like the demo's Module 1, built for each test ----------------

PASSWORD = factories.PASSWORD
# Each part a person can have towards a session of Module 1 ("manager": a member given only the
# seminars.manage_webinars permission; "coordinator": a superuser).
ROLES = ("anonymous", "outsider", "enrolled", "tutor", "coordinator", "manager")
MODERATORS = ("tutor", "coordinator", "manager")
# role: (username, language, time zone), as the demo's people have them.
PEOPLE = {
    "outsider": ("researcher", "en", "America/Sao_Paulo"),
    "enrolled": ("steward", "tr", "Europe/Istanbul"),
    "tutor": ("tutor", "en", "Europe/Rome"),
    "coordinator": ("coordinator", "en", "Europe/Istanbul"),
    "manager": ("manager", "en", "Europe/Berlin"),
}


@pytest.fixture
def people(db) -> dict:
    """Members by their part in Module 1; the researcher is enrolled in nothing."""
    found = {
        role: UserFactory(
            username=username,
            language=language,
            timezone=zone,
            is_staff=role == "coordinator",
            is_superuser=role == "coordinator",
        )
        for role, (username, language, zone) in PEOPLE.items()
    }
    found["manager"].user_permissions.add(Permission.objects.get(codename="manage_webinars"))
    return found


@pytest.fixture
def as_role(client, people):
    """``as_role("tutor")``: the test client, signed in as that person (or not at all)."""

    def sign_in(role: str):
        client.logout()
        if role != "anonymous":
            client.force_login(people[role])
        return client

    return sign_in


@pytest.fixture
def module_1(make_module, people) -> CourseModulePage:  # noqa: F811 (the fixture)
    """A seven-week module a month ahead, in Istanbul's zone, taught by the tutor; the steward is enrolled."""
    module = make_module(title="Module 1", timezone="Europe/Istanbul", tutors=[people["tutor"]])
    Enrolment.objects.create(module=module, member=people["enrolled"], status=Enrolment.Status.ACTIVE)
    return module


@pytest.fixture
def weekly(module_1, people) -> Webinar:
    """The first of Module 1's seven weekly sessions at 16:00 in Istanbul (recorded, in the future), as the demo's."""
    webinars = services.webinar_schedule(
        title=WEEKLY["title_en"],
        translations=WEEKLY,
        start_local=datetime.datetime.combine(module_1.start_date, datetime.time(16, 0)),
        timezone_name="Europe/Istanbul",
        duration_minutes=120,
        tutors=[people["tutor"]],
        created_by=people["tutor"],
        module=module_1,
        occurrences=module_1.weeks,
        record=True,
    )
    return Webinar.objects.get(pk=webinars[0].pk)


@pytest.fixture
def drop_in(module_1, people) -> Webinar:
    """A drop-in session of Module 1, as the demo's: open now, not yet started, not recorded."""
    now = timezone.now().astimezone(datetime.UTC).replace(second=0, microsecond=0, tzinfo=None)
    [webinar] = services.webinar_schedule(
        title=DROP_IN["title_en"],
        translations=DROP_IN,
        start_local=now,
        timezone_name="UTC",
        duration_minutes=120,
        tutors=[people["tutor"]],
        created_by=people["tutor"],
        module=module_1,
    )
    return Webinar.objects.get(pk=webinar.pk)


def login_url() -> str:
    """Where a visitor is sent to sign in (settings.LOGIN_URL), on the English site."""
    with translation.override("en"):
        return resolve_url(settings.LOGIN_URL)


@pytest.fixture
def site_receiver(settings, receiver):
    """SITE_URL pointed at a receiver: the stand-in's callbacks land there, to be replayed by a test."""
    settings.SITE_URL = receiver.url.rstrip("/")
    return receiver


def schedule_form(start, zone: str = "Europe/Istanbul", **fields) -> dict:
    """The schedule form as a tutor fills it in: ``start`` is a naive wall-clock time in ``zone``."""
    return {
        "title_en": "Organising across borders",
        "title_tr": "Sınırlar ötesi örgütlenme",
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "timezone": zone,
        "duration_minutes": 90,
        "audience": "enrolled",
        "max_participants": 0,
        "occurrences": 1,
        "every_weeks": 1,
        **fields,
    }


SETTLED: list[int] = []


def record_settlement(*, webinar) -> None:
    """A settlement hook (SEMINARS_SETTLEMENT_HOOKS) that only notes which session it settled."""
    SETTLED.append(webinar.pk)


@pytest.fixture
def settlement_hook(settings) -> list[int]:
    """The sessions settled during the test, in order."""
    SETTLED.clear()
    settings.SEMINARS_SETTLEMENT_HOOKS = [f"{__name__}.record_settlement"]
    return SETTLED
