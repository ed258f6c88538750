"""The wiki in the NLU site: what the host adds around it (main navigation, the whole demo, the
browser's time zone, display names) and what courses adds to a wiki page through the wiki's hook.

The wiki's own tests (tests/wiki/) run in its bare host too; these need the NLU host and courses.
"""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.selectors import units_using_wiki_page
from tests.courses.conftest import course_index, days_from_today, make_module, page_url  # noqa: F401 (fixtures)
from tests.factories import UserFactory
from tests.wiki.conftest import coordinator, member  # noqa: F401 (fixtures)
from tests.wiki.test_queries import counted, measure
from tests.wiki.test_queries import wiki as wiki_pages  # noqa: F401 (a fixture)
from tests.wiki.test_views import soup, text_of
from wiki.demo import AGENDA_EN, AGENDA_TR, GROUP_EN
from wiki.markdown import slug_for
from wiki.models import PageLink, Revision, WikiPage
from wiki.services import page_create

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize("language", ["en", "tr"])


@pytest.fixture
def make_page():
    def make(title: str, text: str = "Some text.\n", *, language: str = "en", author=None):
        return page_create(title=title, language=language, text=text, author=author or UserFactory())

    return make


@BOTH
def test_the_main_navigation_links_to_the_wiki(client, demo, language):
    html = soup(client.get(f"/{language}/"))
    expected = "Wiki" if language == "en" else "Viki"
    link = html.select_one(".main-nav").find("a", string=expected)
    assert link["href"] == f"/{language}/wiki/"
    assert soup(client.get(link["href"])).select_one(".main-nav a[aria-current]").get_text() == expected


@BOTH
def test_wiki_pages_are_inside_the_sites_layout(client, make_page, language):
    page = make_page("Organising online", language=language)
    html = soup(client.get(f"/{language}/wiki/{page.slug}/"))
    assert html.select_one(".main-nav")
    assert html.title.get_text().startswith("Organising online · ")
    assert html.find("link", href="/static/wiki/wiki.css")


def test_the_sites_language_switcher_finds_the_translation(client, make_page):
    english = make_page("Research agenda")
    turkish = page_create(
        title="Araştırma gündemi", language="tr", text="Metin.\n", author=UserFactory(), translation_of=english
    )
    html = soup(client.get(f"/en/wiki/{english.slug}/"))
    assert html.html["lang"] == "en"
    switch = html.select_one("nav.languages").find("a", hreflang="tr")["href"]
    assert switch == f"/tr/wiki/{english.slug}/"
    response = client.get(switch)
    assert response.status_code == 302
    html = soup(client.get(response["Location"]))
    assert html.html["lang"] == "tr"
    assert html.h1.get_text() == turkish.title


def test_a_visitor_reads_times_in_the_browsers_time_zone(client, make_page):
    page = make_page("Organising online")
    response = client.get(f"/en/wiki/{page.slug}/", HTTP_COOKIE="nlu_tz=Europe/Istanbul")
    assert "Europe/Istanbul" in text_of(response)
    local = timezone.localtime(page.current_revision.created_at, zoneinfo.ZoneInfo("Europe/Istanbul"))
    assert soup(response).select_one("article time")["datetime"] == local.isoformat()


def test_a_new_display_name_shows_at_once(client, make_page):
    author = UserFactory(display_name="Ayşe Y.")
    make_page("Courier interviews", author=author)
    assert "Ayşe Y." in client.get("/en/wiki/+recent/").content.decode()
    author.display_name = "Ayşe Yılmaz"
    author.save()
    assert "Ayşe Yılmaz" in client.get("/en/wiki/+recent/").content.decode()


def test_the_demo_command_writes_the_wiki_with_the_demo_members(demo):
    agenda = WikiPage.objects.get(language="en", slug=slug_for(AGENDA_EN))
    assert WikiPage.objects.get(language="tr", slug=slug_for(AGENDA_TR)).translation_group == agenda.translation_group
    authors = set(Revision.objects.values_list("author__username", flat=True))
    assert {"researcher", "tutor", "coordinator", "steward"} <= authors
    assert PageLink.objects.filter(from_page=agenda, to_slug=slug_for(GROUP_EN)).exists()
    before = (WikiPage.objects.count(), Revision.objects.count(), PageLink.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (WikiPage.objects.count(), Revision.objects.count(), PageLink.objects.count()) == before


def test_the_pages_queries_in_this_host(client, wiki_pages, member, coordinator):  # noqa: F811
    """The wiki's own queries are pinned in tests/wiki/test_queries.py; here, the NLU host's around them."""
    viewers = {"anonymous": None, "member": member, "coordinator": coordinator}
    counts = counted(measure(client, wiki_pages, viewers))
    for name in viewers:
        assert counts[1000, name] == counts[10, name], name
    assert {name: counts[10, name] for name in viewers} == {
        "anonymous": {"page": 4, "history": 3, "recent changes": 2},
        # + the user (session, permissions kept) and the private scopes they read (WIKI_SCOPES: their spaces)
        "member": {"page": 6, "history": 5, "recent changes": 4},
        "coordinator": {"page": 6, "history": 5, "recent changes": 4},
    }


def test_a_wiki_page_lists_the_course_units_built_from_it(client, make_module, make_page, django_assert_num_queries):  # noqa: F811
    module = make_module(start_date=days_from_today(-10), enrolment_closes=timezone.now() + datetime.timedelta(days=1))
    module.units.filter(week=2).update(wiki_page="organising ONLINE")
    other = make_module()
    other.units.filter(week=5).update(wiki_page="Organising online")
    other.units.filter(week=6).update(wiki_page="Something else")
    page = make_page("Organising online")
    html = soup(client.get(f"/en/wiki/{page.slug}/"))
    links = html.select(".wiki-units a")
    assert [a["href"] for a in links] == [page_url(module, suffix="week/2/"), page_url(other, suffix="week/5/")]
    assert "Unit 2 of" in links[0].get_text()
    # And the unit links back to the page, by its title.
    unit = client.get(page_url(module, suffix="week/2/"))
    link = soup(unit).find("a", string="organising ONLINE")
    assert client.get(link["href"])["Location"] == f"/en/wiki/{page.slug}/"
    assert not soup(client.get(f"/en/wiki/{make_page('Unused').slug}/")).select(".wiki-units")
    with django_assert_num_queries(1):
        assert len(units_using_wiki_page("ORGANISING online")) == 2
    # More units cost the page no more queries (read once before: the wiki's own parts come from the cache).
    client.get(f"/en/wiki/{page.slug}/")
    with CaptureQueriesContext(connection) as two_units:
        client.get(f"/en/wiki/{page.slug}/")
    other.units.filter(week__in=[3, 4]).update(wiki_page="Organising Online")
    with CaptureQueriesContext(connection) as four_units:
        html = soup(client.get(f"/en/wiki/{page.slug}/"))
    assert len(html.select(".wiki-units a")) == 4
    assert len(four_units) == len(two_units)
