"""A real MediaWiki for the wiki's import, export and sync tests: Debian's ``mediawiki`` (1.39).

Why a real one: what MediaWiki writes and accepts (XML export schemas, the Action API's logins,
tokens and revision ids) is only known by asking it. ``MediaWikiPeer`` installs a fresh wiki
into a folder the test owns (SQLite database, ``LocalSettings.php``, caches, the server's log),
serves it with PHP's built-in server on a free port of 127.0.0.1 and stops it on ``close()``.
Nothing is written outside that folder: every PHP process is pointed at the folder's
``LocalSettings.php`` through ``MW_CONFIG_FILE``, which MediaWiki reads before its default
(Debian's ``/usr/share/mediawiki/LocalSettings.php``, a link into ``/etc``).

    with MediaWikiPeer.start(tmp_path) as peer:
        peer.edit("Worker education", "== Why ==")
        peer.revisions("Worker education")  # [{"revid": 2, "user": "Admin", ...}]

Without PHP or MediaWiki (a fresh development machine) ``require_mediawiki()`` skips the test
with the reason shown; with ``NLU_REQUIRE_MEDIAWIKI=1`` (as in CI) it fails it instead.
Debian packages: ``php8.2-cli php8.2-cgi php-sqlite3 mediawiki``.
"""

import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

MEDIAWIKI = Path("/usr/share/mediawiki")
PHP = shutil.which("php")
ADMIN = "Admin"
# The bot passwords' application id: logins are "Admin@nlu".
APP_ID = "nlu"
# What the bot passwords may do: read, create and edit pages without rate limits, and hide a
# revision's contributor (revision deletion, part of "delete").
GRANTS = "basic,highvolume,editpage,createeditmovepage,delete"
# Appended to the installer's LocalSettings.php. Anonymous edits are allowed (MediaWiki's own
# default, said out loud) so that exports can hold an IP's revision; no rate limits, since tests
# edit faster than any person; admins may hide a revision's contributor (core leaves
# "deleterevision" to the suppress group only).
SETTINGS = """
# --- added by tests/mediawiki_peer.py ---
$wgCacheDirectory = "{folder}/cache";
$wgEnableBotPasswords = true;
$wgRateLimits = [];
$wgGroupPermissions['*']['edit'] = true;
$wgGroupPermissions['*']['createpage'] = true;
$wgGroupPermissions['sysop']['deleterevision'] = true;
$wgEnableUploads = false;
$wgShowExceptionDetails = true;
wfLoadExtension( 'ParserFunctions' );
wfLoadExtension( 'Cite' );
"""


def mediawiki_available() -> bool:
    """PHP's command line and Debian's MediaWiki are both installed."""
    return PHP is not None and (MEDIAWIKI / "maintenance" / "install.php").exists()


def require_mediawiki() -> None:
    """Skip the calling test when MediaWiki is missing, or fail it under ``NLU_REQUIRE_MEDIAWIKI=1``."""
    if mediawiki_available():
        return
    reason = "MediaWiki not installed: apt-get install php8.2-cli php8.2-cgi php-sqlite3 mediawiki"
    if os.environ.get("NLU_REQUIRE_MEDIAWIKI") == "1":
        pytest.fail(f"{reason} (NLU_REQUIRE_MEDIAWIKI=1)", pytrace=False)
    pytest.skip(reason)


def peer_fixture(name: str, scope: str = "session"):
    """A pytest fixture yielding a started peer in a folder of its own, closed afterwards.

    ``mediawiki = peer_fixture("mediawiki")`` in a conftest; missing MediaWiki skips (or fails)
    every test using it, see ``require_mediawiki``.
    """

    @pytest.fixture(name=name, scope=scope)
    def fixture(tmp_path_factory):
        require_mediawiki()
        with MediaWikiPeer.start(tmp_path_factory.mktemp(name)) as peer:
            yield peer

    return fixture


class MediaWikiError(Exception):
    """The Action API answered with an error, or an edit did not succeed."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MediaWikiPeer:
    """One fresh MediaWiki in ``folder``, served on ``http://127.0.0.1:<port>``.

    Edits go through the Action API as the admin's bot password (``bot_user``, ``bot_password``),
    as another user added with ``add_user`` or anonymously; maintenance scripts run as PHP
    processes on the same SQLite database (the server does not hold it open between requests).
    """

    def __init__(self, folder: Path, name: str = "NLU Peer"):
        self.folder = Path(folder)
        self.name = name
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.url}/api.php"
        self.index_url = f"{self.url}/index.php"
        self.settings = self.folder / "LocalSettings.php"
        self.log = self.folder / "server.log"
        self.admin_password = secrets.token_hex(16)
        self.bot_user = f"{ADMIN}@{APP_ID}"
        self.bot_password = ""
        self._server: subprocess.Popen | None = None
        # name -> (login name, bot password); the admin's is added by install().
        self._logins: dict[str, tuple[str, str]] = {}
        # name -> a logged-in session, made once per user; None -> the anonymous one.
        self._sessions: dict[str | None, requests.Session] = {}

    @classmethod
    def start(cls, folder: Path, name: str = "NLU Peer") -> "MediaWikiPeer":
        """Install and serve a fresh wiki in ``folder``; close() (or ``with``) stops it."""
        peer = cls(folder, name)
        peer.install()
        try:
            peer.serve()
        except BaseException:
            peer.close()
            raise
        return peer

    def __enter__(self) -> "MediaWikiPeer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- installing and serving ---

    def _env(self) -> dict[str, str]:
        return {**os.environ, "MW_CONFIG_FILE": str(self.settings)}

    def install(self) -> None:
        """Run MediaWiki's installer into the folder, add our settings and the admin's bot password."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "cache").mkdir(exist_ok=True)
        # --confpath is where the installer writes LocalSettings.php; the installer itself reads
        # no LocalSettings, so it needs no MW_CONFIG_FILE.
        self._php(
            MEDIAWIKI / "maintenance" / "install.php",
            "--dbtype=sqlite",
            f"--dbpath={self.folder}",
            "--dbname=wiki",
            f"--server={self.url}",
            "--scriptpath=",
            "--lang=en",
            f"--pass={self.admin_password}",
            f"--confpath={self.folder}",
            "--skins=Vector",
            self.name,
            ADMIN,
        )
        with self.settings.open("a") as settings:
            settings.write(SETTINGS.format(folder=self.folder))
        self.bot_password = self._bot_password(ADMIN)

    def serve(self, timeout: float = 30) -> None:
        """Start PHP's built-in server on the wiki and wait until its API answers."""
        log = self.log.open("ab")
        self._server = subprocess.Popen(
            [PHP, "-S", f"127.0.0.1:{self.port}", "-t", str(MEDIAWIKI)],
            cwd=self.folder,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self._server.poll() is not None:
                raise RuntimeError(f"php -S stopped ({self._server.returncode}):\n{self.log.read_text()}")
            try:
                answer = requests.get(
                    self.api_url, params={"action": "query", "meta": "siteinfo", "format": "json"}, timeout=5
                )
                # Our name, so our LocalSettings.php (MW_CONFIG_FILE), not Debian's, is the one read.
                if answer.ok and answer.json()["query"]["general"]["sitename"] == self.name:
                    return
            except (requests.RequestException, ValueError, KeyError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"MediaWiki did not answer on {self.api_url} in {timeout}s:\n{self.log.read_text()}")
            time.sleep(0.1)

    def close(self) -> None:
        """Stop the server (the folder stays, with its log, for a failed test's reader)."""
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()
        if self._server is not None and self._server.poll() is None:
            self._server.terminate()
            try:
                self._server.wait(10)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait()
        self._server = None

    # --- maintenance scripts ---

    def _php(self, script: Path, *args: str, input: bytes | None = None) -> bytes:
        done = subprocess.run(
            [PHP, str(script), *args], cwd=self.folder, env=self._env(), input=input, capture_output=True
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{script.name} {' '.join(args)} exited {done.returncode}:\n"
                f"{done.stdout.decode(errors='replace')}{done.stderr.decode(errors='replace')}"
            )
        return done.stdout

    def maintenance(self, script: str, *args: str, input: bytes | None = None) -> bytes:
        """Run ``maintenance/<script>.php`` on this wiki; its standard output, or RuntimeError with both outputs."""
        return self._php(MEDIAWIKI / "maintenance" / f"{script}.php", *args, input=input)

    def _bot_password(self, user: str) -> str:
        # Given rather than generated, so it need not be read back from the script's message.
        password = secrets.token_hex(16)
        self.maintenance("createBotPassword", f"--appid={APP_ID}", f"--grants={GRANTS}", user, password)
        self._logins[user] = (f"{user}@{APP_ID}", password)
        return password

    def add_user(self, name: str, *groups: str) -> None:
        """A new account (``groups`` such as "sysop", "bot") that ``edit(..., user=name)`` can write as."""
        flags = [f"--{group}" for group in groups]
        # Hex: a password starting with "-" would be read as an option.
        self.maintenance("createAndPromote", *flags, name, secrets.token_hex(16))
        self._bot_password(name)

    def import_dump(self, path: Path) -> bytes:
        """Import an XML export with ``importDump.php``, then rebuild recent changes and statistics.

        MediaWiki gives the imported pages and revisions new ids; revisions by users missing here
        are attributed to "imported>Name" (importDump's default prefix).
        """
        output = self.maintenance("importDump", str(Path(path).resolve()))
        self.maintenance("rebuildrecentchanges")
        self.maintenance("initSiteStats", "--update")
        return output

    def dump_full(self, schema_version: str | None = None) -> bytes:
        """Every page with its full history, as ``dumpBackup.php --full`` writes it (0.11 unless given)."""
        args = ["--full", "--quiet"]
        if schema_version:
            args.append(f"--schema-version={schema_version}")
        return self.maintenance("dumpBackup", *args)

    # --- the web: Special:Export and the Action API ---

    def special_export(self, titles: list[str]) -> bytes:
        """``Special:Export`` of the pages with their full history, as a person would download it.

        A POST without ``curonly`` is what asks for every revision (a GET gives only the current
        one unless ``history`` is set); templates are not added.
        """
        answer = requests.post(
            self.index_url,
            params={"title": "Special:Export", "action": "submit"},
            data={"pages": "\n".join(titles)},
            timeout=60,
        )
        answer.raise_for_status()
        if not answer.content.startswith(b"<mediawiki"):
            raise MediaWikiError(f"Special:Export did not answer with XML: {answer.text[:500]}")
        return answer.content

    def _session(self, user: str | None, anonymous: bool) -> requests.Session:
        """A session logged in as ``user`` (the admin if None) with its bot password, or anonymous.

        Each login gets a fresh session: MediaWiki refuses a login into a session that already
        holds one.
        """
        key = None if anonymous else (user or ADMIN)
        if key in self._sessions:
            return self._sessions[key]
        session = requests.Session()
        if key is not None:
            login_name, password = self._logins[key]
            token = self._call(session, {"action": "query", "meta": "tokens", "type": "login"})["query"]["tokens"][
                "logintoken"
            ]
            answer = self._call(
                session,
                {"action": "login", "lgname": login_name, "lgpassword": password, "lgtoken": token},
                post=True,
            )
            if answer["login"]["result"] != "Success":
                raise MediaWikiError(f"login as {login_name}: {answer['login']}")
        self._sessions[key] = session
        return session

    def _call(self, session: requests.Session, params: dict, post: bool = False) -> dict:
        params = {**params, "format": "json", "formatversion": "2"}
        if post:
            answer = session.post(self.api_url, data=params, timeout=60)
        else:
            answer = session.get(self.api_url, params=params, timeout=60)
        answer.raise_for_status()
        data = answer.json()
        if "error" in data:
            raise MediaWikiError(f"{params.get('action')}: {data['error']}")
        return data

    def api(self, params: dict, *, post: bool = False, user: str | None = None, anonymous: bool = False) -> dict:
        """One Action API call (JSON, formatversion 2) as the admin, ``user`` or anonymously; raises on an error."""
        return self._call(self._session(user, anonymous), params, post)

    def csrf_token(self, user: str | None = None, anonymous: bool = False) -> str:
        return self.api({"action": "query", "meta": "tokens"}, user=user, anonymous=anonymous)["query"]["tokens"][
            "csrftoken"
        ]

    def edit(
        self,
        title: str,
        text: str,
        summary: str = "",
        minor: bool = False,
        user: str | None = None,
        anonymous: bool = False,
    ) -> dict:
        """Save ``text`` as the page's new revision; the API's ``edit`` answer (``newrevid``, ``newtimestamp``...).

        An edit that changes nothing is refused (MediaWiki would make no revision of it).
        """
        params = {
            "action": "edit",
            "title": title,
            "text": text,
            "summary": summary,
            "token": self.csrf_token(user, anonymous),
        }
        params["minor" if minor else "notminor"] = "1"
        result = self.api(params, post=True, user=user, anonymous=anonymous)["edit"]
        if result.get("result") != "Success" or "nochange" in result:
            raise MediaWikiError(f"edit of {title!r}: {result}")
        return result

    def hide_user(self, title: str, revid: int, reason: str = "") -> None:
        """Hide a revision's contributor (revision deletion, as an admin): exports then say ``deleted``."""
        answer = self.api(
            {
                "action": "revisiondelete",
                "type": "revision",
                "target": title,
                "ids": str(revid),
                "hide": "user",
                "reason": reason,
                "token": self.csrf_token(),
            },
            post=True,
        )
        if answer["revisiondelete"]["status"] != "Success":
            raise MediaWikiError(f"revisiondelete of {revid}: {answer}")

    def revisions(self, title: str) -> list[dict]:
        """The page's revisions, oldest first: revid, parentid, timestamp, user, comment, content, sha1, minor.

        ``user`` is None for a revision whose contributor is hidden; [] for a page that does not exist.
        """
        params = {
            "action": "query",
            "prop": "revisions",
            "titles": title,
            "rvslots": "main",
            "rvprop": "ids|timestamp|user|comment|content|sha1|flags",
            "rvdir": "newer",
            "rvlimit": "max",
        }
        revisions = []
        while True:
            data = self.api(params)
            page = data["query"]["pages"][0]
            for revision in page.get("revisions", []):
                revisions.append(
                    {
                        "revid": revision["revid"],
                        "parentid": revision["parentid"],
                        "timestamp": revision["timestamp"],
                        "user": None if revision.get("userhidden") else revision["user"],
                        "comment": revision.get("comment", ""),
                        "content": revision["slots"]["main"].get("content"),
                        "sha1": revision.get("sha1"),
                        "minor": revision["minor"],
                    }
                )
            if "continue" not in data:
                return revisions
            params = {**params, **data["continue"]}
