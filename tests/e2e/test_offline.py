"""A shop steward reads the unit of the week with the network cut, on a phone, in English and in Turkish.

She saves the unit for offline reading; offline, the unit, its wiki page and the next session open
from her phone with a banner saying when they were saved, in her zone; a form says it needs a connection
and keeps what she typed; a page she never saved says so. Once the connection is back she signs out from
the saved copy she was reading, and nothing of hers is left to read.
"""

import datetime
import re
import time
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.demo import UNITS
from seminars.models import Webinar
from seminars.selectors import module_webinars, not_over

from .conftest import BROWSER_LOCALES, VIEWPORTS
from .ui import nav, say, sign_in

pytestmark = pytest.mark.e2e

NEEDS_CONNECTION = (
    "You are offline: this needs a connection. Your text is kept; send it again when you are back online."
)
ISTANBUL = zoneinfo.ZoneInfo("Europe/Istanbul")  # the demo steward's zone (the site's is UTC)
STEWARD_NAME = "Ayşe"


def before_date(lang: str, msgid: str) -> str:
    """The words of a text before its ``{date}``, as the page shows them."""
    return say(lang, msgid).split("{date}")[0].strip()


def shown_moment(locator) -> datetime.datetime:
    """The moment of a ``<time datetime>`` inside ``locator``."""
    return datetime.datetime.fromisoformat(locator.locator("time").get_attribute("datetime").replace("Z", "+00:00"))


def wait_for(page, script: str, timeout: float = 10.0) -> None:
    """Until ``script`` (a promise) gives true in the page: the worker and its caches work on their own time."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {timeout}s: {script}"
        time.sleep(0.2)


@pytest.mark.parametrize("viewport", [VIEWPORTS["phone"]])
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_steward_reads_a_saved_unit_offline_and_signing_out_forgets_it(
    open_page, module_1, speaks, accessible, lang, viewport
):
    speaks(lang)
    page = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Istanbul", service_workers="allow")
    heading = page.get_by_role("heading", level=1)
    week, *titles = UNITS[1]
    unit_title = titles[0] if lang == "en" else titles[1]
    unit_heading = f"{say(lang, 'Week %(week)s', week=week)}: {unit_title}"
    next_session = not_over(module_webinars(module_1)).first()
    assert next_session is not None and next_session.status == Webinar.Status.SCHEDULED

    # Online: the unit of the week from "My learning", with the next session in her zone.
    sign_in(page, lang, "steward", accessible)
    nav(page, lang, "My learning").click()
    accessible(page)
    page.get_by_role("link", name=unit_title).click()
    expect(heading).to_have_text(unit_heading)
    unit_url = page.url
    session_line = page.locator(".next-session")
    expect(session_line).to_contain_text(say(lang, "Next live session:"))
    expect(session_line).to_contain_text(timezone.localtime(next_session.starts_at, ISTANBUL).strftime("%H:%M"))
    accessible(page)

    # She saves it; the page says when.
    before = timezone.now()
    save = page.get_by_role("button", name=say(lang, "Save this unit for offline"))
    save.click()
    saved_line = page.locator("[data-offline-status]")
    expect(saved_line).to_contain_text(before_date(lang, "Saved for offline reading on {date}."))
    saved_at = shown_moment(saved_line)
    assert before - datetime.timedelta(seconds=1) <= saved_at <= timezone.now()
    saved_clock = f"{timezone.localtime(saved_at, ISTANBUL):%H:%M} (Europe/Istanbul)"
    expect(saved_line).to_contain_text(saved_clock)
    accessible(page)
    wiki_link = page.get_by_role("link", name=re.compile(r".+")).and_(page.locator('a[href*="/wiki/"]'))
    wiki_title = wiki_link.inner_text()

    # The network is cut: the unit opens as she saved it, with the banner and the saving time.
    page.context.set_offline(True)
    page.goto(unit_url)
    expect(heading).to_have_text(unit_heading)
    banner = page.locator(".offline-banner")
    expect(banner).to_contain_text(before_date(lang, "You are offline — this is the copy saved on {date}."))
    assert shown_moment(banner) == saved_at.replace(microsecond=saved_at.microsecond // 1000 * 1000)
    expect(banner).to_contain_text(saved_clock)
    expect(page.get_by_text(say(lang, "Built from the wiki page:"))).to_be_visible()
    expect(session_line).to_contain_text(timezone.localtime(next_session.starts_at, ISTANBUL).strftime("%H:%M"))
    accessible(page)

    # Its wiki page and the next session are readable too.
    page.get_by_role("link", name=wiki_title, exact=True).click()
    # The unit names its wiki page by the English title; a Turkish reader arrives at its translation.
    expect(page).to_have_url(re.compile(rf"/{lang}/wiki/[^/]+/$"))
    expect(page.locator("article h1")).to_contain_text(wiki_title if lang == "en" else re.compile(r"\w"))
    expect(page.locator("article p").first).to_be_visible()
    expect(banner).to_be_visible()
    accessible(page)
    page.go_back()
    expect(heading).to_have_text(unit_heading)
    accessible(page)
    page.locator(".next-session a").click()
    expect(heading).to_have_text(getattr(next_session, f"title_{lang}"))
    expect(banner).to_be_visible()
    accessible(page)

    # A page she never saved says so, and leads back to the saved unit, saved at the time of her zone
    # (the offline page itself was fetched as a visitor, in the site's zone).
    page.goto(f"/{lang}/timebank/")
    expect(heading).to_have_text(say(lang, "You are offline"))
    saved_list = page.locator("[data-offline-list]")
    expect(saved_list.get_by_role("link", name=unit_title)).to_be_visible()
    expect(saved_list.get_by_role("listitem").filter(has_text=unit_title)).to_contain_text(saved_clock)
    accessible(page)

    # A form she fills while the connection drops is not sent, and nothing she typed is lost.
    page.context.set_offline(False)
    page.goto(f"/{lang}/profile/")
    accessible(page)
    display_name = page.get_by_label(say(lang, "display name"))
    display_name.fill("Ayşe K., İzmir")
    page.context.set_offline(True)
    page.get_by_role("button", name=say(lang, "Save"), exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(say(lang, NEEDS_CONNECTION))
    expect(display_name).to_have_value("Ayşe K., İzmir")
    assert page.url.endswith(f"/{lang}/profile/")
    accessible(page)

    # Reading the saved unit, the connection comes back: she signs out from it, and the unit is no
    # longer on her phone, nor her name.
    page.goto(unit_url)
    expect(banner).to_be_visible()
    accessible(page)
    page.context.set_offline(False)
    page.get_by_role("button", name=say(lang, "Sign out")).click()
    expect(nav(page, lang, "Sign in", menu="Account")).to_be_visible()
    accessible(page)
    assert page.evaluate("caches.has('nlu-saved')") is False
    wait_for(page, f"navigator.serviceWorker.ready.then(() => caches.match('/{lang}/offline/')).then(Boolean)")
    page.context.set_offline(True)
    page.goto(unit_url)
    expect(heading).to_have_text(say(lang, "You are offline"))
    expect(page.locator("[data-offline-list]")).to_be_hidden()
    assert STEWARD_NAME not in page.content()
    accessible(page)


@pytest.mark.parametrize("viewport", [VIEWPORTS["phone"]])
def test_a_save_missing_the_wiki_page_says_it_failed_and_a_retry_saves_it(
    open_page, module_1, speaks, accessible, viewport
):
    """She expects "Saved" to mean the unit, its wiki page and its session are all on her phone."""
    speaks("en")
    page = open_page(locale=BROWSER_LOCALES["en"], timezone_id="Europe/Istanbul", service_workers="allow")
    _week, unit_title, _turkish = UNITS[1]
    sign_in(page, "en", "steward", accessible)
    nav(page, "en", "My learning").click()
    accessible(page)
    page.get_by_role("link", name=unit_title).click()
    unit_url = page.url
    accessible(page)

    # While she saves, the wiki page does not come through (the server is busy).
    wiki = re.compile(r"/en/wiki/")
    page.context.route(wiki, lambda route: route.fulfill(status=503, body="Service Unavailable"))
    save = page.get_by_role("button", name=say("en", "Save this unit for offline"))
    save.click()
    status = page.locator("[data-offline-status]")
    expect(status).to_have_text(say("en", "This could not be saved. Try again with a better connection."))
    accessible(page)

    # Offline, the unit is not among the saved ones.
    page.context.set_offline(True)
    page.goto("/en/timebank/")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("en", "You are offline"))
    expect(page.locator("[data-offline-list]")).to_be_hidden()
    accessible(page)

    # With the connection whole again, saving once more works.
    page.context.set_offline(False)
    page.context.unroute(wiki)
    page.goto(unit_url)
    save.click()
    expect(status).to_contain_text(before_date("en", "Saved for offline reading on {date}."))
    accessible(page)
