"""The course index: modules grouped by where they stand, filtered by delivery language."""

import pytest

from .conftest import days_from_today, page_url

pytestmark = pytest.mark.django_db


def section(html: str, key: str) -> str:
    start = html.index(f'<section aria-labelledby="section-{key}">')
    return html[start : html.index("</section>", start)]


def test_modules_are_grouped_as_open_running_and_finished(client, make_index, make_module):
    index = make_index("listing")
    make_module(index=index, title="Next month", start_date=days_from_today(30))
    make_module(index=index, title="Started last week", start_date=days_from_today(-8))
    make_module(index=index, title="Ended long ago", start_date=days_from_today(-200))
    html = client.get(page_url(index)).content.decode()
    assert "Next month" in section(html, "upcoming")
    assert "Started last week" in section(html, "running")
    assert "Ended long ago" in section(html, "finished")


def test_filter_by_delivery_language(client, make_index, make_module):
    index = make_index("by-language")
    make_module(index=index, title="Taught in English", delivery_languages="en")
    make_module(index=index, title="Taught in both", delivery_languages="en,tr")
    make_module(index=index, title="Taught in Turkish", delivery_languages="tr")
    html = client.get(page_url(index), {"language": "tr"}).content.decode()
    assert "Taught in both" in html
    assert "Taught in Turkish" in html
    assert "Taught in English" not in html
    html = client.get(page_url(index), {"language": "xx"}).content.decode()  # unknown: no filter
    assert "Taught in English" in html


@pytest.mark.parametrize(("language", "path"), [("en", "/en/courses/"), ("tr", "/tr/kurslar/")])
def test_main_navigation_links_the_course_index(client, demo, language, path):
    html = client.get(f"/{language}/").content.decode()
    nav = html[html.index('<nav class="main-nav"') :]
    assert f'href="{path}"' in nav[: nav.index("</nav>")]
