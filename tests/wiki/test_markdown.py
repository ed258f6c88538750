"""Rendering: Markdown features, wiki links (existing, missing, labelled, Turkish) and the sanitiser's basics.

The HTML is parsed, never searched as a string (W3's XSS corpus covers the attacks at length).
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from wiki.errors import WikiError
from wiki.markdown import render, slug_for
from wiki.views.base import refusal_status

pytestmark = pytest.mark.django_db


def soup(text: str, language: str = "en") -> BeautifulSoup:
    return BeautifulSoup(render(text, language=language).html, "html.parser")


def test_a_table_keeps_its_alignment_without_a_style_attribute():
    table = soup("| Method | Hours |\n|:--|--:|\n| Webinar | 2 |\n").find("table")

    assert [th.get_text() for th in table.find_all("th")] == ["Method", "Hours"]
    assert [td.get_text() for td in table.find_all("td")] == ["Webinar", "2"]
    assert table.find_all("td")[1]["align"] == "right"
    assert not any(tag.has_attr("style") for tag in table.find_all(True))


def test_footnotes_link_to_the_note_and_back_within_the_page():
    page = soup("Polanyi wrote it.[^1]\n\n[^1]: Karl Polanyi, *The Great Transformation*, 1944.\n")

    reference = page.find("sup").find("a")
    note = page.find("div", class_="footnote").find("li")
    assert "footnote-ref" in reference["class"]
    assert reference["href"] == "#" + note["id"]
    assert "The Great Transformation" in note.get_text()
    back = note.find("a", class_="footnote-backref")
    assert back["href"] == "#" + page.find("sup")["id"]


def test_fenced_code_is_shown_as_code_with_its_language_and_not_interpreted():
    page = soup("```python\nprint('<b>not bold</b>')\n```\n")

    code = page.find("pre").find("code")
    assert code["class"] == ["language-python"]
    assert code.get_text() == "print('<b>not bold</b>')\n"
    assert code.find("b") is None


def test_the_table_of_contents_links_to_each_heading():
    page = soup("[TOC]\n\n## Why this group\n\ntext\n\n## Reading list\n\nmore\n")

    toc = page.find("div", class_="toc")
    targets = [a["href"] for a in toc.find_all("a")]
    headings = page.find_all("h2")
    assert [a.get_text() for a in toc.find_all("a")] == ["Why this group", "Reading list"]
    assert targets == ["#" + h2["id"] for h2 in headings]


def test_ids_are_prefixed_so_a_page_cannot_take_over_the_sites_own_ids():
    page = soup('## main\n\n<a id="csrf" href="#main">up</a>\n')

    assert page.find("h2")["id"] == "wiki-main"
    link = page.find("a", string="up")
    assert link["href"] == "#wiki-main"
    assert link["id"] == "wiki-csrf"


def test_a_link_to_an_existing_page_goes_to_it(make_page):
    make_page("Research agenda")

    rendered = render("See the [[Research agenda]].", language="en")
    link = BeautifulSoup(rendered.html, "html.parser").find("a")

    assert link.get_text() == "Research agenda"
    assert link["href"] == "/en/wiki/research-agenda/"
    assert not link.has_attr("class")
    assert rendered.links == {"research-agenda"}


def test_a_link_to_a_missing_page_is_a_red_link_to_create_it():
    rendered = render("We need [[Organising online]].", language="en")
    link = BeautifulSoup(rendered.html, "html.parser").find("a")

    assert link["class"] == ["wiki-missing"]
    url = urlsplit(link["href"])
    assert url.path == "/en/wiki/+new/"
    assert parse_qs(url.query) == {"title": ["Organising online"]}
    assert rendered.links == {"organising-online"}


def test_a_labelled_link_shows_the_label(make_page):
    make_page("Research agenda")

    link = soup("[[Research agenda|our agenda]]").find("a")

    assert link.get_text() == "our agenda"
    assert link["href"] == "/en/wiki/research-agenda/"


def test_a_labelled_link_in_a_table_cell_escapes_its_pipe_and_still_links(make_page):
    """A table cell ends at a pipe, so there the label's pipe is written \\| (as MediaWiki imports write it)."""
    make_page("Research agenda")

    table = "| Page | Note |\n|---|---|\n| [[Research agenda\\|our agenda]] | [[Missing page\\|to write]] |"

    cells = soup(table).find_all("td")

    assert [cell.a.get_text() for cell in cells] == ["our agenda", "to write"]
    assert cells[0].a["href"] == "/en/wiki/research-agenda/"
    assert parse_qs(urlsplit(cells[1].a["href"]).query)["title"] == ["Missing page"]


def test_links_stay_within_the_pages_language(make_page):
    make_page("Research agenda", language="en")

    link = soup("[[Research agenda]]", language="tr").find("a")

    assert link["class"] == ["wiki-missing"]
    assert urlsplit(link["href"]).path == "/tr/wiki/+new/"


def test_turkish_titles_link_by_their_unicode_slug(make_page):
    make_page("Çeviri ve Tercüme", language="tr")

    rendered = render("Bakınız [[Çeviri ve Tercüme]] ve [[İşyeri Örgütlenmesi|örgütlenme]].", language="tr")
    existing, missing = BeautifulSoup(rendered.html, "html.parser").find_all("a")

    assert urlsplit(existing["href"]).path == "/tr/wiki/%C3%A7eviri-ve-terc%C3%BCme/"
    assert not existing.has_attr("class")
    assert missing.get_text() == "örgütlenme"
    assert missing["class"] == ["wiki-missing"]
    assert parse_qs(urlsplit(missing["href"]).query) == {"title": ["İşyeri Örgütlenmesi"]}
    assert rendered.links == {"çeviri-ve-tercüme", "işyeri-örgütlenmesi"}


def test_the_links_of_a_text_are_looked_up_in_one_query(make_page, django_assert_num_queries):
    for title in ("One", "Two", "Three"):
        make_page(title)
    text = "\n".join(f"- [[{title}]]" for title in ("One", "Two", "Three", "Four", "Five"))

    with django_assert_num_queries(1):
        rendered = render(text, language="en")

    assert len(rendered.links) == 5


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Research agenda", "research-agenda"),
        ("Çeviri ve Tercüme", "çeviri-ve-tercüme"),
        ("Participation – Openness – Security", "participation-openness-security"),
        ("İşçi Işığı", "işçi-işığı"),
        ("  spaced   out  ", "spaced-out"),
        ("!!! ... ???", ""),
        ("–", ""),
    ],
)
def test_slug_for_keeps_letters_of_every_script_and_drops_punctuation(title, slug):
    assert slug_for(title) == slug


def test_wiki_link_syntax_in_code_is_left_as_typed():
    page = soup("Type `[[Page name]]` to link a page.")

    assert page.find("a") is None
    assert page.find("code").get_text() == "[[Page name]]"


def test_a_punctuation_only_wiki_link_is_left_as_text():
    rendered = render("What is [[!!!]]?", language="en")

    assert BeautifulSoup(rendered.html, "html.parser").find("a") is None
    assert rendered.links == set()


def test_raw_html_comes_out_sanitised():
    page = soup(
        '<p onclick="steal()" style="color:red">hi</p>\n\n'
        '<a href="javascript:alert(1)">x</a> <a href="https://example.org/" target="_blank">ok</a>\n\n'
        '<iframe src="https://evil.example/"></iframe><script>alert(1)</script>'
        '<img src="data:image/png;base64,AAAA" onerror="alert(1)">'
    )

    assert page.find(["script", "iframe"]) is None
    for tag in page.find_all(True):
        assert not any(name.startswith("on") or name in ("style", "target") for name in tag.attrs), tag
    bad, good = page.find_all("a")
    assert not bad.has_attr("href")
    assert good["href"] == "https://example.org/"
    assert not page.find("img").has_attr("src")


def test_a_wiki_link_cannot_carry_script_into_the_href():
    link = soup("[[javascript:alert(1)|click]]").find("a")

    url = urlsplit(link["href"])
    assert (url.scheme, url.path) == ("", "/en/wiki/+new/")
    assert parse_qs(url.query) == {"title": ["javascript:alert(1)"]}


def test_a_writers_own_classes_are_dropped():
    page = soup('<span class="wiki-missing admin-only">x</span> <a class="wiki-missing" href="/x">y</a>')

    assert not page.find("span").has_attr("class")
    assert page.find("a")["class"] == ["wiki-missing"]


# --- Texts that would take the renderer far too long are refused before it starts -------------
# Python-Markdown rescans a paragraph for each bracket and parses the text again at each level of
# nesting: 8,000 "[" in one paragraph take over a minute, and these texts would take hours.


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[x\n" * 3000, id="brackets-in-one-paragraph"),
        pytest.param("Intro\n" + "- [x\n" * 3000, id="list-lines-that-continue-a-paragraph"),
        pytest.param("> [x\n" * 3000, id="brackets-in-one-quote"),
        pytest.param("*" * 2000 + "a" + "*" * 2000, id="emphasis-nested-deep"),
        pytest.param("&amp;" * 3000, id="entities"),
        pytest.param(">" * 20 + " deep", id="quotes-nested-deep"),
        pytest.param("".join("  " * depth + "- x\n" for depth in range(100)), id="lists-nested-deep"),
        pytest.param("# x\n\n" * 2001, id="headings"),
        pytest.param("".join(f"x[^{n}]\n\n[^{n}]: note\n\n" for n in range(600)), id="footnotes"),
        pytest.param(("[a](b) " * 1100 + "\n\n") * 2, id="two-paragraphs-each-under-the-limit"),
    ],
)
def test_a_text_too_intricate_to_render_is_refused_with_a_clear_message(text):
    with pytest.raises(WikiError) as raised:
        render(text, language="en")

    assert (raised.value.code, refusal_status(raised.value)) == ("too_complex", 400)
    assert "Split it" in raised.value.message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("- [a](https://example.org/x_y) *b*\n" * 3000, id="a-long-list-of-links"),
        pytest.param("| a | b |\n|---|---|\n" + "| [x](y) *z* | w_1 |\n" * 3000, id="a-long-table-of-links"),
        pytest.param("```\n" + "x_y = a[1] < b & c * d\n" * 5000 + "```\n", id="a-long-code-listing"),
        pytest.param("".join("    " * depth + "- [x](y)\n" for depth in range(8)), id="lists-eight-deep"),
        pytest.param("> " * 5 + "quoted five deep", id="quotes-five-deep"),
        pytest.param("Workers **organise** across [networks](https://example.org).\n\n" * 3000, id="many-paragraphs"),
    ],
)
def test_long_but_ordinary_texts_are_rendered(text):
    html = render(text, language="en").html

    assert BeautifulSoup(html, "html.parser").find(True) is not None


def test_a_picture_in_a_page_is_fetched_when_scrolled_to():
    """A phone on a slow connection loads the page's text first."""
    image = soup("Our banner:\n\n![The strike committee](/media/strike.webp)\n").find("img")

    assert (image["src"], image["alt"]) == ("/media/strike.webp", "The strike committee")
    assert (image["loading"], image["decoding"]) == ("lazy", "async")
