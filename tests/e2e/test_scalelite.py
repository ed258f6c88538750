"""Joining behind Scalelite: the join goes to Scalelite, which redirects on to the BBB server holding the meeting.

Here "Scalelite" is a tiny proxy on 127.0.0.1 (BBB_URL): it passes every API call on to the BBB
stand-in on a second loopback host, 127.0.0.2, and answers a join with a redirect there, as
Scalelite does. The browser checks each hop of a form's redirects against the page's CSP
form-action: the site's settings allow BBB_URL's origin and those of SEMINARS_BBB_JOIN_ORIGINS.
"""

import copy
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from playwright.sync_api import expect

from nlu.settings.base import join_form_action, origins_from_env
from seminars.bbb_devserver import API, serve
from seminars.demo import DROP_IN
from seminars.models import Webinar
from tests.seminars.conftest import BBB_TEST_SECRET

from .conftest import BROWSER_LOCALES
from .ui import nav, say, sign_in

SECOND_HOST = "127.0.0.2"


class Scalelite(ThreadingHTTPServer):
    """One API address for a cluster of one BBB server: calls are passed on, joins redirected."""

    block_on_close = False

    def __init__(self, server_origin: str):
        super().__init__(("127.0.0.1", 0), _ScaleliteHandler)
        self.server_origin = server_origin

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{API}"


class _ScaleliteHandler(BaseHTTPRequestHandler):
    server: Scalelite

    def log_message(self, fmt, *args) -> None:
        pass

    def do_GET(self) -> None:
        target = self.server.server_origin + self.path  # the checksum covers the call and query, not the host
        if self.path.startswith(API + "join?"):
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            with urllib.request.urlopen(target, timeout=5) as answer:
                status, body, kind = answer.status, answer.read(), answer.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            status, body, kind = error.code, error.read(), error.headers["Content-Type"]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def bbb_behind_scalelite(settings, live_server):
    """The stand-in on 127.0.0.2 behind "Scalelite" on 127.0.0.1, which is BBB_URL; yields the stand-in."""
    bbb = serve(host=SECOND_HOST, port=0, secret=BBB_TEST_SECRET)
    scalelite = Scalelite(bbb.origin)
    threading.Thread(target=scalelite.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    settings.SITE_URL = live_server.url
    settings.BBB_URL, settings.BBB_SECRET, settings.BBB_CHECKSUM = scalelite.url, BBB_TEST_SECRET, "sha256"
    yield bbb
    scalelite.shutdown()
    scalelite.server_close()
    bbb.shutdown()


def drop_in_path(lang: str) -> str:
    return f"/{lang}/sessions/{Webinar.objects.get(title_en=DROP_IN['title_en']).pk}/"


def allow_forms_to(settings, join_origins: list[str]) -> None:
    """The site's CSP as its settings build it from BBB_URL and SEMINARS_BBB_JOIN_ORIGINS."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = join_form_action(settings.BBB_URL, join_origins)
    settings.CONTENT_SECURITY_POLICY = policy


def start_the_drop_in(open_page, accessible, lang: str):
    """The demo tutor opens the drop-in session (open now) and presses "Start the session"; returns her page."""
    tutor = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Rome")
    sign_in(tutor, lang, "tutor", accessible)
    nav(tutor, lang, "Sessions").click()
    accessible(tutor)
    tutor.get_by_role("link", name=DROP_IN[f"title_{lang}"]).first.click()
    expect(tutor.get_by_role("heading", level=1)).to_have_text(DROP_IN[f"title_{lang}"])
    accessible(tutor)
    tutor.get_by_role("button", name=say(lang, "Start the session")).click()
    return tutor


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_join_through_scalelites_redirect_to_a_bbb_server_arrives(
    open_page, demo, speaks, bbb_behind_scalelite, settings, accessible, lang
):
    speaks(lang)
    allow_forms_to(settings, [bbb_behind_scalelite.origin])

    tutor = start_the_drop_in(open_page, accessible, lang)

    expect(tutor.get_by_role("heading", level=1)).to_contain_text("you are in as MODERATOR")
    assert tutor.url.startswith(f"{bbb_behind_scalelite.origin}/")  # on the BBB server, past Scalelite

    # A steward, from her own browser, joins the running meeting the same way, as a viewer.
    steward = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Istanbul")
    sign_in(steward, lang, "steward", accessible)
    steward.goto(drop_in_path(lang))
    accessible(steward)
    steward.get_by_role("button", name=say(lang, "Join", context="enter a live session")).click()
    expect(steward.get_by_role("heading", level=1)).to_contain_text("you are in as VIEWER")
    assert steward.url.startswith(f"{bbb_behind_scalelite.origin}/")


@pytest.mark.e2e
def test_without_the_bbb_servers_origin_the_browser_blocks_the_join(
    open_page, demo, speaks, bbb_behind_scalelite, settings, accessible
):
    """What SEMINARS_BBB_JOIN_ORIGINS is for: with BBB_URL's origin alone, the browser stops at Scalelite's redirect."""
    speaks("en")
    allow_forms_to(settings, [])
    refused = []

    tutor = open_page(locale=BROWSER_LOCALES["en"], timezone_id="Europe/Rome")
    tutor.on("console", lambda message: refused.append(message.text) if "form-action" in message.text else None)
    sign_in(tutor, "en", "tutor", accessible)
    tutor.goto(drop_in_path("en"))
    accessible(tutor)
    tutor.get_by_role("button", name=say("en", "Start the session")).click()

    expect(tutor.get_by_role("heading", level=1)).not_to_contain_text("you are in as", timeout=3000)
    assert not tutor.url.startswith(bbb_behind_scalelite.origin)
    # Chrome names the form's own address, not the redirect's target it refused (which it keeps private).
    assert any("violates the following Content Security Policy directive" in text for text in refused), refused


def test_the_join_origins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SEMINARS_BBB_JOIN_ORIGINS", "https://bbb1.example.org, https://bbb2.example.org:8443/")

    origins = origins_from_env("SEMINARS_BBB_JOIN_ORIGINS")

    assert join_form_action("https://scalelite.example.org/bigbluebutton/api/", origins) == [
        "'self'",
        "https://scalelite.example.org",
        "https://bbb1.example.org",
        "https://bbb2.example.org:8443",
    ]


@pytest.mark.parametrize("value", ["bbb1.example.org", "https://bbb1.example.org/bigbluebutton/", "ftp://bbb1"])
def test_a_join_origin_that_is_not_an_origin_stops_start_up(monkeypatch, value):
    monkeypatch.setenv("SEMINARS_BBB_JOIN_ORIGINS", value)

    with pytest.raises(ImproperlyConfigured, match="is not an origin"):
        origins_from_env("SEMINARS_BBB_JOIN_ORIGINS")
