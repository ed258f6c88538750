"""load_demo: Module 1's units and the wiki's unit pages link each other, and each page names itself once
(also in a demo loaded before)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Revision

from courses.demo import UNITS
from courses.models import CourseModulePage, CourseUnit
from tests.nlu.screen import parse, text
from wiki.models import WikiPage
from wiki.services import page_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def tutor_client(client, demo):
    """The demo's tutor, who reads Module 1's units before they open."""
    client.login(username="tutor", password="nlu-demo")
    return client


@pytest.mark.parametrize(
    ("language", "unit_url"), [("en", "/en/courses/module-1/week/"), ("tr", "/tr/kurslar/modul-1/hafta/")]
)
def test_each_demo_unit_links_its_wiki_page(tutor_client, language, unit_url):
    for week, title_en, title_tr in UNITS:
        page = parse(tutor_client.get(f"{unit_url}{week}/"))
        (link,) = [a for a in page.select("main a") if text(a) == title_en]
        wiki = tutor_client.get(link["href"], follow=True)
        assert text(parse(wiki).h1) == {"en": title_en, "tr": title_tr}[language]


def test_each_demo_units_wiki_page_lists_the_unit(client, demo):
    for week, title_en, _ in UNITS:
        page = parse(client.get(f"/en/wiki/{title_en}/", follow=True))
        links = [a["href"] for a in page.select(".wiki-units a")]
        assert links == [f"/en/courses/module-1/week/{week}/"], title_en


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_demo_unit_page_names_its_unit_once(tutor_client, language):
    unit_url = {"en": "/en/courses/module-1/week/1/", "tr": "/tr/kurslar/modul-1/hafta/1/"}[language]
    page = parse(tutor_client.get(unit_url))
    title = {"en": "Introduction", "tr": "Giriş"}[language]
    (heading,) = page.select("h1")
    assert text(heading).endswith(title)
    assert [text(h) for h in page.select("main h2, main h3") if text(h) == title] == []


def demo_as_loaded_before_units_named_wiki_pages() -> CourseModulePage:
    """Module 1 as an earlier load_demo left it: published, with no unit naming a wiki page."""
    call_command("load_demo", stdout=io.StringIO())
    module = CourseModulePage.objects.get(slug_en="module-1")
    with translation.override("en"):
        page = module.get_latest_revision_as_object()
        units = list(page.units.all())
        for unit in units:
            unit.wiki_page = ""
        page.units = units
        page.save_revision().publish()
    return CourseModulePage.objects.get(pk=module.pk)


def test_a_demo_loaded_before_the_units_named_their_wiki_pages_gets_the_names(db):
    module = demo_as_loaded_before_units_named_wiki_pages()
    assert not CourseUnit.objects.filter(module=module).exclude(wiki_page="").exists()

    call_command("load_demo", stdout=io.StringIO())
    names = dict(CourseUnit.objects.filter(module=module).values_list("week", "wiki_page"))
    assert names == {week: title_en for week, title_en, _ in UNITS}
    latest = CourseModulePage.objects.get(pk=module.pk).get_latest_revision_as_object()
    assert {unit.week: unit.wiki_page for unit in latest.units.all()} == names  # the editor shows them too
    revisions = Revision.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Revision.objects.count() == revisions


def test_a_coordinators_draft_of_module_1_is_kept_and_not_published_by_the_demo(db):
    module = demo_as_loaded_before_units_named_wiki_pages()
    with translation.override("en"):
        draft = CourseModulePage.objects.get(pk=module.pk)
        draft.summary_en = "A draft the coordinator is still writing."
        draft.save_revision()

    call_command("load_demo", stdout=io.StringIO())
    live = CourseModulePage.objects.get(pk=module.pk)
    assert live.summary_en != "A draft the coordinator is still writing." and live.has_unpublished_changes
    latest = live.get_latest_revision_as_object()
    assert latest.summary_en == "A draft the coordinator is still writing."
    assert [unit.wiki_page for unit in latest.units.all()] == [title_en for _, title_en, _ in UNITS]


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Research agenda"), ("tr", "Araştırma gündemi")], ids=["en", "tr"]
)
def test_a_demo_page_that_repeated_its_title_shows_it_once_after_load_demo(client, demo, language, title):
    """The agenda's text began with "# Research agenda" in demos loaded before it lost that line."""
    page = WikiPage.objects.get(language=language, title=title)
    page_save(
        page=page,
        text=f"# {title}\n\n{page.text}",
        author=get_user_model().objects.get(username="researcher"),
        base_number=page.current_revision.number,
    )
    url = f"/{language}/wiki/{page.slug}/"
    assert [text(h) for h in parse(client.get(url)).select("h1")] == [title, title]  # as such a demo showed it

    call_command("load_demo", stdout=io.StringIO())
    assert [text(h) for h in parse(client.get(url)).select("h1")] == [title]
    revisions = page.revisions.count()
    call_command("load_demo", stdout=io.StringIO())
    assert page.revisions.count() == revisions
