"""Keeping a page in step with a page of a real MediaWiki: linking, pulling, pushing, merging, and a
remote wiki that is down, slow or answering garbage.

The other side is the real MediaWiki 1.39 of ``tests/mediawiki_peer.py`` (fixture ``mediawiki``,
one for the session: every test writes under titles of its own); our side is the Django test
client and the sync's own functions, on the suite's database. Where a remote wiki must misbehave,
``FlakyWiki`` is a small web server on 127.0.0.1 in a thread that answers the first requests as a
broken or busy wiki would (not JSON, 500, 429), then passes the others on to the real MediaWiki,
as a proxy in front of it would. Tests without ``mediawiki`` need no PHP and run everywhere.
"""

import datetime
import io
import itertools
import secrets
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory
from wiki.errors import WikiError
from wiki.markdown import slug_for
from wiki.mediawiki.sync import link_page, sync_page, unlink_page
from wiki.mediawiki.wikitext import to_markdown, to_wikitext
from wiki.models import RemoteMerge, RemotePage, RemoteWiki, Revision, WikiPage
from wiki.services import normalise_text, page_create

pytestmark = pytest.mark.django_db

# The peer's second account, besides the admin whose bot password the sync pushes with.
SECOND = "Sync Tester"
PEER_NAME = "NLU Peer"
# The tests' private pages: a provider of scopes backed by auth groups (tests/wiki/test_scopes.py).
GROUP_SCOPES = "tests.wiki.test_scopes.GROUP_SCOPES"

_numbers = itertools.count(1)
_peers_with_second_user: set[int] = set()


@pytest.fixture(autouse=True)
def sync_settings(settings):
    """The peer and the flaky servers are on 127.0.0.1; waits are short, so that a test of a busy wiki is quick."""
    settings.WIKI_MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES = True
    settings.WIKI_MEDIAWIKI_TIMEOUT = 10
    settings.WIKI_MEDIAWIKI_RETRIES = 2
    settings.WIKI_MEDIAWIKI_USER = ""
    settings.WIKI_MEDIAWIKI_PASSWORD = ""


@pytest.fixture
def bot_password(settings, mediawiki):
    """The sync pushes as the peer's admin, with the bot password made on the peer (as on Special:BotPasswords)."""
    settings.WIKI_MEDIAWIKI_USER = mediawiki.bot_user
    settings.WIKI_MEDIAWIKI_PASSWORD = mediawiki.bot_password


@pytest.fixture
def peer(mediawiki):
    """The session's MediaWiki, with a second account to edit as."""
    if id(mediawiki) not in _peers_with_second_user:
        mediawiki.add_user(SECOND)
        _peers_with_second_user.add(id(mediawiki))
    return mediawiki


@pytest.fixture
def linker(db):
    """A member allowed to keep pages in step with a MediaWiki."""
    user = UserFactory(language="en")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wiki", codename="link_mediawiki"))
    return user


@pytest.fixture
def linker_client(linker) -> Client:
    client = Client()
    client.force_login(linker)
    return client


def remote_title(what: str) -> str:
    """A title of this test's own on the shared peer."""
    return f"Sync {what} {next(_numbers)} {secrets.token_hex(3)}"


def blank_page(title: str) -> WikiPage:
    """A page here with no revision yet, made to receive the remote one's (as an import makes its pages)."""
    return WikiPage.objects.create(title=title, slug=slug_for(title), language="en")


def markdown(wikitext: str) -> str:
    """What a remote revision's text becomes here."""
    return normalise_text(to_markdown(wikitext).text)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def words(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def page_url(page: WikiPage, view: str = "") -> str:
    return f"/en/wiki/{page.slug}/{view}"


def status_line(response) -> str:
    """The line the page shows about its sync, "" when there is none."""
    line = soup(response).select_one(".wiki-mediawiki-status")
    return " ".join(line.get_text(" ").split()) if line else ""


def revisions_of(page: WikiPage) -> list[Revision]:
    return list(Revision.objects.filter(page=page).select_related("remote_wiki").order_by("number"))


def fresh(link: RemotePage) -> RemotePage:
    return RemotePage.objects.select_related("page", "wiki").get(pk=link.pk)


def utc(timestamp: str) -> datetime.datetime:
    return datetime.datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)


def closed_port_url() -> str:
    """The API address of a wiki that is down: a port of 127.0.0.1 nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api.php"


def linked_row(page: WikiPage, api_url: str, *, name: str = "Far Wiki") -> RemotePage:
    """A page linked earlier to a wiki that no longer answers as it did (no wiki to ask now: written as
    ``link_page`` writes it)."""
    host = urlsplit(api_url).netloc
    wiki, _created = RemoteWiki.objects.get_or_create(
        key=f"farwiki@{host}", defaults={"name": name, "url": f"http://{host}"}
    )
    return RemotePage.objects.create(page=page, wiki=wiki, title=page.title, api_url=api_url)


# --- A wiki that misbehaves --------------------------------------------------------------------


def answer(status: int, body: bytes | str = b"", headers: dict | None = None) -> tuple[int, dict, bytes]:
    return status, headers or {}, body.encode() if isinstance(body, str) else body


NOT_JSON = answer(200, "<html><body>Database error</body></html>", {"Content-Type": "text/html"})
SERVER_ERROR = answer(500, "Internal Server Error")
TOO_MANY = answer(429, "Too many requests", {"Retry-After": "0"})


class FlakyWiki:
    """A web server on 127.0.0.1, in a thread: the first requests get the answers of ``script``, one each;
    the others ``when`` (a function of the request's parameters giving an answer, or None to go on),
    and then, with an ``upstream`` api.php, the real wiki's answer, passed on as a proxy does."""

    def __init__(self, upstream: str | None = None, *, delay: float = 0):
        self.upstream = upstream
        self.delay = delay
        self.script: deque = deque()
        self.when = None
        self.requests: list[dict] = []  # each request: method, params, headers
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.api_url = f"http://127.0.0.1:{self.server.server_port}/api.php"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        wiki = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer(urlsplit(self.path).query.encode())

            def do_POST(self):
                self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _answer(self, data: bytes):
                params = dict(parse_qsl(data.decode()))
                wiki.requests.append({"method": self.command, "params": params, "headers": dict(self.headers)})
                if wiki.delay:
                    time.sleep(wiki.delay)
                given = wiki.script.popleft() if wiki.script else (wiki.when(params) if wiki.when else None)
                if given is None:
                    given = self._pass_on(data) if wiki.upstream else answer(503, "No wiki behind this one")
                status, headers, body = given
                try:
                    self.send_response(status)
                    for name, value in headers.items() if isinstance(headers, dict) else headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the slow wiki's test)

            def _pass_on(self, data: bytes):
                """The real wiki's answer, its cookies (a login's session) included."""
                names = ("Cookie", "User-Agent", "Content-Type")
                headers = {name: self.headers[name] for name in names if self.headers[name]}
                if self.command == "POST":
                    reply = requests.post(wiki.upstream, data=data, headers=headers, timeout=60, allow_redirects=False)
                else:
                    reply = requests.get(f"{wiki.upstream}?{data.decode()}", headers=headers, timeout=60)
                kept = [("Content-Type", reply.headers.get("Content-Type", "application/json"))]
                kept += [("Set-Cookie", cookie) for cookie in reply.raw.headers.getlist("Set-Cookie")]
                return reply.status_code, kept, reply.content

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def flaky():
    """FlakyWiki(...) servers, stopped after the test."""
    servers = []

    def make(upstream: str | None = None, **kwargs) -> FlakyWiki:
        server = FlakyWiki(upstream, **kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


# --- (a, b) Pulling ------------------------------------------------------------------------------


def history_of(peer, title: str) -> list[dict]:
    """Three revisions there by two accounts: a start, a minor edit by the second one, a section added."""
    peer.edit(title, "== Why ==\nCouriers organise.", summary="Start")
    peer.edit(title, "== Why ==\nCouriers organise online.", summary="Online, too", minor=True, user=SECOND)
    peer.edit(title, "== Why ==\nCouriers organise online.\n\n== How ==\nWeekly meetings.", summary="How")
    return peer.revisions(title)


def test_a_pass_copies_every_remote_revision_with_its_author_date_summary_and_minor_flag(peer, linker, client):
    title = remote_title("pulled")
    remote = history_of(peer, title)
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=False, by=linker)

    report = sync_page(link)

    assert report.revisions_added == 3 and fresh(link).last_error == ""
    revisions = revisions_of(page)
    assert [r.number for r in revisions] == [1, 2, 3]
    assert [r.remote_id for r in revisions] == [r["revid"] for r in remote]
    assert [r.text for r in revisions] == [markdown(r["content"]) for r in remote]
    assert [r.created_at for r in revisions] == [utc(r["timestamp"]) for r in remote]
    assert [r.summary for r in revisions] == ["Start", "Online, too", "How"]
    assert [r.minor for r in revisions] == [False, True, False]
    assert [r.author for r in revisions] == [None, None, None]  # no local account is made up for them
    assert all(r.remote_wiki.name == PEER_NAME for r in revisions)
    page.refresh_from_db()
    assert page.current_revision == revisions[-1] and "Weekly meetings." in page.text

    # What readers see: the text, and in the history each revision by its name on the other wiki.
    read = client.get(page_url(page))
    assert read.status_code == 200
    assert "Weekly meetings." in soup(read).select_one(".wiki-text").get_text()
    history = client.get(page_url(page, "history/"))
    rows = soup(history).select(".wiki-history tbody tr")
    assert len(rows) == 3
    row_words = [" ".join(row.get_text(" ").split()) for row in rows]  # newest first
    assert f"Admin on {PEER_NAME}" in row_words[0] and "How" in row_words[0]
    assert f"{SECOND} on {PEER_NAME}" in row_words[1] and "Online, too" in row_words[1]
    assert rows[1].select_one("abbr[title='minor edit']") is not None
    assert rows[0].select_one("abbr[title='minor edit']") is None
    shown = [datetime.datetime.fromisoformat(row.select_one("time")["datetime"]) for row in rows]
    assert shown == [utc(r["timestamp"]) for r in reversed(remote)]


def test_a_second_pass_adds_nothing_and_a_new_edit_there_adds_exactly_one(peer, linker):
    title = remote_title("again")
    history_of(peer, title)
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=False, by=linker)
    sync_page(link)
    pulled_at = fresh(link).last_pulled_at

    again = sync_page(fresh(link))

    assert again.revisions_added == 0 and len(revisions_of(page)) == 3
    assert fresh(link).last_pulled_at > pulled_at  # it did ask
    edited = peer.edit(title, "== Why ==\nCouriers organise online.\n\n== How ==\nMeetings every Monday.", user=SECOND)

    one = sync_page(fresh(link))

    assert one.revisions_added == 1
    revisions = revisions_of(page)
    assert len(revisions) == 4
    assert (revisions[-1].remote_id, revisions[-1].remote_author) == (edited["newrevid"], SECOND)
    assert revisions[-1].remote_merge == ""
    assert "Meetings every Monday." in WikiPage.objects.get(pk=page.pk).text
    assert sync_page(fresh(link)).revisions_added == 0 and len(revisions_of(page)) == 4


def test_linking_to_a_page_missing_there_pulls_nothing_and_breaks_nothing(peer, linker, client):
    page = blank_page(remote_title("missing there"))
    link = link_page(page=page, api_url=peer.api_url, title=page.title, push=False, by=linker)

    report = sync_page(link)

    assert report.revisions_added == 0 and revisions_of(page) == []
    assert fresh(link).last_error == "" and fresh(link).last_pulled_at is not None
    assert client.get(page_url(page)).status_code == 200


# --- (c) Pushing --------------------------------------------------------------------------------


def test_an_edit_here_is_pushed_there_and_not_pulled_back(peer, linker, member, edit, bot_password):
    title = remote_title("pushed")
    peer.edit(title, "Line one.\n\nLine two.", summary="Start there", user=SECOND)
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=True, by=linker)
    sync_page(link)
    assert len(peer.revisions(title)) == 1  # a pull alone pushes nothing back
    edit(page, "Line one.\n\nLine two.\n\nLine three, written here.\n", summary="A third line")
    ours = WikiPage.objects.get(pk=page.pk).text

    report = sync_page(fresh(link))

    assert fresh(link).last_error == ""
    remote = peer.revisions(title)
    assert len(remote) == 2
    assert remote[-1]["content"] == to_wikitext(ours).rstrip()  # MediaWiki keeps no trailing newline
    assert remote[-1]["user"] == "Admin"
    assert "A third line" in remote[-1]["comment"]
    assert fresh(link).last_pushed_at is not None and fresh(link).base_id == remote[-1]["revid"]
    assert report.revisions_added == 0
    count = len(revisions_of(page))

    again = sync_page(fresh(link))

    assert again.revisions_added == 0 and len(revisions_of(page)) == count  # not brought back as new
    assert len(peer.revisions(title)) == 2  # and not pushed twice
    assert WikiPage.objects.get(pk=page.pk).text == ours


def test_a_page_new_here_is_made_there_by_the_push(peer, linker, make_page, bot_password):
    page = make_page(remote_title("made here"), "Written here first.\n")
    link = link_page(page=page, api_url=peer.api_url, title=page.title, push=True, by=linker)

    sync_page(link)

    (remote,) = peer.revisions(page.title)
    assert remote["content"] == to_wikitext("Written here first.\n").rstrip()
    assert fresh(link).base_id == remote["revid"] and fresh(link).last_error == ""
    assert sync_page(fresh(link)).revisions_added == 0 and len(revisions_of(page)) == 1


def test_without_the_bot_password_the_push_says_so_and_the_pull_still_happens(peer, linker, edit):
    title = remote_title("no password")
    peer.edit(title, "Text there.")
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=True, by=linker)
    sync_page(link)
    edit(page, "Text there.\n\nAnd here.\n")

    sync_page(fresh(link))

    assert "WIKI_MEDIAWIKI_USER" in fresh(link).last_error
    assert len(peer.revisions(title)) == 1


def test_a_wrong_bot_password_is_refused_and_nothing_is_pushed(peer, linker, edit, settings):
    settings.WIKI_MEDIAWIKI_USER, settings.WIKI_MEDIAWIKI_PASSWORD = peer.bot_user, "not-the-password"
    title = remote_title("wrong password")
    peer.edit(title, "Text there.")
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=True, by=linker)
    sync_page(link)
    edit(page, "Text there.\n\nAnd here.\n")

    sync_page(fresh(link))

    assert fresh(link).last_error == f"The wiki refused the sync's bot password (user {peer.bot_user})."
    assert len(peer.revisions(title)) == 1


# --- (d, e) Both sides edited -------------------------------------------------------------------

THREE_LINES = "Alpha line.\n\nBeta line.\n\nGamma line."


def linked_both_ways(peer, linker, title: str) -> tuple[WikiPage, RemotePage]:
    peer.edit(title, THREE_LINES, summary="Start", user=SECOND)
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=True, by=linker)
    sync_page(link)
    return WikiPage.objects.get(pk=page.pk), fresh(link)


def test_edits_of_different_lines_on_both_sides_are_merged_here_and_pushed_there(peer, linker, edit, bot_password):
    title = remote_title("merged")
    page, link = linked_both_ways(peer, linker, title)
    edit(page, page.text.replace("Alpha line.", "Alpha line, edited here."))
    theirs = peer.edit(title, THREE_LINES.replace("Gamma line.", "Gamma line, edited there."), user=SECOND)

    report = sync_page(link)

    assert report.merged == [title] and report.conflicts == []
    current = WikiPage.objects.get(pk=page.pk).current_revision
    assert current.remote_merge == RemoteMerge.MERGED and current.remote_id == theirs["newrevid"]
    for words_ in ("Alpha line, edited here.", "Beta line.", "Gamma line, edited there."):
        assert words_ in current.text
    assert "<<<<<<<" not in current.text
    remote = peer.revisions(title)
    assert len(remote) == 3 and remote[-1]["content"] == to_wikitext(current.text).rstrip()
    for words_ in ("Alpha line, edited here.", "Beta line.", "Gamma line, edited there."):
        assert words_ in remote[-1]["content"]
    assert fresh(link).last_error == ""
    count = len(revisions_of(page))
    assert sync_page(fresh(link)).revisions_added == 0 and len(revisions_of(page)) == count
    assert len(peer.revisions(title)) == 3


def test_edits_of_the_same_line_on_both_sides_keep_both_texts_here_and_touch_nothing_there(
    peer, linker, member, edit, bot_password, mailoutbox, django_capture_on_commit_callbacks
):
    title = remote_title("conflict")
    page, link = linked_both_ways(peer, linker, title)
    edit(page, page.text.replace("Alpha line.", "Alpha line, as written here."))
    theirs = peer.edit(title, THREE_LINES.replace("Alpha line.", "Alpha line, as written there."), user=SECOND)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = sync_page(link)

    assert report.conflicts == [title]
    current = WikiPage.objects.get(pk=page.pk).current_revision
    assert current.remote_merge == RemoteMerge.CONFLICT
    assert "Alpha line, as written here." in current.text and "Alpha line, as written there." in current.text
    assert "<<<<<<<" in current.text and ">>>>>>>" in current.text
    remote = peer.revisions(title)
    assert [r["revid"] for r in remote][-1] == theirs["newrevid"]  # not overwritten there
    assert remote[-1]["content"] == THREE_LINES.replace("Alpha line.", "Alpha line, as written there.")
    assert fresh(link).last_pushed_at is None
    (mail,) = mailoutbox
    assert mail.to == [member.email] and title in mail.subject and PEER_NAME in mail.subject

    sync_page(fresh(link))  # while the conflict stands, nothing is pushed

    assert len(peer.revisions(title)) == len(remote)
    edit(page, "Alpha line, as written on both sides.\n\nBeta line.\n\nGamma line.\n")

    sync_page(fresh(link))  # resolved here: the resolution goes there

    latest = peer.revisions(title)[-1]
    assert "Alpha line, as written on both sides." in latest["content"] and "<<<<<<<" not in latest["content"]
    assert fresh(link).last_error == ""


@pytest.mark.parametrize("later", [0, 1.1], ids=["same-second", "a-second-later"])
def test_an_edit_made_there_during_the_pass_is_kept_there_and_comes_here(
    peer, linker, flaky, edit, bot_password, later
):
    """Someone saves the page there between the pass's pull and its push (here: as the push logs in),
    in the same second as the revision pulled (MediaWiki's timestamps count seconds) or later.
    Whatever that wiki does with the push (refuse it, or merge it with that edit), their edit stays
    there, and the next pass brings it here: no one's words are lost on either side."""
    title = remote_title("during the pass")
    time.sleep(1 - time.time() % 1)  # at the start of a second: the pass is over before the next one, as a rule
    peer.edit(title, THREE_LINES, summary="Start", user=SECOND)
    wiki = flaky(peer.api_url)
    page = blank_page(title)
    link = link_page(page=page, api_url=wiki.api_url, title=title, push=True, by=linker)
    sync_page(link)
    edit(WikiPage.objects.get(pk=page.pk), "Alpha line, edited here.\n\nBeta line.\n\nGamma line.\n")
    theirs = THREE_LINES.replace("Gamma line.", "Gamma line, edited there meanwhile.")

    def meanwhile(params):
        if params.get("meta") == "tokens" and params.get("type") == "login" and wiki.when is meanwhile:
            wiki.when = None
            time.sleep(later)
            peer.edit(title, theirs, summary="Meanwhile", user=SECOND)
        return None

    wiki.when = meanwhile
    sync_page(fresh(link))
    sync_page(fresh(link))

    remote = peer.revisions(title)
    assert [r["comment"] for r in remote][:2] == ["Start", "Meanwhile"]
    assert "Gamma line, edited there meanwhile." in remote[-1]["content"]  # not overwritten there
    here = WikiPage.objects.get(pk=page.pk).text
    assert "Gamma line, edited there meanwhile." in here and "Alpha line, edited here." in here


def test_conflict_markers_are_never_pushed_there_even_after_another_edit_here(
    peer, linker, edit, bot_password, mailoutbox
):
    """An edit of another line of a page whose conflict is not resolved leaves the markers in its text:
    the conflict still stands, and the other wiki must not get the markers as its page's text."""
    title = remote_title("markers stay")
    page, link = linked_both_ways(peer, linker, title)
    edit(page, page.text.replace("Alpha line.", "Alpha line, as written here."))
    peer.edit(title, THREE_LINES.replace("Alpha line.", "Alpha line, as written there."), user=SECOND)
    sync_page(link)
    page.refresh_from_db()
    assert "<<<<<<<" in page.text
    edit(page, page.text.replace("Gamma line.", "Gamma line, a typo fixed."))  # the markers left in

    sync_page(fresh(link))

    assert all("<<<<<<<" not in revision["content"] for revision in peer.revisions(title))


def test_linking_a_page_with_text_to_a_page_with_other_text_keeps_both(peer, linker, make_page):
    """No common ancestor: both whole texts are kept, marked; neither side's words are lost."""
    title = remote_title("two texts")
    peer.edit(title, "Written there.")
    page = make_page(title, "Written here.\n")
    link = link_page(page=page, api_url=peer.api_url, title=title, push=False, by=linker)

    sync_page(link)

    text = WikiPage.objects.get(pk=page.pk).text
    assert "Written there." in text and "Written here." in text


# --- (f) A remote wiki down, slow, or answering garbage ----------------------------------------


def test_a_wiki_that_is_down_sets_the_error_adds_nothing_and_the_page_still_shows(client, make_page):
    page = make_page("Down there", "Text here.\n")
    link = linked_row(page, closed_port_url())

    report = sync_page(link)

    assert report.revisions_added == 0 and len(revisions_of(page)) == 1
    error = fresh(link).last_error
    assert error.startswith("The wiki could not be reached:") and "refused" in error.lower()
    assert fresh(link).last_error_at is not None and fresh(link).last_pulled_at is None
    read = client.get(page_url(page))
    assert read.status_code == 200
    assert "Text here." in soup(read).select_one(".wiki-text").get_text()
    line = status_line(read)
    assert "In step with “Down there” on Far Wiki" in line and "not pulled yet" in line
    assert "The wiki could not be reached:" in line


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([NOT_JSON], "The wiki's answer is not the JSON its API gives."),
        ([SERVER_ERROR], "The wiki answered with the error 500."),
        ([answer(404, "Not Found")], "The wiki answered with the error 404."),
        ([TOO_MANY] * 3, "The wiki is busy and asked to wait; the next pass will try again."),
        (
            [answer(503, "Busy", {"Retry-After": "0"})] * 3,
            "The wiki is busy and asked to wait; the next pass will try again.",
        ),
        (
            [answer(200, '{"query": {"pages": "not a list"}}', {"Content-Type": "application/json"})],
            "The wiki's answer about the page could not be read.",
        ),
    ],
    ids=["not-json", "500", "404", "429", "503", "odd-json"],
)
def test_a_wiki_answering_garbage_sets_a_clear_error_and_adds_nothing(client, make_page, flaky, answers, message):
    wiki = flaky()
    wiki.script.extend(answers)
    page = make_page("Garbage there", "Text here.\n")
    link = linked_row(page, wiki.api_url)

    report = sync_page(link)

    assert fresh(link).last_error == message
    assert report.revisions_added == 0 and len(revisions_of(page)) == 1
    assert len(wiki.requests) == len(answers)  # a busy wiki is asked again, RETRIES times, and no more
    read = client.get(page_url(page))
    assert read.status_code == 200 and message in status_line(read)


def test_a_slow_wiki_times_out_with_a_clear_error(make_page, flaky, settings):
    settings.WIKI_MEDIAWIKI_TIMEOUT = 0.5
    settings.WIKI_MEDIAWIKI_RETRIES = 0
    wiki = flaky(delay=2)
    page = make_page("Slow there", "Text here.\n")
    link = linked_row(page, wiki.api_url)

    started = time.monotonic()
    sync_page(link)

    assert time.monotonic() - started < 2
    assert fresh(link).last_error.startswith("The wiki could not be reached:")
    assert "timed out" in fresh(link).last_error


def test_requests_name_the_site_and_ask_with_maxlag(make_page, flaky):
    """What the other wiki's administrators see of the sync: who asks, and that it yields when they are busy."""
    wiki = flaky()
    wiki.script.append(SERVER_ERROR)
    link = linked_row(make_page("Polite", "Text.\n"), wiki.api_url)

    sync_page(link)

    (request,) = wiki.requests
    assert request["headers"]["User-Agent"].startswith("NLU-wiki-sync/1.0 (+")
    assert request["params"]["maxlag"] == "5" and request["params"]["rvdir"] == "newer"


def test_linking_to_an_address_answering_json_that_is_no_api_is_refused_with_a_message(linker_client, make_page, flaky):
    """Any answer at all, JSON but not a MediaWiki's (a list here), is a clear refusal, not a crash."""
    wiki = flaky()
    wiki.when = lambda params: answer(200, "[1, 2, 3]", {"Content-Type": "application/json"})
    page = make_page("Json elsewhere", "Text.\n")

    response = linker_client.post(page_url(page, "mediawiki/"), {"api_url": wiki.api_url, "title": "X", "link": "1"})

    assert response.status_code == 400
    assert "The address does not answer as a MediaWiki API does." in field_errors(response, "api_url")
    assert not RemotePage.objects.exists()


def test_busy_then_garbage_then_well_the_next_pass_goes_on(peer, linker, flaky, client):
    """Through a proxy that fails for a while in front of the real wiki: each failure is told, and once
    the wiki answers again the pass brings everything, once."""
    title = remote_title("flaky")
    history_of(peer, title)
    wiki = flaky(peer.api_url)
    page = blank_page(title)
    link = link_page(page=page, api_url=wiki.api_url, title=title, push=False, by=linker)
    assert fresh(link).wiki.name == PEER_NAME  # the same wiki as the peer's own address

    for failure, message in [
        (NOT_JSON, "The wiki's answer is not the JSON its API gives."),
        (SERVER_ERROR, "The wiki answered with the error 500."),
    ]:
        wiki.script.append(failure)
        sync_page(fresh(link))
        assert fresh(link).last_error == message and revisions_of(page) == []
        read = client.get(page_url(page))
        assert read.status_code == 200 and message in status_line(read)

    wiki.script.extend([TOO_MANY, TOO_MANY])  # busy twice, then well: within the two retries
    report = sync_page(fresh(link))

    assert report.revisions_added == 3 and fresh(link).last_error == ""
    assert [r.remote_id for r in revisions_of(page)] == [r["revid"] for r in peer.revisions(title)]
    assert "error" not in status_line(client.get(page_url(page)))
    assert sync_page(fresh(link)).revisions_added == 0


def test_a_wiki_garbling_its_login_answer_sets_an_error_and_pushes_nothing(peer, linker, flaky, edit, bot_password):
    title = remote_title("garbled login")
    peer.edit(title, "Text there.")
    wiki = flaky(peer.api_url)
    page = blank_page(title)
    link = link_page(page=page, api_url=wiki.api_url, title=title, push=True, by=linker)
    sync_page(link)
    edit(page, "Text there.\n\nAnd here.\n")
    wiki.when = lambda params: (
        answer(200, "{}", {"Content-Type": "application/json"}) if params.get("meta") == "tokens" else None
    )

    sync_page(fresh(link))  # must not raise: the other wiki's garbage is an error of the pass

    assert fresh(link).last_error
    assert len(peer.revisions(title)) == 1


# --- (g) Remote addresses ----------------------------------------------------------------------

PRIVATE = "The wiki's address leads to a private or local network, which this site does not reach."


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("ftp://wiki.example.org/api.php", "The API address must start with http:// or https://."),
        ("file:///etc/passwd", "The API address must start with http:// or https://."),
        ("http://127.0.0.1/api.php", PRIVATE),
        ("http://localhost:8080/w/api.php", PRIVATE),
        ("http://10.1.2.3/api.php", PRIVATE),
        ("http://192.168.1.10/api.php", PRIVATE),
        ("http://169.254.169.254/latest/meta-data", PRIVATE),
        ("http://[::1]/api.php", PRIVATE),
    ],
)
def test_addresses_that_are_not_http_or_lead_to_private_networks_are_refused(
    address, message, linker, make_page, settings
):
    settings.WIKI_MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES = False
    page = make_page()

    with pytest.raises(WikiError) as refused:
        link_page(page=page, api_url=address, title="Anything", push=False, by=linker)

    assert str(refused.value.message) == message
    assert not RemotePage.objects.exists() and not RemoteWiki.objects.exists()


def test_a_link_made_while_private_addresses_were_allowed_is_not_followed_once_they_are_not(make_page, flaky, settings):
    wiki = flaky()
    link = linked_row(make_page("Allowed once", "Text.\n"), wiki.api_url)
    settings.WIKI_MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES = False

    sync_page(link)

    assert fresh(link).last_error == PRIVATE
    assert wiki.requests == []  # not even asked


def test_only_members_with_the_permission_link_or_unlink(member, make_page, flaky):
    page = make_page()
    wiki = flaky()
    with pytest.raises(WikiError) as refused:
        link_page(page=page, api_url=wiki.api_url, title=page.title, push=False, by=member)
    assert refused.value.code == "forbidden"
    with pytest.raises(WikiError):
        unlink_page(page=page, by=member)
    assert not RemotePage.objects.exists() and wiki.requests == []


def test_a_second_page_linked_to_the_same_page_there_breaks_no_pass(peer, linker, make_page, linker_client):
    """A page there is copied into one page here (its revisions are copied once): a second page here
    linked to it must be refused, at the link or at its passes, with a message, and never with a
    server error; the first page, and the command's other pages, go on."""
    title = remote_title("once only")
    peer.edit(title, "Text there.")
    first = blank_page(title)
    sync_page(link_page(page=first, api_url=peer.api_url, title=title, push=False, by=linker))
    second = make_page(remote_title("second here"), "Other text.\n")
    form = page_url(second, "mediawiki/")

    linked = linker_client.post(form, {"api_url": peer.api_url, "title": title, "link": "1"})
    pulled = linker_client.post(form, {"pull": "1"})
    out = io.StringIO()
    call_command("wiki_sync_mediawiki", stdout=out)

    assert linked.status_code in (302, 400) and pulled.status_code in (200, 400)
    if linked.status_code == 400:  # refused at the link, next to the title
        assert field_errors(linked, "title") and not RemotePage.objects.filter(page=second).exists()
    else:  # or at the pass, which says so
        assert soup(pulled).select_one(".wiki-mediawiki-outcome .error") is not None
    assert len(revisions_of(first)) == 1 and len(revisions_of(second)) == 1
    assert f"en/{first.slug} ⇄ {title} ({PEER_NAME}): 0 revisions pulled" in out.getvalue().splitlines()


# --- (h) The form -------------------------------------------------------------------------------


def field_errors(response, name: str) -> str:
    """The errors shown next to the form's field ``name``."""
    field = soup(response).select_one(f"[name={name}]").find_parent(class_="field")
    return " ".join(error.get_text(" ", strip=True) for error in field.select(".error"))


def test_visitors_are_sent_to_sign_in(client, make_page, settings):
    page = make_page()
    response = client.get(page_url(page, "mediawiki/"))
    with translation.override("en"):
        login = resolve_url(settings.LOGIN_URL)
    assert response.status_code == 302 and response["Location"].startswith(f"{login}?")


def test_members_without_the_permission_get_the_wikis_refusal(member_client, make_page, flaky):
    page = make_page()
    wiki = flaky()

    shown = member_client.get(page_url(page, "mediawiki/"))
    sent = member_client.post(page_url(page, "mediawiki/"), {"api_url": wiki.api_url, "title": page.title, "link": "1"})
    pulled = member_client.post(page_url(page, "mediawiki/"), {"pull": "1"})

    for response in (shown, sent, pulled):
        assert response.status_code == 403
        assert "Only members allowed to link pages to other wikis may do this." in words(response)
    assert not RemotePage.objects.exists() and wiki.requests == []


def test_members_without_the_permission_do_not_get_the_form_even_for_a_page_not_linked(member_client, make_page):
    page = make_page()
    response = member_client.get(page_url(page, "mediawiki/"))
    assert response.status_code == 403 and soup(response).select_one("form.wiki-form") is None


def test_a_private_page_the_member_may_not_read_is_not_there(linker_client, settings, insider_page):
    response = linker_client.get(page_url(insider_page, "mediawiki/"))
    assert response.status_code == 404
    assert insider_page.title not in words(response)
    assert linker_client.post(page_url(insider_page, "mediawiki/"), {"pull": "1"}).status_code == 404


@pytest.fixture
def insider_page(settings, db):
    """A page only the members of a closed group read; the linker is not one of them."""
    settings.WIKI_SCOPES = GROUP_SCOPES
    group = Group.objects.create(name="closed-sync-keepers")
    insider = UserFactory(language="en")
    insider.groups.add(group)
    return page_create(
        title="Closed sync notes",
        language="en",
        text="Only for us.\n",
        author=insider,
        scope=f"group:{group.name}",
        private=True,
    )


def test_a_protected_page_is_linked_by_coordinators_only(linker, linker_client, make_page):
    page = make_page(remote_title("protected"))
    WikiPage.objects.filter(pk=page.pk).update(protected=True)
    response = linker_client.get(page_url(page, "mediawiki/"))
    assert response.status_code == 403 and "only coordinators" in words(response)


def test_the_form_starts_with_the_pages_title_and_says_it_is_not_linked(linker_client, make_page):
    page = make_page("Organising couriers")

    response = linker_client.get(page_url(page, "mediawiki/"))

    assert response.status_code == 200
    form = soup(response).select_one("form.wiki-form")
    assert form.select_one("input[name=title]")["value"] == "Organising couriers"
    assert not form.select_one("input[name=api_url]").get("value")
    assert not form.select_one("input[name=push]").has_attr("checked")
    assert "This page is not kept in step with a page of a MediaWiki." in words(response)
    assert soup(response).select_one("button[name=pull]") is None


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"api_url": ""}, "api_url", "Give the address of the other wiki's api.php."),
        ({"api_url": "not an address"}, "api_url", "Enter a valid URL."),
        (
            {"api_url": "ftp://wiki.example.org/api.php"},
            "api_url",
            "The API address must start with http:// or https://.",
        ),
        ({"api_url": "http://127.0.0.1/api.php", "private": False}, "api_url", PRIVATE),
        ({"api_url": "closed"}, "api_url", "The wiki could not be reached:"),
    ],
    ids=["empty", "not-a-url", "ftp", "private", "down"],
)
def test_refusals_are_shown_next_to_the_field_and_nothing_is_stored(
    linker_client, make_page, settings, sent, field, message
):
    settings.WIKI_MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES = sent.pop("private", True)
    if sent["api_url"] == "closed":
        sent["api_url"] = closed_port_url()
    page = make_page()

    response = linker_client.post(page_url(page, "mediawiki/"), {"title": page.title, "link": "1", **sent})

    assert response.status_code == 400
    assert message in field_errors(response, field)
    form = soup(response).select_one("form.wiki-form")
    assert form.select_one("input[name=title]")["value"] == page.title  # what was sent stays in the form
    assert not RemotePage.objects.exists()


def test_linking_queues_the_first_pass_and_the_page_shows_its_state(
    peer, linker, linker_client, member, make_page, client, django_capture_on_commit_callbacks
):
    title = remote_title("linked by form")
    remote = history_of(peer, title)
    page = blank_page(title)

    with django_capture_on_commit_callbacks(execute=True):
        response = linker_client.post(
            page_url(page, "mediawiki/"), {"api_url": peer.api_url, "title": "", "push": "on", "link": "1"}
        )
        assert revisions_of(page) == []  # the first pass is queued for when the link is saved, not run here

    assert response.status_code == 302 and response["Location"] == page_url(page, "mediawiki/")
    link = RemotePage.objects.get(page=page)
    assert (link.title, link.api_url, link.push, link.linked_by) == (title, peer.api_url, True, linker)
    assert [r.remote_id for r in revisions_of(page)] == [r["revid"] for r in remote]
    assert fresh(link).last_pulled_at is not None

    form = linker_client.get(page_url(page, "mediawiki/"))
    assert form.status_code == 200
    assert f"In step with this page on {PEER_NAME}: {title}" in words(form)
    assert soup(form).select_one("button[name=pull]") and soup(form).select_one("button[name=unlink]")
    assert soup(form).select_one("input[name=push]").has_attr("checked")

    line = status_line(linker_client.get(page_url(page)))
    assert f"In step with “{title}” on {PEER_NAME}" in line and "last pulled" in line and "nothing pushed yet" in line
    assert "error" not in line
    change = soup(linker_client.get(page_url(page))).select_one(".wiki-mediawiki-status a")
    assert change["href"] == page_url(page, "mediawiki/")
    for reader in (client, signed_in(member)):  # everyone sees the line, only those who may change it the link
        read = reader.get(page_url(page))
        assert f"In step with “{title}” on {PEER_NAME}" in status_line(read)
        assert soup(read).select_one(".wiki-mediawiki-status a") is None


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pull_now_runs_a_pass_at_once_and_shows_what_it_did(peer, linker, linker_client):
    title = remote_title("pull now")
    history_of(peer, title)
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=False, by=linker)

    first = linker_client.post(page_url(page, "mediawiki/"), {"pull": "1"})

    assert first.status_code == 200
    assert "3 new revisions pulled from NLU Peer." in words(first)
    assert len(revisions_of(page)) == 3
    peer.edit(title, "== Why ==\nAnd more.", user=SECOND)

    second = linker_client.post(page_url(page, "mediawiki/"), {"pull": "1"})

    assert "1 new revision pulled from NLU Peer." in words(second) and len(revisions_of(page)) == 4
    third = linker_client.post(page_url(page, "mediawiki/"), {"pull": "1"})
    assert "Nothing new on NLU Peer." in words(third) and len(revisions_of(page)) == 4
    assert fresh(link).last_error == ""


def test_pull_now_with_the_wiki_down_shows_the_error_and_the_form(linker_client, make_page):
    page = make_page("Pull from nowhere", "Text.\n")
    linked_row(page, closed_port_url())

    response = linker_client.post(page_url(page, "mediawiki/"), {"pull": "1"})

    assert response.status_code == 200
    alert = soup(response).select_one(".wiki-mediawiki-outcome .error").get_text(" ", strip=True)
    assert "It did not go through: The wiki could not be reached:" in alert
    assert "The wiki could not be reached:" in soup(response).select_one(".wiki-mediawiki-state dl").get_text()
    assert len(revisions_of(page)) == 1


def test_pull_now_on_a_page_not_linked_says_to_link_it_first(linker_client, make_page):
    page = make_page()
    response = linker_client.post(page_url(page, "mediawiki/"), {"pull": "1"})
    assert response.status_code == 400
    assert "This page is not kept in step with a page of a MediaWiki: link it first." in words(response)


def test_unlinking_stops_the_sync_and_keeps_what_was_copied(peer, linker, linker_client, client):
    title = remote_title("unlinked")
    history_of(peer, title)
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=True, by=linker)
    sync_page(link)

    response = linker_client.post(page_url(page, "mediawiki/"), {"unlink": "1"})

    assert response.status_code == 302
    assert (fresh(link).api_url, fresh(link).push) == ("", False)
    assert len(revisions_of(page)) == 3
    assert status_line(client.get(page_url(page))) == ""
    form = linker_client.get(page_url(page, "mediawiki/"))
    assert f"This page holds revisions of “{title}” on {PEER_NAME}, but is not kept in step with it." in words(form)
    out = io.StringIO()
    call_command("wiki_sync_mediawiki", stdout=out)
    assert title not in out.getvalue()  # no pass for it any more

    peer.edit(title, "== Why ==\nLater there.", user=SECOND)
    linker_client.post(page_url(page, "mediawiki/"), {"api_url": peer.api_url, "title": title, "link": "1"})
    sync_page(fresh(link))
    assert len(revisions_of(page)) == 4  # linked again, it goes on from where it was


# --- (i) The command ---------------------------------------------------------------------------


def test_the_command_runs_one_pass_and_prints_each_pages_state(peer, linker, make_page):
    title = remote_title("command")
    history_of(peer, title)
    pulled = blank_page(title)
    link_page(page=pulled, api_url=peer.api_url, title=title, push=False, by=linker)
    down = make_page(remote_title("command down"), "Text.\n")
    linked_row(down, closed_port_url())
    out = io.StringIO()

    call_command("wiki_sync_mediawiki", stdout=out)

    lines = out.getvalue().splitlines()
    assert f"en/{pulled.slug} ⇄ {title} ({PEER_NAME}): 3 revisions pulled" in lines
    (down_line,) = [line for line in lines if line.startswith(f"en/{down.slug} ")]
    assert "error: The wiki could not be reached:" in down_line
    assert len(revisions_of(pulled)) == 3 and len(revisions_of(down)) == 1

    again = io.StringIO()
    call_command("wiki_sync_mediawiki", stdout=again)
    assert f"en/{pulled.slug} ⇄ {title} ({PEER_NAME}): 0 revisions pulled" in again.getvalue().splitlines()


def test_the_command_without_a_peer_prints_the_error_of_a_wiki_that_is_down(make_page):
    page = make_page("Command down", "Text.\n")
    linked_row(page, closed_port_url())
    out = io.StringIO()

    call_command("wiki_sync_mediawiki", stdout=out)

    (line,) = out.getvalue().splitlines()
    assert line.startswith("en/command-down ⇄ Command down (Far Wiki): error: The wiki could not be reached:")


def test_the_task_runs_the_pass_of_one_page(peer, linker):
    from wiki.tasks import sync_mediawiki_page

    title = remote_title("task")
    history_of(peer, title)
    page = blank_page(title)
    link = link_page(page=page, api_url=peer.api_url, title=title, push=False, by=linker)

    assert sync_mediawiki_page.delay(link_id=link.pk).get() == 3
    unlink_page(page=page, by=linker)
    assert sync_mediawiki_page.delay(link_id=link.pk).get() == 0
