"""Every page in English and Turkish: the right lang, a switcher that keeps the page, fallback."""

import pytest
from django.utils import translation

from nlu.models import HomePage, StandardPage
from tests.factories import UserFactory
from tests.nlu.screen import html_lang, language_links, parse, text

NOT_YET_TRANSLATED = "Not yet translated: parts of this page are shown in English."


def add_page(**fields) -> StandardPage:
    """A published page under the demo home page, created as an editor would (English first)."""
    with translation.override("en"):
        home = HomePage.objects.get()
        page = home.add_child(instance=StandardPage(title=fields["title_en"], slug=fields["slug_en"], **fields))
        page.save_revision().publish()
    return page


def url_in(page, language) -> str:
    with translation.override(language):
        return page.get_url()


def turkish_note() -> str:
    with translation.override("tr"):
        note = translation.gettext(NOT_YET_TRANSLATED)
    assert note != NOT_YET_TRANSLATED, "the note has no Turkish translation"
    return note


def notes_shown(page) -> list[str]:
    return [text(note) for note in page.select('[role="note"]')]


@pytest.mark.parametrize("language", ["en", "tr"])
def test_home_page_is_in_its_language(client, demo, language):
    page = parse(client.get(f"/{language}/"))

    assert html_lang(page) == language
    with translation.override(language):
        assert text(page.h1) == HomePage.objects.get().title


def test_switcher_links_to_the_same_wagtail_page_by_its_translated_slug(client, demo):
    page = parse(client.get("/en/about/"))

    assert language_links(page) == {"en": "/en/about/", "tr": "/tr/hakkinda/"}


def test_switcher_on_turkish_page_links_back_to_english(client, demo):
    page = parse(client.get("/tr/hakkinda/"))

    assert html_lang(page) == "tr"
    assert language_links(page) == {"en": "/en/about/", "tr": "/tr/hakkinda/"}


def test_switcher_keeps_a_page_that_is_not_a_wagtail_page(client, demo):
    page = parse(client.get("/en/accounts/login/"))

    assert language_links(page) == {"en": "/en/accounts/login/", "tr": "/tr/accounts/login/"}
    assert html_lang(parse(client.get(language_links(page)["tr"]))) == "tr"


def test_root_sends_a_visitor_without_preference_to_english(client, demo):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_root_follows_the_browsers_language(client, demo):
    response = client.get("/", headers={"accept-language": "tr-TR,tr;q=0.9,en;q=0.5"})

    assert response["Location"] == "/tr/"


def test_root_follows_the_members_language_over_the_browsers(client, demo):
    client.force_login(UserFactory(language="tr"))

    response = client.get("/", headers={"accept-language": "en"})

    assert response["Location"] == "/tr/"


def test_english_is_shown_with_a_turkish_note_where_turkish_text_is_missing(client, demo):
    page = add_page(
        title_en="Code of conduct",
        slug_en="code-of-conduct",
        intro_en="Respect every worker.",
        body_en="<p>No harassment.</p>",
    )

    shown = parse(client.get(url_in(page, "tr")))

    assert html_lang(shown) == "tr"
    assert "Respect every worker." in text(shown.main)
    assert "No harassment." in text(shown.main)
    assert notes_shown(shown) == [turkish_note()]


def test_partly_translated_page_mixes_languages_and_says_so(client, demo):
    page = add_page(
        title_en="Code of conduct",
        title_tr="Davranış kuralları",
        slug_en="code-of-conduct",
        slug_tr="davranis-kurallari",
        intro_en="Respect every worker.",
        intro_tr="Her işçiye saygı gösterin.",
        body_en="<p>No harassment.</p>",
    )

    shown = parse(client.get(url_in(page, "tr")))

    assert "Her işçiye saygı gösterin." in text(shown.main)
    assert "Respect every worker." not in text(shown.main)
    assert "No harassment." in text(shown.main)
    assert notes_shown(shown) == [turkish_note()]


def test_fully_translated_page_has_no_note(client, demo):
    page = add_page(
        title_en="Code of conduct",
        title_tr="Davranış kuralları",
        slug_en="code-of-conduct",
        slug_tr="davranis-kurallari",
        intro_en="Respect every worker.",
        intro_tr="Her işçiye saygı gösterin.",
        body_en="<p>No harassment.</p>",
        body_tr="<p>Tacize yer yok.</p>",
    )

    assert url_in(page, "tr") == "/tr/davranis-kurallari/"
    shown = parse(client.get("/tr/davranis-kurallari/"))

    assert text(shown.h1) == "Davranış kuralları"
    assert "Tacize yer yok." in text(shown.main)
    assert notes_shown(shown) == []


def test_english_page_never_has_the_note(client, demo):
    page = add_page(title_en="Code of conduct", slug_en="code-of-conduct", intro_en="Respect every worker.")

    assert notes_shown(parse(client.get(url_in(page, "en")))) == []
