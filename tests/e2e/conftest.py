"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

Journeys are marked ``e2e``. Without Chromium they are skipped with the reason shown, unless
``NLU_REQUIRE_BROWSER=1`` (as in CI) makes a missing browser an error.

A journey opens one page per person (``open_page``; ``page`` is the first), drives the real UI
by role and label in its language (``ui.py``: ``say``, ``nav``, ``field``, ``sign_in``) and calls
``accessible(page)`` (axe-core) after each navigation to a page of our site: a test that leaves
one unchecked fails, naming the page. Journeys run in EN and TR (``@pytest.mark.parametrize
("lang", ...)``) and at both ``VIEWPORTS`` (every test using a page gets both). ``demo`` loads
the demo (about half a second); ``module_1`` and ``speaks`` set the demo up for a journey.
"""

import contextlib
import datetime
import os
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from courses.models import CourseModulePage
from nlu.management.commands.load_demo import DEMO_USERS
from tests.seminars.conftest import BBB_TEST_SECRET, bbb_server, bbb_settings  # noqa: F401 (fixtures)

from .accessibility import Visits, assert_accessible

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
# The browser's own language, as a member's phone would send it (the URL's prefix still wins).
BROWSER_LOCALES = {"en": "en-GB", "tr": "tr-TR"}


def pytest_collection_modifyitems(items):
    """Journeys run one after another on one xdist worker (make test runs -n auto --dist loadgroup):
    two Chromiums with their live servers at once on a small machine only make each slower."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("browser"))


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
def visits() -> dict:
    """Each open page's visits to our site, and whether axe has checked them (see accessibility.py)."""
    return {}


@pytest.fixture
def open_page(request, browser, live_server, django_db_serialized_rollback, viewport, visits):
    """Opens a page in a browser context of its own: another person, with their own cookies.

    ``open_page(locale="tr-TR", timezone_id="Europe/Istanbul")`` passes context options on. When
    the test fails, each page's last screen is saved in ``test-artifacts/``.

    The live server only sees committed data, so these tests are transactional and end with a
    flush; the serialized rollback brings back what migrations created (Wagtail's root page).
    """
    pages = []

    def open_page(**options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        visits[page] = Visits(origin=live_server.url)
        page.on("framenavigated", lambda frame: frame == page.main_frame and visits[page].arrived(frame.url))
        pages.append(page)
        return page

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        artifacts = Path(request.config.rootpath) / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for number, page in enumerate(pages, start=1):
            suffix = f"-{number}" if len(pages) > 1 else ""
            with contextlib.suppress(PlaywrightError):  # a crashed page has no screen to keep
                page.screenshot(path=artifacts / f"{name}{suffix}.png", full_page=True)
    for page in pages:
        page.context.close()
    if report is not None and report.passed:
        unchecked = [url for page in pages for url in visits[page].unchecked()]
        assert not unchecked, f"pages visited without an accessibility check: {unchecked}"


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def accessible(visits):
    """``accessible(page)``: axe-core finds nothing serious or critical on the page as it is now."""

    def check(page) -> None:
        assert_accessible(page)
        visits[page].checked()

    return check


@pytest.fixture
def accessible_without_javascript(browser, live_server, visits):
    """axe-core for a page whose scripts are off: axe is a script, so it checks the same document,
    as the page shows it, in a second tab of the site where scripts run."""
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["phone"])
    context.set_default_timeout(10_000)
    twin = context.new_page()
    twin.goto("/en/")

    def check(page) -> None:
        page.wait_for_load_state("load")
        twin.set_content(page.content())
        assert_accessible(twin)
        visits[page].checked()

    yield check
    context.close()


# --- The demo, as the journeys find it --------------------------------------------------------


@pytest.fixture
def module_1(demo):
    """Module 1 in its second week, with late enrolment open for one more week.

    The demo starts the module in the future; a coordinator moving its dates in the admin gives
    what a steward meets in the middle of a course: a unit of the week that is open to read.
    """
    module = CourseModulePage.objects.get(slug_en="module-1")
    today = timezone.now().astimezone(module.zone).date()
    CourseModulePage.objects.filter(pk=module.pk).update(
        start_date=today - datetime.timedelta(days=7),
        enrolment_closes=timezone.now() + datetime.timedelta(days=7),
    )
    return CourseModulePage.objects.get(pk=module.pk)


@pytest.fixture
def speaks(demo):
    """``speaks(lang)``: the demo's members read the site in the journey's language."""

    def choose(lang: str) -> None:
        get_user_model().objects.filter(username__in=[user[0] for user in DEMO_USERS]).update(language=lang)

    return choose
