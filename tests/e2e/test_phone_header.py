"""The header on a phone, in English and in Turkish (issue 21).

At 360 px a page's own heading starts within 120 px of the top: the main menu waits behind a
"Menu" button (a <details>, so it opens without JavaScript too), while the other language, signing
in and, for a member, their name and "Sign out" stay one tap away. On a wide screen the main menu
shows without a click and there is no button.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from seminars.demo import WEEKLY
from seminars.models import Webinar
from wiki.models import WikiPage

from .conftest import BROWSER_LOCALES, VIEWPORTS
from .ui import nav, say, sign_in

pytestmark = pytest.mark.e2e

PHONE = pytest.param(VIEWPORTS["phone"], id="phone")
DESKTOP = pytest.param(VIEWPORTS["desktop"], id="desktop")
# Where a page's own content must start on a 740 px tall phone screen.
FIRST_LINE_BY = 120
MEMBER, MEMBER_SHOWN = "steward", "Ayşe (shop steward)"


def addresses(lang: str, module) -> dict[str, str]:
    """The pages a steward reads most, in ``lang``: the unit and the board need her signed in."""
    wiki_page = WikiPage.objects.filter(language=lang).order_by("pk").first()
    with translation.override(lang):
        return {
            "home": f"/{lang}/",
            "module": module.get_url(),
            "session": reverse(
                "seminars:detail", args=[Webinar.objects.filter(title_en=WEEKLY["title_en"]).order_by("pk").first().pk]
            ),
            "wiki page": reverse("wiki:page", kwargs={"slug": wiki_page.slug}),
            "unit": module.unit_url(2),
            "timebank": reverse("timebank:board"),
        }


def phone(open_page, lang: str, **options):
    """A touch phone's browser, reading in ``lang``."""
    return open_page(locale=BROWSER_LOCALES[lang], is_mobile=True, has_touch=True, **options)


def menu_button(page):
    return page.get_by_role("banner").locator("summary")


def as_announced(page) -> tuple[str, str, bool]:
    """The menu button as Chromium tells a screen reader: its role, its name and whether it is open
    (a "disclosure triangle" is spoken as a button that expands)."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "header summary"})["nodeId"]
    [button] = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"]
    states = {state["name"]: state["value"]["value"] for state in button.get("properties", [])}
    cdp.detach()
    return button["role"]["value"], button["name"]["value"], states.get("expanded")


def main_menu(page, lang: str):
    return page.get_by_role("navigation", name=say(lang, "Main"))


def one_tap_away(page, lang: str, signed_in: bool) -> list:
    """The header's links that must show without opening anything: the other language and the account's."""
    other = next(name for code, name in settings.LANGUAGES if code != lang)
    links = [page.get_by_role("navigation", name=say(lang, "Language")).get_by_role("link", name=other)]
    account = page.get_by_role("navigation", name=say(lang, "Account"))
    if signed_in:
        links += [
            account.get_by_role("link", name=MEMBER_SHOWN),
            account.get_by_role("button", name=say(lang, "Sign out")),
        ]
    else:
        links += [account.get_by_role("link", name=say(lang, "Sign in"), exact=True)]
    return links


def assert_compact_header(page, lang: str, name: str, *, signed_in: bool) -> None:
    """The page's first line (its heading, or what the page puts above it: a way back up) is near the top."""
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    top = page.locator("main > :visible").first.bounding_box()["y"]
    assert top <= FIRST_LINE_BY, f"{name} ({lang}): the page's content starts {top:.0f} px down"
    for link in one_tap_away(page, lang, signed_in):
        expect(link).to_be_visible()
        link.click(trial=True)  # nothing covers it: a tap would reach it
    expect(menu_button(page)).to_have_text(say(lang, "Menu"))
    expect(main_menu(page, lang)).to_be_hidden()


def assert_menu_opens(page, lang: str, labels: list[str]) -> None:
    assert as_announced(page) == ("DisclosureTriangle", say(lang, "Menu"), False)
    menu_button(page).tap()
    assert as_announced(page) == ("DisclosureTriangle", say(lang, "Menu"), True)
    for label in labels:
        expect(main_menu(page, lang).get_by_role("link", name=say(lang, label), exact=True)).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE])
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_on_a_phone_the_content_starts_near_the_top(open_page, module_1, speaks, accessible, lang):
    speaks(lang)
    visitor, member = phone(open_page, lang), phone(open_page, lang)
    sign_in(member, lang, MEMBER, accessible)
    pages = addresses(lang, module_1)

    for name in ["home", "module", "session", "wiki page"]:
        visitor.goto(pages[name])
        assert_compact_header(visitor, lang, name, signed_in=False)
        accessible(visitor)
    for name, address in pages.items():
        member.goto(address)
        assert_compact_header(member, lang, name, signed_in=True)
        accessible(member)

    # The menu opens with a tap, shows the main links and takes her where she taps.
    assert_menu_opens(visitor, lang, ["Home", "Courses", "Sessions", "Wiki"])
    accessible(visitor)
    assert_menu_opens(member, lang, ["Home", "Courses", "My learning", "Sessions", "Wiki", "My hours"])
    accessible(member)
    main_menu(member, lang).get_by_role("link", name=say(lang, "Wiki"), exact=True).tap()
    expect(member.get_by_role("heading", level=1)).to_have_text(say(lang, "Wiki"))
    expect(main_menu(member, lang)).to_be_hidden()  # closed again on the new page
    accessible(member)


@pytest.mark.parametrize("viewport", [PHONE])
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_on_a_phone_the_menu_opens_without_javascript(open_page, module_1, accessible_without_javascript, lang):
    accessible = (
        accessible_without_javascript  # axe is a script: it reads the page's document in a tab where scripts run
    )
    page = phone(open_page, lang, java_script_enabled=False)
    page.goto(addresses(lang, module_1)["module"])
    assert_compact_header(page, lang, "module", signed_in=False)
    accessible(page)
    assert_menu_opens(page, lang, ["Home", "Courses", "Sessions", "Wiki"])
    nav(page, lang, "Courses").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(lang, "Courses"))
    accessible(page)


@pytest.mark.parametrize("viewport", [DESKTOP])
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_on_a_wide_screen_the_menu_shows_without_a_click(open_page, demo, accessible, lang):
    page = open_page(locale=BROWSER_LOCALES[lang])
    page.goto(f"/{lang}/")
    expect(menu_button(page)).to_be_hidden()
    for label in ["Home", "Courses", "Sessions", "Wiki"]:
        expect(nav(page, lang, label)).to_be_visible()
    expect(nav(page, lang, "Home")).to_have_attribute("aria-current", "page")
    for link in one_tap_away(page, lang, signed_in=False):
        expect(link).to_be_visible()
    accessible(page)
