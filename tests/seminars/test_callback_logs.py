"""The end callback's signature stays out of the web server's access log, and is still verified.

BBB calls the end callback with a GET, so the signature is in the query string that access logs
record. Here the stand-in ends a meeting and calls our site served as runserver serves it and as
gunicorn serves it in production (docs/deploy.md), and the test reads the access log as written.
"""

import io
import logging
import os
import re
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connection, connections
from django.urls import reverse

from seminars.models import Webinar

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READY_PATH = "/seminars/callbacks/recording-ready/"


@pytest.fixture
def runserver_log(settings):
    """Our site served by runserver's server and request handler at SITE_URL; what its access log writes."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())

    def serve():
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connections.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.SITE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    # Django's own console handler (pytest adds handlers of its own beside it).
    handlers = [h for h in logging.getLogger("django.server").handlers if type(h) is logging.StreamHandler]
    assert handlers, "runserver's access log has no handler"
    log = io.StringIO()
    before = [handler.setStream(log) for handler in handlers]
    yield log
    for handler, stream in zip(handlers, before, strict=True):
        handler.setStream(stream)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def written(log: io.StringIO, text: str, timeout: float = 30.0) -> str:
    """The log once ``text`` is in it: runserver writes a request's line after its answer has left."""
    deadline = time.monotonic() + timeout
    while text not in log.getvalue():
        assert time.monotonic() < deadline, f"never logged {text!r}: {log.getvalue()}"
        time.sleep(0.05)
    return log.getvalue()


def database_url() -> str:
    """This test's database, for another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(path, pattern: str, timeout: float = 60.0) -> re.Match:
    deadline = time.monotonic() + timeout
    while not (found := re.search(pattern, path.read_text())):
        assert time.monotonic() < deadline, f"never logged {pattern!r}: {path.read_text()}"
        time.sleep(0.1)
    return found


@pytest.fixture
def gunicorn_access_log(settings, tmp_path):
    """Our site under gunicorn with its access log on stdout (docs/deploy.md), on this test's database.

    Its address is SITE_URL; the fixture gives the access log's file.
    """
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE, "DATABASE_URL": database_url()}
    command = [sys.executable, "-m", "gunicorn", "django.core.wsgi:get_wsgi_application()"]
    command += ["--bind", "127.0.0.1:0", "--workers", "1", "--access-logfile", "-"]
    with access.open("w") as stdout, errors.open("w") as stderr:
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
    try:
        port = wait_for(errors, r"Listening at: http://127\.0\.0\.1:(\d+)").group(1)
        settings.SITE_URL = f"http://127.0.0.1:{port}"
        # The worker loads Django at its first request: before BBB's callback, whose wait is short.
        assert requests.get(settings.SITE_URL + READY_PATH, timeout=60).status_code == 405
        yield access
    finally:
        process.terminate()
        process.wait(timeout=30)


def end_the_meeting(as_role, webinar: Webinar, bbb, bbb_server) -> str:
    """The tutor starts the session, BBB ends it and calls our site back; the signature BBB was given."""
    assert as_role("tutor").post(f"/en/sessions/{webinar.pk}/join/", {"consent": "1"}).status_code == 302
    with bbb_server.lock:
        end_url = bbb_server.meetings[str(webinar.meeting_id)].meta["endcallbackurl"]
    bbb.end(str(webinar.meeting_id))
    bbb_server.wait_for_callbacks()
    return parse_qs(urlsplit(end_url).query)["signature"][0]


def test_runservers_access_log_has_the_end_callback_without_its_signature(
    runserver_log, as_role, drop_in, bbb, bbb_settings
):
    Webinar.objects.filter(pk=drop_in.pk).update(record=True)  # BBB calls recording-ready as well

    signature = end_the_meeting(as_role, drop_in, bbb, bbb_settings)

    end_path = reverse("seminars_callbacks:end", args=[drop_in.meeting_id])
    meeting = drop_in.meeting_id
    line = f'"GET {end_path}?meeting=1&signature=[redacted]&meetingID={meeting}&recordingmarks=false HTTP/1.1" 200'
    written(runserver_log, line)
    log = written(runserver_log, f'"POST {READY_PATH} HTTP/1.1" 200')
    assert signature not in log
    assert "signed_parameters" not in log
    assert Webinar.objects.get(pk=drop_in.pk).status == Webinar.Status.ENDED  # still verified, and believed


def test_gunicorns_access_log_has_the_end_callback_without_its_signature(
    gunicorn_access_log, as_role, drop_in, bbb, bbb_settings
):
    signature = end_the_meeting(as_role, drop_in, bbb, bbb_settings)

    end_path = reverse("seminars_callbacks:end", args=[drop_in.meeting_id])
    line = wait_for(gunicorn_access_log, rf'"GET {re.escape(end_path)}\?[^"]*" 200').group(0)
    assert "meeting=1&signature=[redacted]&meetingID=" in line
    assert signature not in gunicorn_access_log.read_text()
    assert Webinar.objects.get(pk=drop_in.pk).status == Webinar.Status.ENDED


def test_a_forged_signature_is_still_refused_and_logged_redacted(
    settings, runserver_log, as_role, drop_in, bbb_settings
):
    assert as_role("tutor").post(f"/en/sessions/{drop_in.pk}/join/", {"consent": "1"}).status_code == 302
    forged = f"/seminars/callbacks/end/{drop_in.meeting_id}/?meeting=1&signature={'0' * 64}"

    assert requests.get(settings.SITE_URL + forged, timeout=10).status_code == 403

    written(runserver_log, 'signature=[redacted] HTTP/1.1" 403')
    assert Webinar.objects.get(pk=drop_in.pk).status == Webinar.Status.RUNNING
