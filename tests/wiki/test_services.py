"""The wiki's writes: creating, saving, reverting, protecting; every refusal leaves the database as it was."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from wagtail.search.backends import get_search_backend

from tests.factories import UserFactory
from wiki.models import PageLink, Revision, WikiPage
from wiki.services import WikiError, page_create, page_protect, page_revert, page_save
from wiki.views.base import refusal_status


def stored() -> tuple[int, int, int]:
    """How many pages, revisions and links there are: a refusal must not change any of them."""
    return WikiPage.objects.count(), Revision.objects.count(), PageLink.objects.count()


def refused(call, *, code: str, status: int) -> WikiError:
    """Refused with ``code``, which the views answer with the HTTP ``status``."""
    before = stored()
    with pytest.raises(WikiError) as raised:
        call()
    assert (raised.value.code, refusal_status(raised.value)) == (code, status)
    assert str(raised.value.message)
    assert stored() == before
    return raised.value


def found(word: str, language: str = "en") -> list[str]:
    return [page.title for page in get_search_backend().search(word, WikiPage.objects.filter(language=language))]


def link_classes(page: WikiPage) -> dict[str, list[str]]:
    page.refresh_from_db()
    html = Revision.objects.get(pk=page.current_revision_id).html
    return {a.get_text(): a.get("class", []) for a in BeautifulSoup(html, "html.parser").find_all("a")}


# --- Creating a page ---------------------------------------------------------------------------


def test_a_new_page_has_its_first_revision_rendered_and_is_found_by_search(member):
    page = page_create(
        title="  Organising   online ",
        language="en",
        text="How **shop stewards** organise.\r\n",
        summary="First draft",
        author=member,
        tags=["organising", " online ", "organising"],
    )

    page.refresh_from_db()
    revision = page.current_revision
    assert (page.title, page.slug, page.language) == ("Organising online", "organising-online", "en")
    assert (revision.number, revision.parent, revision.author, revision.summary) == (1, None, member, "First draft")
    assert revision.text == "How **shop stewards** organise.\n"
    assert "<strong>shop stewards</strong>" in revision.html
    assert page.text == revision.text
    assert sorted(page.tags.names()) == ["online", "organising"]
    assert found("stewards") == ["Organising online"]


def test_an_empty_title_is_refused(member):
    refused(lambda: page_create(title="   ", language="en", text="x", author=member), code="no_title", status=400)


def test_a_title_of_punctuation_alone_is_refused(member):
    error = refused(
        lambda: page_create(title="?!… –", language="en", text="x", author=member), code="bad_title", status=400
    )
    assert "punctuation" in error.message


def test_a_title_over_255_characters_is_refused(member):
    refused(
        lambda: page_create(title="a" * 256, language="en", text="x", author=member),
        code="title_too_long",
        status=400,
    )


def test_a_title_that_clashes_with_a_page_of_the_same_language_is_refused_and_names_it(make_page, member):
    existing = make_page("Research agenda")

    error = refused(
        lambda: page_create(title="research  AGENDA!", language="en", text="x", author=member),
        code="slug_taken",
        status=409,
    )

    assert error.page == existing
    assert "Research agenda" in error.message


def test_the_same_title_may_exist_in_another_language(make_page):
    make_page("Agenda", language="en")

    assert make_page("Agenda", language="tr").slug == "agenda"


def test_text_over_one_megabyte_is_refused(member):
    refused(
        lambda: page_create(title="Huge", language="en", text="x" * 1_000_001, author=member),
        code="too_large",
        status=413,
    )


def test_the_size_limit_counts_bytes_not_letters(member, settings):
    settings.WIKI_MAX_TEXT_BYTES = 100
    turkish = "ş" * 60  # 60 letters, 120 bytes

    refused(lambda: page_create(title="Ş", language="tr", text=turkish, author=member), code="too_large", status=413)
    assert page_create(title="Ş", language="tr", text="ş" * 49, author=member).current_revision.number == 1


def test_a_page_without_text_is_refused(member):
    refused(lambda: page_create(title="Empty", language="en", text=" \r\n ", author=member), code="no_text", status=400)


def test_a_language_the_site_does_not_offer_is_refused(member):
    refused(lambda: page_create(title="Page", language="xx", text="x", author=member), code="bad_language", status=400)


def test_an_edit_summary_over_300_characters_is_refused(member):
    refused(
        lambda: page_create(title="Page", language="en", text="x", summary="s" * 301, author=member),
        code="summary_too_long",
        status=400,
    )


def test_a_tag_over_100_characters_is_refused(member):
    refused(
        lambda: page_create(title="Page", language="en", text="x", tags=["t" * 101], author=member),
        code="bad_tag",
        status=400,
    )


def test_a_visitor_who_is_not_signed_in_cannot_create_a_page(db):
    refused(
        lambda: page_create(title="Page", language="en", text="x", author=AnonymousUser()),
        code="anonymous",
        status=403,
    )


def test_a_translation_joins_the_translation_group_of_the_page(make_page, other_member):
    english = make_page("Research agenda", language="en")

    turkish = page_create(
        title="Araştırma gündemi", language="tr", text="Gündem.", author=other_member, translation_of=english
    )

    assert turkish.translation_group == english.translation_group
    assert turkish.slug == "araştırma-gündemi"


def test_a_translation_into_the_pages_own_language_is_refused(make_page, member):
    english = make_page("Research agenda")

    refused(
        lambda: page_create(title="Agenda", language="en", text="x", author=member, translation_of=english),
        code="same_language",
        status=409,
    )


def test_a_second_translation_into_the_same_language_is_refused_and_names_the_first(make_page, member):
    english = make_page("Research agenda")
    turkish = make_page("Araştırma gündemi", language="tr", translation_of=english)

    error = refused(
        lambda: page_create(title="Gündem", language="tr", text="x", author=member, translation_of=english),
        code="translation_exists",
        status=409,
    )

    assert error.page == turkish


# --- Saving an edit ----------------------------------------------------------------------------


def test_an_edit_from_the_current_revision_adds_the_next_one_and_reindexes_the_page(make_page, member, other_member):
    page = make_page("Meetings", "We meet on Mondays.\n", author=member)

    result = page_save(page=page, text="We meet on Thursdays.\n", summary="New day", author=other_member, base_number=1)

    revision = result.revision
    assert result.merged is False
    assert (revision.number, revision.parent.number, revision.author, revision.summary) == (
        2,
        1,
        other_member,
        "New day",
    )
    page.refresh_from_db()
    assert page.current_revision == revision
    assert page.text == "We meet on Thursdays.\n"
    assert found("Thursdays") == ["Meetings"]
    assert found("Mondays") == []
    assert Revision.objects.get(page=page, number=1).text == "We meet on Mondays.\n"  # history kept


def test_saving_the_same_text_again_adds_no_revision(make_page, member):
    page = make_page("Meetings", "Line one\nLine two\n")

    error = refused(
        lambda: page_save(page=page, text="Line one\r\nLine two\r\n\r\n", author=member, base_number=1),
        code="unchanged",
        status=400,
    )

    assert "same" in error.message


def test_a_base_revision_that_is_not_one_of_the_pages_is_refused(make_page, member, edit):
    other = make_page("Other page")
    edit(other, "Other page, second version.\n")
    page = make_page("Meetings")

    refused(lambda: page_save(page=page, text="new\n", author=member, base_number=2), code="bad_base", status=400)
    refused(lambda: page_save(page=page, text="new\n", author=member, base_number=0), code="bad_base", status=400)
    refused(lambda: page_save(page=page, text="new\n", author=member, base_number="1"), code="bad_base", status=400)


def test_an_edit_over_the_size_limit_is_refused(make_page, member):
    page = make_page("Meetings")

    refused(
        lambda: page_save(page=page, text="x" * 1_000_001, author=member, base_number=1), code="too_large", status=413
    )


def test_a_member_cannot_edit_a_protected_page_but_a_coordinator_can(make_page, member, coordinator):
    page = make_page("Statutes")
    page_protect(page=page, protected=True, by=coordinator)

    refused(lambda: page_save(page=page, text="changed\n", author=member, base_number=1), code="protected", status=403)
    result = page_save(page=page, text="changed by a coordinator\n", author=coordinator, base_number=1)

    assert result.revision.number == 2


def test_a_visitor_who_is_not_signed_in_cannot_edit(make_page):
    page = make_page("Meetings")

    refused(
        lambda: page_save(page=page, text="x\n", author=AnonymousUser(), base_number=1), code="anonymous", status=403
    )


# --- Links, backlinks and red links ------------------------------------------------------------


def test_the_links_of_a_page_follow_its_current_text(make_page, edit):
    page = make_page("Agenda", "See [[Meetings]] and [[Maps]].")
    assert set(PageLink.objects.filter(from_page=page).values_list("to_slug", flat=True)) == {"meetings", "maps"}

    edit(page, "See [[Maps]] and [[Shared files]].")

    links = PageLink.objects.filter(from_page=page)
    assert set(links.values_list("to_slug", "to_language")) == {("maps", "en"), ("shared-files", "en")}


def test_creating_a_page_turns_the_red_links_to_it_blue(make_page, edit):
    agenda = make_page("Agenda", "See [[Meetings]] and [[Maps]].")
    notes = make_page("Notes", "Also [[meetings|the meetings]].")
    assert link_classes(agenda) == {"Meetings": ["wiki-missing"], "Maps": ["wiki-missing"]}
    revisions_before = Revision.objects.count()

    make_page("Meetings")

    assert link_classes(agenda) == {"Meetings": [], "Maps": ["wiki-missing"]}
    assert link_classes(notes) == {"the meetings": []}
    assert Revision.objects.count() == revisions_before + 1  # only the new page's: the text is append-only
    agenda.refresh_from_db()
    assert agenda.current_revision.text == "See [[Meetings]] and [[Maps]].\n"


def test_a_page_in_another_language_does_not_turn_a_link_blue(make_page):
    agenda = make_page("Agenda", "See [[Meetings]].", language="en")

    make_page("Meetings", language="tr")

    assert link_classes(agenda) == {"Meetings": ["wiki-missing"]}


def test_a_page_may_link_to_itself(make_page):
    page = make_page("Agenda", "This is the [[Agenda]].")

    assert link_classes(page) == {"Agenda": []}


# --- Rate limit --------------------------------------------------------------------------------


def test_more_than_30_edits_a_minute_by_one_member_are_refused(make_page, member, other_member, edit):
    page = make_page("Busy page", "0\n", author=member)
    for n in range(1, 30):
        edit(page, f"{n}\n", author=member)

    error = refused(
        lambda: page_save(page=page, text="31\n", author=member, base_number=30), code="rate_limited", status=429
    )
    assert "minute" in error.message
    refused(lambda: page_create(title="More", language="en", text="x", author=member), code="rate_limited", status=429)

    assert edit(page, "another member\n", author=other_member).revision.number == 31


def test_the_rate_limit_lifts_once_the_minute_has_passed(make_page, member, edit):
    page = make_page("Busy page", "0\n", author=member)
    for n in range(1, 30):
        edit(page, f"{n}\n", author=member)
    a_minute_ago = timezone.now() - datetime.timedelta(seconds=61)
    Revision.objects.filter(author=member).update(created_at=a_minute_ago)

    assert edit(page, "after a pause\n", author=member).revision.number == 31


def test_the_rate_limit_is_a_setting(make_page, member, settings, edit):
    settings.WIKI_EDITS_PER_MINUTE = 2
    page = make_page("Page", "0\n", author=member)
    edit(page, "1\n", author=member)

    refused(lambda: edit(page, "2\n", author=member), code="rate_limited", status=429)


# --- Revert ------------------------------------------------------------------------------------


def test_a_revert_adds_a_revision_with_the_old_text(make_page, member, other_member, edit):
    page = make_page("Agenda", "First, with [[Maps]].\n")
    edit(page, "Vandalised.\n", author=other_member)

    revision = page_revert(page=page, number=1, author=member)

    assert (revision.number, revision.parent.number, revision.text) == (3, 2, "First, with [[Maps]].\n")
    assert revision.summary == "Reverted to revision 1"
    assert list(page.revisions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    page.refresh_from_db()
    assert page.text == revision.text
    assert PageLink.objects.filter(from_page=page, to_slug="maps").exists()


def test_a_revert_keeps_a_summary_given(make_page, member, edit):
    page = make_page("Agenda", "one\n")
    edit(page, "two\n")

    assert page_revert(page=page, number=1, author=member, summary="Back to the draft").summary == "Back to the draft"


def test_a_revert_to_a_revision_that_does_not_exist_is_refused(make_page, member):
    page = make_page("Agenda")

    refused(lambda: page_revert(page=page, number=7, author=member), code="no_revision", status=404)
    refused(lambda: page_revert(page=page, number="1", author=member), code="no_revision", status=404)


def test_a_revert_to_the_current_text_adds_nothing(make_page, member, edit):
    page = make_page("Agenda", "one\n")
    edit(page, "two\n")
    edit(page, "one\n")

    refused(lambda: page_revert(page=page, number=1, author=member), code="unchanged", status=400)


def test_only_a_coordinator_reverts_a_protected_page(make_page, member, coordinator, edit):
    page = make_page("Statutes", "one\n")
    edit(page, "two\n")
    page_protect(page=page, protected=True, by=coordinator)

    refused(lambda: page_revert(page=page, number=1, author=member), code="protected", status=403)

    assert page_revert(page=page, number=1, author=coordinator).text == "one\n"


# --- Protection --------------------------------------------------------------------------------


def test_a_member_cannot_protect_a_page(make_page, member):
    page = make_page("Statutes")

    with pytest.raises(WikiError) as raised:
        page_protect(page=page, protected=True, by=member)

    assert (raised.value.code, refusal_status(raised.value)) == ("forbidden", 403)
    page.refresh_from_db()
    assert page.protected is False


def test_a_coordinator_protects_and_unprotects_a_page(make_page, member, coordinator, edit):
    page = make_page("Statutes")

    page_protect(page=page, protected=True, by=coordinator)
    assert WikiPage.objects.get(pk=page.pk).protected is True

    page_protect(page=page, protected=False, by=coordinator)
    assert WikiPage.objects.get(pk=page.pk).protected is False
    assert edit(page, "open again\n", author=member).revision.number == 2


def test_a_superuser_counts_as_a_coordinator(make_page, member):
    page = make_page("Statutes")
    admin = UserFactory(is_superuser=True)

    page_protect(page=page, protected=True, by=admin)

    assert page_save(page=page, text="by the admin\n", author=admin, base_number=1).revision.number == 2


def test_a_text_too_intricate_to_render_is_refused_before_anything_is_written(make_page, member):
    page = make_page("Meetings")
    intricate = "[x\n" * 3000

    refused(
        lambda: page_create(title="Brackets", language="en", text=intricate, author=member),
        code="too_complex",
        status=400,
    )
    refused(lambda: page_save(page=page, text=intricate, author=member, base_number=1), code="too_complex", status=400)
