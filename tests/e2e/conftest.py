"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Journeys are marked ``e2e``. Without Chromium they are skipped with the reason shown, unless
``NLU_REQUIRE_BROWSER=1`` (as in CI) makes a missing browser an error.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


def pytest_runtest_setup(item):
    """Decide before any fixture runs, so a missing browser costs no database set-up."""
    if CHROMIUM is None and item.get_closest_marker("e2e"):
        reason = "Chromium not installed: apt-get install chromium"
        if os.environ.get("NLU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (NLU_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see at teardown whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium for all the journeys, closed after the last of them.

    While Playwright's sync API is alive the main thread counts as running an event loop, so
    Django (through asgiref) looks its connections up per context instead of per thread: the
    context is handed the thread's own connections, which carry the test database's serialized
    state and are closed by Django as usual. Django's async-safety check is lifted for exactly
    that time; closing the browser with this package keeps the loop out of later tests.
    """
    from playwright.sync_api import sync_playwright

    thread_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return VIEWPORTS[request.param]


@pytest.fixture
def page(request, browser, live_server, django_db_serialized_rollback, viewport):
    """A fresh browser context per test, on the live server; a screenshot when the test fails.

    The live server only sees committed data, so these tests are transactional and end with a
    flush; the serialized rollback brings back what migrations created (Wagtail's root page).
    """
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        artifacts = Path(request.config.rootpath) / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=artifacts / f"{name}.png", full_page=True)
    context.close()
