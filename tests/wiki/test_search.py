"""Search over titles and text through Wagtail's search backend (the database backend: SQLite's full-text
index here, PostgreSQL's full text with DATABASE_URL), one language at a time."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize("language", ["en", "tr"])


def results(client, query: str, language: str = "en") -> list[tuple[str, str]]:
    response = client.get(f"/{language}/wiki/+search/", {"q": query})
    assert response.status_code == 200
    html = BeautifulSoup(response.content.decode(), "html.parser")
    return [(item.a.get_text(), item.p.get_text()) for item in html.select(".wiki-results li") if item.p]


@pytest.fixture
def pages(make_page):
    return {
        "funds": make_page("Strike funds", "How unions collect money so that members can stay out on strike.\n"),
        "agenda": make_page("Research agenda", "Our first question: how do couriers organise across cities?\n"),
        "turkish": make_page("Grev fonları", "Sendikalar grevdeki üyeleri nasıl destekler?\n", language="tr"),
    }


def test_finds_a_page_by_its_title(client, pages):
    found = results(client, "strike")
    assert [title for title, _snippet in found][:1] == ["Strike funds"]
    assert "Research agenda" not in [title for title, _snippet in found]


def test_finds_a_page_by_a_word_of_its_text(client, pages):
    found = results(client, "couriers")
    assert [title for title, _snippet in found] == ["Research agenda"]
    snippet = found[0][1]
    assert "how do couriers organise" in snippet


def test_searches_the_pages_of_the_url_language_only(client, pages):
    assert results(client, "grev", "en") == []
    assert [title for title, _snippet in results(client, "Sendikalar", "tr")] == ["Grev fonları"]
    assert results(client, "couriers", "tr") == []


def test_finds_the_text_of_the_latest_revision(client, pages, edit):
    edit(pages["agenda"], "Now about cleaners and their contracts.\n")
    assert [title for title, _snippet in results(client, "cleaners")] == ["Research agenda"]


def test_the_snippet_marks_the_words_and_shows_markup_as_text(client, make_page):
    make_page("Payload", "Leading words. <img src=x onerror=alert(1)> then the solidarity part.\n")
    response = client.get("/en/wiki/+search/", {"q": "solidarity"})
    html = BeautifulSoup(response.content.decode(), "html.parser")
    item = html.select_one(".wiki-results li")
    assert item.select_one("mark").get_text().lower() == "solidarity"
    assert not item.find("img")
    assert "<img src=x onerror=alert(1)>" in item.p.get_text()


@BOTH
def test_no_match_offers_to_create_the_page(client, pages, language):
    response = client.get(f"/{language}/wiki/+search/", {"q": "Nonexistentword"})
    html = BeautifulSoup(response.content.decode(), "html.parser")
    expected = "No page in this language matches" if language == "en" else "Bu dilde “Nonexistentword” ile eşleşen"
    assert expected in html.select_one(".wiki-results").get_text()
    assert html.select_one(".wiki-results a")["href"] == f"/{language}/wiki/+new/?title=Nonexistentword"


@BOTH
def test_an_empty_search_shows_only_the_form(client, language):
    response = client.get(f"/{language}/wiki/+search/")
    assert response.status_code == 200
    html = BeautifulSoup(response.content.decode(), "html.parser")
    assert html.select_one("form[role=search] input[name=q]")
    assert not html.select(".wiki-results")


def test_results_are_paginated(client, make_page, settings):
    settings.WIKI_EDITS_PER_MINUTE = 100
    for number in range(55):
        make_page(f"Cooperative {number}", "About the cooperative.\n")
    first = BeautifulSoup(client.get("/en/wiki/+search/", {"q": "cooperative"}).content.decode(), "html.parser")
    assert len(first.select(".wiki-results li")) == 50
    link = first.select_one(".pagination a[rel=next]")["href"]
    assert link == "?q=cooperative&page=2"
    second = BeautifulSoup(client.get(f"/en/wiki/+search/{link}").content.decode(), "html.parser")
    assert len(second.select(".wiki-results li")) == 5


def test_quotes_and_colons_in_a_search_are_words_not_syntax(client, make_page):
    make_page("Payload", 'Before <script/xss src="https://evil.example/x.js"></script> "solidarity" after.\n')
    for query in ('src="https://evil.example/x.js">', '"unbalanced', "title:payload", "a AND (b OR", "*", "'"):
        response = client.get("/en/wiki/+search/", {"q": query})
        assert response.status_code == 200, query
    assert [title for title, _snippet in results(client, '"solidarity')] == ["Payload"]
