"""The foundation as a visitor and a member see it, in English and Turkish, on a phone and a desktop."""

import re

import pytest
from playwright.sync_api import expect

from nlu.management.commands.load_demo import ABOUT, DEMO_PASSWORD, HOME

pytestmark = pytest.mark.e2e

OTHER = {"en": "tr", "tr": "en"}
LANGUAGE_NAV = {"en": "Language", "tr": "Dil"}
PAGES = [
    ({"en": "/en/", "tr": "/tr/"}, HOME),
    ({"en": "/en/about/", "tr": "/tr/hakkinda/"}, ABOUT),
]


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_visitor_switches_language_on_the_same_page(page, live_server, demo, accessible, lang):
    other = OTHER[lang]
    html = page.locator("html")
    for paths, content in PAGES:
        page.goto(paths[lang])
        accessible(page)
        expect(html).to_have_attribute("lang", lang)
        expect(page.get_by_role("heading", level=1)).to_have_text(content[f"title_{lang}"])

        page.keyboard.press("Tab")
        skip_link = page.locator(":focus")
        expect(skip_link).to_have_attribute("href", "#main")
        expect(skip_link).to_be_in_viewport()

        width = page.viewport_size["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"

        page.get_by_role("navigation", name=LANGUAGE_NAV[lang]).locator(f"a[lang={other}]").click()
        expect(page).to_have_url(live_server.url + paths[other])
        expect(html).to_have_attribute("lang", other)
        expect(page.get_by_role("heading", level=1)).to_have_text(content[f"title_{other}"])
        accessible(page)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_steward_signs_in_in_their_language_and_sets_time_zone(page, demo, accessible, lang):
    """The demo steward prefers Turkish, so the profile opens in Turkish whichever login page was used."""
    page.goto(f"/{lang}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    accessible(page)
    page.locator("input[name=login]").fill("steward")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")

    expect(page).to_have_url(re.compile(r"/tr/profile/$"))
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Profiliniz")
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Europe/Istanbul")
    accessible(page)

    page.get_by_label("Saat dilimi").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Kaydet").click()

    expect(page.get_by_role("status")).to_have_text("Profiliniz kaydedildi.")
    expect(page.get_by_label("Saat dilimi")).to_have_value("Asia/Tokyo")
    expect(page.get_by_text("Şu an sizin saatinizle:")).to_contain_text("Asia/Tokyo")
    expect(footer).to_contain_text("Asia/Tokyo")
    accessible(page)
