"""The bad input of issue #5, sent as a browser would: each gets a 4xx, a clear message in the reader's
language, and nothing is written."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import UserFactory
from wiki.conf import app_settings
from wiki.models import PageLink, Revision, WikiPage

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize("language", ["en", "tr"])


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text(" ").split())


def written() -> tuple[int, int, int]:
    return WikiPage.objects.count(), Revision.objects.count(), PageLink.objects.count()


@pytest.fixture
def language():
    """English, unless the test runs in both languages."""
    return "en"


@pytest.fixture
def page(make_page, language):
    return make_page("Agenda", "The agenda links to [[Strike funds]].\n", language=language)


def refused(response, status: int, message: dict[str, str], language: str, before) -> None:
    assert response.status_code == status
    assert message[language] in text_of(response)
    assert written() == before


@BOTH
def test_text_over_one_megabyte(member_client, page, language):
    before = written()
    too_long = "ğ" * (app_settings.MAX_TEXT_BYTES // 2) + "x"  # one byte over the limit, in two-byte letters
    message = {"en": "The text is too long", "tr": "Metin çok uzun"}
    response = member_client.post(f"/{language}/wiki/{page.slug}/edit/", {"text": too_long, "base_number": 1})
    refused(response, 413, message, language, before)
    # The form comes back with the text, so nothing typed is lost.
    form_text = BeautifulSoup(response.content.decode(), "html.parser").select_one("textarea[name=text]").get_text()
    assert form_text.strip() == too_long
    response = member_client.post(f"/{language}/wiki/+new/", {"title": "Huge", "text": too_long})
    refused(response, 413, message, language, before)


def test_text_of_exactly_one_megabyte_is_saved(member_client, page):
    text = "a" * (app_settings.MAX_TEXT_BYTES - 1) + "\n"
    response = member_client.post(f"/en/wiki/{page.slug}/edit/", {"text": text, "base_number": 1})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.text == text


@BOTH
def test_an_empty_title(member_client, page, language):
    before = written()
    for title in ("", "   "):
        response = member_client.post(f"/{language}/wiki/+new/", {"title": title, "text": "Some text."})
        refused(response, 400, {"en": "Give the page a title.", "tr": "Sayfaya bir başlık verin."}, language, before)


@BOTH
def test_a_title_whose_slug_clashes_with_another_page(member_client, page, language):
    before = written()
    for title in ("Agenda", "AGENDA!", "agenda"):
        response = member_client.post(f"/{language}/wiki/+new/", {"title": title, "text": "Clash."})
        message = {"en": "A page with this name already exists", "tr": "Bu adda bir sayfa zaten var"}
        refused(response, 409, message, language, before)
        html = BeautifulSoup(response.content.decode(), "html.parser")
        assert html.select_one(".message.error a")["href"] == f"/{language}/wiki/agenda/"
        assert html.select_one("textarea[name=text]").get_text().strip() == "Clash."


@BOTH
def test_a_title_of_punctuation_only(member_client, language):
    before = written()
    response = member_client.post(f"/{language}/wiki/+new/", {"title": "?!… — ***", "text": "Text."})
    message = {"en": "A title needs at least one letter or digit", "tr": "Başlıkta en az bir harf ya da rakam olmalı"}
    refused(response, 400, message, language, before)


@BOTH
def test_editing_a_protected_page(member_client, page, language):
    page.protected = True
    page.save()
    before = written()
    response = member_client.post(f"/{language}/wiki/{page.slug}/edit/", {"text": "Changed.", "base_number": 1})
    message = {"en": "only coordinators can change it", "tr": "yalnızca koordinatörler değiştirebilir"}
    refused(response, 403, message, language, before)
    response = member_client.post(f"/{language}/wiki/{page.slug}/revert/1/")
    refused(response, 403, message, language, before)


@BOTH
def test_a_base_revision_that_is_not_one_of_the_pages(member_client, page, make_page, edit, language):
    other = make_page("Other page", language=language)
    edit(other, "Second.\n")
    edit(other, "Third.\n")
    before = written()
    for base in ("3", "0"):  # page has revision 1 only; 3 is one of the other page's numbers
        response = member_client.post(f"/{language}/wiki/{page.slug}/edit/", {"text": "Changed.", "base_number": base})
        message = {"en": "not one of this page's", "tr": "bu sayfaya ait olmayan bir sürümden başlamış"}
        refused(response, 400, message, language, before)
    for base in ("", "two", "-1"):
        response = member_client.post(f"/{language}/wiki/{page.slug}/edit/", {"text": "Changed.", "base_number": base})
        assert response.status_code == 400
        assert written() == before


@BOTH
def test_a_diff_of_revisions_of_two_different_pages(client, page, make_page, edit, language):
    other = make_page("Other page", language=language)
    edit(other, "Second.\n")
    response = client.get(f"/{language}/wiki/{page.slug}/diff/?from=1&to=2")
    message = {"en": "This page has no revision 2.", "tr": "Bu sayfanın 2 numaralı sürümü yok."}
    refused(response, 404, message, language, written())
    response = client.get(f"/{language}/wiki/{page.slug}/diff/?from=1&to={other.current_revision_id}")
    assert response.status_code == 404
    for query in ("", "?from=1", "?from=a&to=1", "?from=0&to=1", "?from=1&to=1.5"):
        response = client.get(f"/{language}/wiki/{page.slug}/diff/{query}")
        message = {"en": "Choose two revisions of this page to compare.", "tr": "Karşılaştırmak için"}
        refused(response, 400, message, language, written())


@BOTH
def test_a_revert_to_a_revision_that_does_not_exist(member_client, page, language):
    before = written()
    response = member_client.post(f"/{language}/wiki/{page.slug}/revert/7/")
    refused(
        response,
        404,
        {"en": "This page has no revision 7.", "tr": "Bu sayfanın 7 numaralı sürümü yok."},
        language,
        before,
    )
    response = member_client.post(f"/{language}/wiki/{page.slug}/revert/1/")  # the current text already
    refused(response, 400, {"en": "Nothing to save", "tr": "Kaydedilecek bir şey yok"}, language, before)


@BOTH
def test_a_translation_of_a_page_that_does_not_exist(member_client, language):
    before = written()
    response = member_client.post(
        f"/{language}/wiki/+new/", {"title": "Çeviri", "text": "Metin.", "translation_of": "999999"}
    )
    message = {"en": "The page this should translate no longer exists.", "tr": "Çevrilecek sayfa artık yok."}
    refused(response, 400, message, language, before)
    response = member_client.get(f"/{language}/wiki/+new/?translation_of=nonsense")
    assert response.status_code == 404
    assert message[language] in text_of(response)


def test_a_second_translation_into_the_same_language(member_client, make_page):
    english = make_page("Agenda")
    make_page("Gündem", language="tr", translation_of=english)
    before = written()
    response = member_client.post(
        "/tr/wiki/+new/", {"title": "Gündem 2", "text": "Metin.", "translation_of": english.pk}
    )
    refused(response, 409, {"tr": "Bu sayfanın o dilde zaten bir çevirisi var"}, "tr", before)
    response = member_client.post(
        "/en/wiki/+new/", {"title": "Agenda 2", "text": "Text.", "translation_of": english.pk}
    )
    refused(response, 409, {"en": "A translation must be in another language"}, "en", before)


@BOTH
def test_an_edit_summary_too_long_and_an_empty_text(member_client, page, language):
    before = written()
    response = member_client.post(
        f"/{language}/wiki/{page.slug}/edit/", {"text": "Changed.", "summary": "x" * 301, "base_number": 1}
    )
    assert response.status_code == 400
    assert written() == before
    response = member_client.post(f"/{language}/wiki/{page.slug}/edit/", {"text": "  \n ", "base_number": 1})
    message = {"en": "Write something on the page", "tr": "Kaydetmeden önce sayfaya bir şeyler yazın."}
    refused(response, 400, message, language, before)


@pytest.mark.parametrize("language", ["tr"])
def test_too_many_saves_in_a_minute(page, settings, client, language):
    settings.WIKI_EDITS_PER_MINUTE = 2
    member = UserFactory()
    client.force_login(member)
    for number in (2, 3):
        response = client.post(f"/tr/wiki/{page.slug}/edit/", {"text": f"Edit {number}.", "base_number": number - 1})
        assert response.status_code == 302
    before = written()
    response = client.post(f"/tr/wiki/{page.slug}/edit/", {"text": "One more.", "base_number": 3})
    refused(response, 429, {"tr": "Son bir dakikada 2 değişiklik kaydettiniz."}, "tr", before)


@BOTH
def test_a_search_too_long_and_an_unknown_language_filter(client, language):
    response = client.get(f"/{language}/wiki/+search/", {"q": "x" * 201})
    assert response.status_code == 400
    response = client.get(f"/{language}/wiki/+recent/", {"language": "xx"})
    assert response.status_code == 400
    expected = {"en": "Select a valid choice.", "tr": "Geçerli bir seçenek seçin."}
    assert expected[language] in text_of(response)


def test_a_post_without_the_csrf_token_is_refused(page):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    before = written()
    response = client.post(f"/en/wiki/{page.slug}/edit/", {"text": "Forged.", "base_number": 1})
    assert response.status_code == 403
    assert written() == before


def test_numbers_beyond_any_revision_are_refused_not_crashed_on(member_client, page):
    huge = "9" * 30
    before = written()
    assert member_client.get(f"/en/wiki/{page.slug}/?revision={huge}").status_code == 404
    assert member_client.get(f"/en/wiki/{page.slug}/diff/?from=1&to={huge}").status_code == 404
    assert member_client.post(f"/en/wiki/{page.slug}/revert/{huge}/").status_code == 404
    response = member_client.post(f"/en/wiki/{page.slug}/edit/", {"text": "Changed.", "base_number": huge})
    assert response.status_code == 400
    response = member_client.post("/en/wiki/+new/", {"title": "New", "text": "Text.", "translation_of": huge})
    assert response.status_code == 400
    assert member_client.get(f"/en/wiki/+new/?translation_of={huge}").status_code == 404
    assert member_client.get(f"/en/wiki/+recent/?page={huge}").status_code == 200
    assert written() == before


@BOTH
def test_a_preview_of_text_over_one_megabyte(member_client, page, language):
    too_long = "ğ" * (app_settings.MAX_TEXT_BYTES // 2) + "x"
    message = {"en": "The text is too long", "tr": "Metin çok uzun"}
    before = written()
    response = member_client.post(
        f"/{language}/wiki/{page.slug}/edit/", {"text": too_long, "base_number": 1, "preview": "1"}
    )
    refused(response, 413, message, language, before)
    assert not BeautifulSoup(response.content.decode(), "html.parser").select(".wiki-preview")
    response = member_client.post(f"/{language}/wiki/+preview/", {"text": too_long})
    assert response.status_code == 413
    assert message[language] in response.content.decode()
