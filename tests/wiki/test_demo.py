"""The demo wiki: both subjects and Module 1's units in English and Turkish, written by several people.

The wiki's own loader (the ``load_demo`` hook a host's demo command calls), with the demo members
it writes as created first; the whole NLU demo is tests/nlu/test_wiki_in_host.py's.
"""

import io

import pytest
from wagtail.search.backends import get_search_backend

from tests.factories import UserFactory
from wiki.demo import AGENDA_EN, AGENDA_TR, GROUP_EN, GROUP_TR, UNITS, load_demo
from wiki.markdown import slug_for
from wiki.models import PageLink, Revision, WikiPage

AUTHORS = ("researcher", "tutor", "coordinator", "steward")


def load(*, scale: int = 0) -> str:
    stdout = io.StringIO()
    load_demo(scale=scale, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def demo(db):
    """The members who write the demo wiki, then the wiki's demo."""
    for username in AUTHORS:
        UserFactory(username=username)
    load()


def page(title: str, language: str) -> WikiPage:
    return WikiPage.objects.select_related("current_revision").get(language=language, slug=slug_for(title))


def test_the_agenda_and_the_working_group_exist_in_both_languages_linked_as_translations(demo):
    for english, turkish in ((AGENDA_EN, AGENDA_TR), (GROUP_EN, GROUP_TR)):
        en, tr = page(english, "en"), page(turkish, "tr")
        assert en.translation_group == tr.translation_group
        assert WikiPage.objects.filter(translation_group=en.translation_group).count() == 2


def test_the_demo_pages_have_several_revisions_by_different_members(demo):
    for title, language in ((AGENDA_EN, "en"), (GROUP_EN, "en"), (AGENDA_TR, "tr"), (GROUP_TR, "tr")):
        revisions = Revision.objects.filter(page=page(title, language))
        assert revisions.count() >= 2
        assert revisions.values("author").distinct().count() >= 2
    authors = set(Revision.objects.values_list("author__username", flat=True))
    assert set(AUTHORS) <= authors


def test_the_working_groups_history_shows_a_merged_edit(demo):
    group = page(GROUP_EN, "en")
    merged = group.current_revision

    assert merged.number == 3
    assert merged.parent.number == 1  # started from revision 1 while revision 2 was saved
    assert "Reading list" in merged.text
    assert "workers who have no workplace at all" in merged.text


def test_the_pages_link_to_each_other_with_no_red_link_left(demo):
    agenda, group = page(AGENDA_EN, "en"), page(GROUP_EN, "en")

    assert PageLink.objects.filter(from_page=agenda, to_slug=group.slug).exists()
    assert PageLink.objects.filter(from_page=group, to_slug=agenda.slug).exists()
    for wiki_page in WikiPage.objects.select_related("current_revision"):
        assert "wiki-missing" not in wiki_page.current_revision.html, wiki_page.title


def test_every_unit_of_module_1_has_a_page_in_both_languages(demo):
    for _week, (title_en, _about_en), (title_tr, _about_tr) in UNITS:
        assert page(title_en, "en").translation_group == page(title_tr, "tr").translation_group


def test_the_demo_pages_are_found_by_search(demo):
    results = get_search_backend().search("Polanyi", WikiPage.objects.filter(language="en"))

    assert [result.title for result in results] == [GROUP_EN]


def test_loading_the_demo_again_adds_nothing(demo):
    before = (WikiPage.objects.count(), Revision.objects.count(), PageLink.objects.count())

    assert "0 pages written" in load()

    assert (WikiPage.objects.count(), Revision.objects.count(), PageLink.objects.count()) == before


def test_scaled_demo_adds_research_notes_once(demo):
    load(scale=1)
    notes = WikiPage.objects.filter(slug__startswith="research-note-")
    assert notes.count() == 100
    note = notes.select_related("current_revision").first()
    assert note.current_revision.number == 1
    assert note.text == note.current_revision.text

    load(scale=1)

    assert notes.count() == 100
