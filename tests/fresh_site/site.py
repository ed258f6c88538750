"""A fresh ``wagtail start`` site with one of our apps installed as docs/plugins.md says, served for real.

It takes minutes (a new site, its migrations, a real server per app), so the tests that build one
run only with ``NLU_FRESH_SITE=1``: ``NLU_FRESH_SITE=1 .venv/bin/pytest tests/fresh_site -p no:cacheprovider``.

The site is made by the venv's ``wagtail start``; the app, its declared dependencies and ``suite``
are copied in as a newcomer would copy them from a clone (no ``__pycache__``, no compiled
``.mo``); the only edits are the ``INSTALLED_APPS`` and ``urls.py`` lines of docs/plugins.md,
read from that page, so the page is what is tested. Its processes get an environment without any
setting of ours and without ``PYTHONPATH``: nothing of this repository is importable there but
the copied folders.
"""

import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from tests.nlu.processes import OUR_VARIABLES, PROJECT_ROOT

needs_fresh_site = pytest.mark.skipif(
    os.environ.get("NLU_FRESH_SITE") != "1",
    reason="an app installed into a fresh wagtail start site: takes minutes; runs with NLU_FRESH_SITE=1",
)
DOCS = PROJECT_ROOT / "docs" / "plugins.md"
WAGTAIL = Path(sys.executable).with_name("wagtail")  # the venv's own `wagtail` command
# A tested block: ```python, then "# <app>: INSTALLED_APPS ..." or "# <app>: urls.py ...", then the lines.
BLOCK = re.compile(r"^```python\n# (\w+): (INSTALLED_APPS|urls\.py)\b[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Where docs/plugins.md says the lines go in a wagtail start site: the top of the list, and the first
# urlpatterns list (before Wagtail's catch-all, which wagtail start adds in a second list).
ANCHORS = {
    "INSTALLED_APPS": ("mysite/settings/base.py", "INSTALLED_APPS = [\n"),
    "urls.py": ("mysite/urls.py", "urlpatterns = [\n"),
}
UNCOPIED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
TIMEOUT = 300


def documented_lines(app: str) -> dict[str, str]:
    """The app's ``INSTALLED_APPS`` and ``urls.py`` blocks of docs/plugins.md, by where they go."""
    blocks = {where: body for name, where, body in BLOCK.findall(DOCS.read_text()) if name == app}
    assert set(blocks) == set(ANCHORS), f"docs/plugins.md has no INSTALLED_APPS and urls.py blocks for {app}"
    return blocks


def our_packages(installed: str) -> list[str]:
    """The apps named in an ``INSTALLED_APPS`` block that are folders of this repository (to be copied)."""
    names = re.findall(r'"([\w.]+)"', installed)
    return [name for name in names if (PROJECT_ROOT / name / "apps.py").is_file()]


def paste(path: Path, anchor: str, lines: str) -> None:
    text = path.read_text()
    assert anchor in text, f"{path.name} of wagtail start has no {anchor.strip()!r} any more"
    indented = "".join(f"    {line}\n" for line in lines.splitlines())
    path.write_text(text.replace(anchor, anchor + indented, 1))


def site_environ() -> dict[str, str]:
    """This process's environment without any setting of ours: the site's own settings decide."""
    drop = {*OUR_VARIABLES, "PYTHONPATH", "NLU_VAR_DIR"}
    env = {name: value for name, value in os.environ.items() if name not in drop}
    return {**env, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    log: Path

    def log_tail(self, chars: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


@dataclass
class FreshSite:
    folder: Path
    env: dict[str, str]
    packages: list[str]

    @classmethod
    def create(cls, parent: Path, app: str) -> "FreshSite":
        """``wagtail start mysite``, the app's folders copied in, the documented lines pasted."""
        folder = parent / "site"
        folder.mkdir()
        env = site_environ()
        done = subprocess.run(
            [str(WAGTAIL), "start", "mysite", str(folder)], cwd=parent, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"wagtail start failed:\n{done.stdout}\n{done.stderr}"
        blocks = documented_lines(app)
        packages = our_packages(blocks["INSTALLED_APPS"])
        assert app in packages and "suite" in packages, f"docs/plugins.md: {app}'s INSTALLED_APPS lack it or suite"
        for package in packages:
            shutil.copytree(PROJECT_ROOT / package, folder / package, ignore=UNCOPIED)
        for where, (path, anchor) in ANCHORS.items():
            paste(folder / path, anchor, blocks[where])
        return cls(folder, env, packages)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout + done.stderr

    def install(self) -> None:
        """docs/plugins.md's last steps: migrate, compile the translations, check; and no migration missing."""
        self.manage("migrate", "--noinput")
        self.manage("compile_translations")
        self.manage("check", "--fail-level", "WARNING")
        # The app's migrations match its models in this host too (else migrate nags, makemigrations writes some).
        self.manage("makemigrations", "--check", "--dry-run")

    def add_member(self, username: str, password: str) -> None:
        """A plain member: not staff, no permission, no group."""
        self.manage(
            "shell",
            "--no-imports",
            "-c",
            "from django.contrib.auth import get_user_model\n"
            f"get_user_model().objects.create_user({username!r}, password={password!r})",
        )

    @contextmanager
    def served(self):
        """``runserver --noreload`` on a free port of 127.0.0.1, stopped (its whole group) whatever happens."""
        port = free_port()
        log = self.folder / "runserver.log"
        with log.open("w") as output:
            popen = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=self.folder,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(f"http://127.0.0.1:{port}", log)
        try:
            wait_until_up(server, popen)
            yield server
        finally:
            with suppress(ProcessLookupError):
                os.killpg(popen.pid, signal.SIGTERM)
            try:
                popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(popen.pid, signal.SIGKILL)
                popen.wait(timeout=10)


def wait_until_up(server: Server, popen: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert popen.poll() is None, f"runserver exited ({popen.returncode}):\n{server.log_tail()}"
        with suppress(requests.ConnectionError):
            requests.get(server.url + "/", timeout=10, allow_redirects=False)
            return
        time.sleep(0.3)
    raise AssertionError(f"runserver did not answer within {timeout:.0f} s:\n{server.log_tail()}")


class HiddenInputs(HTMLParser):
    """The hidden inputs of a page, as a browser would send them back (the CSRF token among them)."""

    def __init__(self, text: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


def what_went_wrong(response: requests.Response) -> str:
    """The exception of Django's DEBUG error page, or the errors a form shows, when there are any."""
    found = [
        match.group(1)
        for pattern in (r'<pre class="exception_value">(.*?)</pre>', r"<title>(.*?)</title>")
        if (match := re.search(pattern, response.text, re.DOTALL))
    ]
    found += [
        match.group(2)
        for match in re.finditer(
            r'<(p|div|ul)\b[^>]*(?:role="alert"|class="[^"]*error[^"]*")[^>]*>(.*?)</\1>', response.text, re.DOTALL
        )
    ]
    return " / ".join(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()) for text in found)


class Browser:
    """Someone's browser on the served site: its own cookies; every unexpected answer shows the server's log."""

    def __init__(self, server: Server):
        self.server = server
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy between us and 127.0.0.1

    def expect(self, response: requests.Response, status: int) -> requests.Response:
        assert response.status_code == status, (
            f"{response.request.method} {response.request.path_url} answered {response.status_code}, not {status}"
            f" {response.headers.get('Location', '')}\n{what_went_wrong(response)}\n"
            f"--- the server's log ---\n{self.server.log_tail()}"
        )
        return response

    def get(self, path: str, status: int = 200) -> requests.Response:
        return self.expect(self.session.get(self.server.url + path, allow_redirects=False, timeout=60), status)

    def submit(self, path: str, fields: dict[str, str], status: int = 302, *, on: str = "") -> requests.Response:
        """Fill in ``fields`` of the form on the page ``on`` (else at ``path``) and send it to ``path``, with
        the page's hidden inputs (the CSRF token among them)."""
        hidden = HiddenInputs(self.get(on or path).text).values
        assert "csrfmiddlewaretoken" in hidden, f"the page {on or path} has no CSRF token"
        response = self.session.post(
            self.server.url + path, data={**hidden, **fields}, allow_redirects=False, timeout=60
        )
        return self.expect(response, status)

    def sign_in(self, username: str, password: str) -> None:
        """Through the one sign-in form a wagtail start site has, Wagtail's: it signs in any active user."""
        response = self.submit("/admin/login/", {"username": username, "password": password, "next": "/"})
        assert response.headers["Location"] == "/", "Wagtail's sign-in did not follow next"
        assert self.session.cookies.get("sessionid"), "no session after signing in"


def in_host_layout(response: requests.Response, *, title: str, stylesheet: str) -> str:
    """The page as wagtail start's base.html wraps it: the app's title, its stylesheet in <head>; the page's text."""
    page = response.text
    head, _, body = page.partition("</head>")
    assert body, f"{response.request.path_url}: no </head>, so not the host's base.html:\n{page[:2000]}"
    shown_title = re.search(r"<title>(.*?)</title>", head, re.DOTALL)
    assert shown_title and title in html.unescape(shown_title.group(1)), (
        f"{response.request.path_url}: <title> is {shown_title and shown_title.group(1).strip()!r}, wanted {title!r}"
    )
    assert "/static/css/mysite.css" in head and "/static/js/mysite.js" in body, (
        f"{response.request.path_url} is not wrapped by the host's base.html (mysite.css, mysite.js)"
    )
    assert f"/static/{stylesheet}" in head, f"{response.request.path_url}: {stylesheet} is not in <head> (extra_css)"
    return html.unescape(body)
