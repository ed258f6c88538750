"""Pages in several languages: the switcher on a page, writing "this page in Türkçe" pre-linked to its
group, links that arrive in the other language, and the interface in the reader's language."""

from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from wiki.models import WikiPage

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_a_page_without_a_turkish_version_offers_to_write_it(client, make_page):
    page = make_page("Research agenda")
    html = soup(client.get(f"/en/wiki/{page.slug}/"))
    switcher = html.select_one(".wiki-languages")
    link = switcher.find("a", string="Create this page in Türkçe")
    assert link["href"] == f"/tr/wiki/+new/?translation_of={page.pk}"
    assert link["hreflang"] == "tr"


def test_writing_the_turkish_version_links_both_pages(client, make_page, member):
    english = make_page("Research agenda", "# Research agenda\n\nOur questions.\n", tags=["research"])
    client.force_login(member)
    link = soup(client.get(f"/en/wiki/{english.slug}/")).find("a", string="Create this page in Türkçe")["href"]
    response = client.get(link)
    assert response.status_code == 200
    html = soup(response)
    assert html.h1.get_text() == "Yeni viki sayfası (Türkçe)"
    note = html.select_one(".note")
    assert note.a["href"] == f"/en/wiki/{english.slug}/" and note.a["lang"] == "en"
    form = html.select_one("form.wiki-form")
    assert form.select_one("input[name=translation_of]")["value"] == str(english.pk)
    assert "Our questions." in form.select_one("textarea[name=text]").get_text()  # to translate in place
    response = client.post(
        link,
        {
            "title": "Araştırma gündemi",
            "text": "# Araştırma gündemi\n\nSorularımız.\n",
            "summary": form.select_one("input[name=summary]")["value"],
            "translation_of": english.pk,
        },
    )
    assert response.status_code == 302
    assert unquote(response["Location"]) == "/tr/wiki/araştırma-gündemi/"
    turkish = WikiPage.objects.get(language="tr")
    assert turkish.translation_group == english.translation_group
    assert turkish.current_revision.summary == "English dilinden çevrildi"
    # Each page now links to the other, the other's title marked with its language.
    switcher = soup(client.get(f"/en/wiki/{english.slug}/")).select_one(".wiki-languages")
    link = switcher.find("a", string="This page in Türkçe")
    assert unquote(link["href"]) == "/tr/wiki/araştırma-gündemi/"
    assert switcher.find("span", lang="tr").get_text() == "Araştırma gündemi"
    back = soup(client.get(link["href"])).select_one(".wiki-languages")
    assert back.find("a", string="Bu sayfa English dilinde")["href"] == f"/en/wiki/{english.slug}/"
    # A second Turkish version cannot be started from the English page: the link goes to the one there is.
    response = client.get(f"/tr/wiki/+new/?translation_of={english.pk}")
    assert unquote(response["Location"]) == "/tr/wiki/araştırma-gündemi/"


def test_a_page_asked_for_in_another_language_goes_to_its_translation(client, make_page):
    """What a language switcher that keeps the page links to (the NLU site's: tests/nlu/test_wiki_in_host.py)."""
    english = make_page("Research agenda")
    turkish = make_page("Araştırma gündemi", language="tr", translation_of=english)
    response = client.get(f"/tr/wiki/{english.slug}/")
    assert response.status_code == 302
    assert unquote(response["Location"]) == f"/tr/wiki/{turkish.slug}/"
    history = client.get(f"/tr/wiki/{english.slug}/history/")
    assert unquote(history["Location"]) == f"/tr/wiki/{turkish.slug}/history/"


def test_a_page_not_yet_translated_says_so_in_the_other_language(client, make_page):
    english = make_page("Research agenda")
    response = client.get(f"/tr/wiki/{english.slug}/")
    assert response.status_code == 404
    html = soup(response)
    assert "Vikide bu adla Türkçe bir sayfa henüz yok." in html.get_text()
    read = html.select_one("main").find("a", lang="en")
    assert read["href"] == f"/en/wiki/{english.slug}/" and read.get_text() == "Research agenda"
    assert html.select_one("a.button")["href"] == f"/tr/wiki/+new/?translation_of={english.pk}"


def test_the_interface_is_in_the_url_language_and_other_languages_are_marked(client, make_page, member):
    make_page("Research agenda", author=member)
    make_page("Gündem", language="tr", author=member)
    html = soup(client.get("/tr/wiki/+recent/"))
    assert html.h1.get_text() == "Son değişiklikler"
    english = html.find("a", string="Research agenda")
    assert english["lang"] == "en" and english["href"] == "/en/wiki/research-agenda/"
    assert not html.find("a", string="Gündem").has_attr("lang")
    page = soup(client.get("/tr/wiki/gündem/"))
    assert page.select_one("article")["lang"] == "tr"
    assert [a.get_text() for a in page.select(".wiki-tabs a")] == [
        "Oku",
        "Geçmiş",
        "Buraya bağlantı verenler",
        "Markdown olarak dışa aktar",
        "MediaWiki XML",
    ]


def test_a_turkish_title_makes_a_turkish_address(client, member):
    client.force_login(member)
    response = client.post("/tr/wiki/+new/", {"title": "İşçi Örgütlenmesi", "text": "Metin."})
    assert unquote(response["Location"]) == "/tr/wiki/işçi-örgütlenmesi/"
    assert client.get(response["Location"]).status_code == 200
