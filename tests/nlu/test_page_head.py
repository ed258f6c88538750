"""What search engines and phones read in a page's <head>: a description, whole-address language
alternates and an icon (Lighthouse's SEO and Best Practices audits, issue 21)."""

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation

from nlu.models import HomePage
from tests.nlu.screen import parse

SITE_DESCRIPTION = (
    "A cooperative learning platform for workers: seven-week courses, live sessions, an open wiki and a timebank."
)


def description(page) -> str:
    return page.find("meta", attrs={"name": "description"})["content"]


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_page_without_its_own_description_has_the_sites_in_its_language(client, demo, language):
    page = parse(client.get(f"/{language}/sessions/"))

    with translation.override(language):
        assert description(page) == translation.gettext(SITE_DESCRIPTION)


def test_a_wagtail_page_with_a_search_description_has_its_own(client, demo):
    home = HomePage.objects.get()
    home.search_description_en = "Learning together, in hours and in weeks."
    home.save_revision().publish()

    assert description(parse(client.get("/en/"))) == "Learning together, in hours and in weeks."


def test_language_alternates_are_whole_addresses_of_the_same_page(client, demo):
    page = parse(client.get("/en/about/"))

    alternates = {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')}
    assert alternates == {"en": "http://testserver/en/about/", "tr": "http://testserver/tr/hakkinda/"}


def test_the_page_names_an_icon_that_exists(client, demo):
    page = parse(client.get("/en/"))

    icon = page.find("link", rel="icon")
    assert icon["href"].startswith("/static/nlu/icon") and icon["href"].endswith(".svg")
    assert finders.find("nlu/icon.svg")
