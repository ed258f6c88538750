"""Maps: a ```mermaid block is a captioned figure holding its source as plain text, which the reader's
browser draws with the vendored mermaid, on the pages that have one and only there.

What a reader gets without JavaScript (and what a screen reader reads) is the figure: its caption and
its source, escaped. The wiki's attack corpus (``xss_vectors``) is run again inside diagrams; a diagram
over ``WIKI_MAX_DIAGRAM_BYTES`` is refused (413) in the writer's language with the text kept.
"""

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.templatetags.static import static
from django.test import Client

import wiki
from tests.factories import UserFactory
from wiki.conf import app_settings
from wiki.markdown import has_diagram, render
from wiki.models import Revision, WikiPage

from .test_xss import CLEAN_TEXT, MARKER, Document, assert_nothing_runs, fetch, problems, url
from .xss_vectors import VECTORS

pytestmark = pytest.mark.django_db

MINDMAP = "mindmap\n  root((Co-operative research))\n    Commons\n      Peer production\n    Platform co-ops"
FLOWCHART = 'flowchart LR\n  A[Occupy your space] --> B{Join?}\n  B -->|yes| C["Members & coordinators"]'
TIMELINE = "timeline\n  title Meetings of the working group\n  2026-01 : First meeting\n  2026-02 : Reading list"
MERMAID_JS = "wiki/vendor/mermaid/mermaid.min.js"
MAPS_JS = "wiki/maps.js"
REPOSITORY = Path(wiki.__file__).resolve().parent.parent
VENDORED = REPOSITORY / "wiki" / "static" / "wiki" / "vendor" / "mermaid"


def diagram(source: str, *, fence: str = "```") -> str:
    return f"{fence}mermaid\n{source}\n{fence}\n"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def figures(html: str) -> list:
    return soup(html).select("figure.wiki-map")


def text_of(response) -> str:
    return " ".join(soup(response.content.decode()).get_text(" ").split())


def scripts(response) -> list[str]:
    return [tag["src"] for tag in soup(response.content.decode()).find_all("script", src=True)]


# --- Rendering -----------------------------------------------------------------------------------


def test_a_mermaid_block_is_a_figure_with_a_caption_and_its_source_as_text():
    html = render(f"The agenda, as a map:\n\n{diagram(MINDMAP)}\nAnd after it, words.\n", language="en").html

    [figure] = figures(html)
    assert figure.find("figcaption").get_text() == "Diagram (mindmap)"  # the figure's accessible name
    source = figure.find("pre")
    assert source["class"] == ["mermaid-source"]
    assert source.get_text() == MINDMAP  # readable as it was written, without JavaScript
    assert not source.find(True)
    assert [p.get_text() for p in soup(html).find_all("p")] == ["The agenda, as a map:", "And after it, words."]
    assert has_diagram(html)


@pytest.mark.parametrize(
    ("source", "language", "caption"),
    [
        (FLOWCHART, "en", "Diagram (flowchart)"),
        (TIMELINE, "en", "Diagram: Meetings of the working group"),
        ("---\ntitle: Research agenda\n---\nflowchart TD\n  A --> B", "en", "Diagram: Research agenda"),
        ("flowchart TD\n  accTitle: Who joins\n  A --> B", "en", "Diagram: Who joins"),
        (MINDMAP, "tr", "Diyagram (mindmap)"),
        (TIMELINE, "tr", "Diyagram: Meetings of the working group"),
    ],
)
def test_a_diagram_is_named_by_its_title_or_its_kind_in_the_pages_language(source, language, caption):
    [figure] = figures(render(diagram(source), language=language).html)
    assert figure.find("figcaption").get_text() == caption
    assert figure.find("pre", class_="mermaid-source").get_text() == source


def test_markup_inside_a_diagram_stays_text_and_nothing_of_it_is_lost():
    source = (
        "flowchart LR\n"
        '  A["<script>alert(1)</script>"] --> B["<img src=x onerror=alert(2)>"]\n'
        '  click A "javascript:alert(3)"\n'
        "  C[\"<a href='javascript:alert(4)'>link</a>\"] --> D[</pre><script>alert(5)</script>]\n"
        "  %% <!-- --><svg onload=alert(6)> &amp; &lt;b&gt;"
    )
    html = render(diagram(source), language="en").html

    assert problems(html) == []
    [figure] = figures(html)
    pre = figure.find("pre", class_="mermaid-source")
    assert pre.get_text() == source
    assert not pre.find(True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;amp; &amp;lt;b&amp;gt;" in html  # entities in the source are shown as typed
    # The caption is the writer's words too: escaped.
    titled = render(diagram("timeline\n  title <img src=x onerror=alert(1)> & co"), language="en").html
    assert figures(titled)[0].find("figcaption").get_text() == "Diagram: <img src=x onerror=alert(1)> & co"
    assert problems(titled) == []


def test_raw_html_cannot_pass_itself_off_as_a_diagram():
    forged = (
        '<figure class="wiki-map"><figcaption>Fake</figcaption>'
        '<pre class="mermaid-source">mindmap\n  root</pre></figure>\n\n'
        '<pre class="wiki-diagram-0123456789abcdef-0">mindmap</pre>\n\n'
        '`<figure class="wiki-map">` in a code span\n'
    )
    html = render(forged, language="en").html

    assert not has_diagram(html)
    assert not figures(html)
    assert all(not tag.get("class") for tag in soup(html).find_all(["figure", "pre"]))


def test_other_fenced_code_and_unclosed_fences_are_not_diagrams():
    html = render("```python\nprint('mermaid')\n```\n\n```mermaid\nmindmap\n  never closed\n", language="en").html
    assert not has_diagram(html)
    assert soup(html).find("code", class_="language-python")


def test_several_diagrams_each_get_their_figure_in_order():
    text = f"{diagram(MINDMAP)}\nBetween.\n\n{diagram(FLOWCHART, fence='~~~~')}\n{diagram(TIMELINE)}"
    found = figures(render(text, language="en").html)
    assert [figure.find("pre").get_text() for figure in found] == [MINDMAP, FLOWCHART, TIMELINE]


# --- Pages: mermaid is loaded where there is a diagram, and only there -----------------------------


def test_a_page_without_a_diagram_does_not_load_mermaid(client, make_page):
    page = make_page("Reading list", "Polanyi, *The Great Transformation*.\n\n```python\nmermaid = 1\n```\n")
    response = client.get(url("page", page.slug))

    assert response.status_code == 200
    assert not any("mermaid" in src or src.endswith("maps.js") for src in scripts(response))
    assert "private" not in response.get("Cache-Control", "")


def test_a_page_with_a_diagram_loads_the_vendored_mermaid_and_shows_the_source(client, make_page):
    page = make_page("Agenda map", f"The agenda:\n\n{diagram(MINDMAP)}")
    response = client.get(url("page", page.slug))

    assert response.status_code == 200
    assert scripts(response)[-2:] == [static(MERMAID_JS), static(MAPS_JS)]  # after the page's text
    assert static(MERMAID_JS).startswith(static(""))  # the site's own files: no CDN
    document = soup(response.content.decode())
    figure = document.select_one("article figure.wiki-map")
    assert figure.find("figcaption").get_text() == "Diagram (mindmap)"
    assert figure.find("pre").get_text() == MINDMAP
    maps = document.find("script", src=static(MAPS_JS))
    assert maps["data-source-label"] == "Diagram source"
    assert maps.has_attr("defer") and document.find("script", src=static(MERMAID_JS)).has_attr("defer")


def test_the_labels_of_the_drawing_come_in_the_readers_language(client, make_page):
    page = make_page("Ajanda haritası", diagram(MINDMAP), language="tr")
    response = client.get(f"/tr/wiki/{page.slug}/")

    maps = soup(response.content.decode()).find("script", src=static(MAPS_JS))
    assert maps["data-source-label"] == "Diyagramın kaynağı"
    assert maps["data-failed-label"] == "Bu diyagram çizilemedi: kaynağı gösteriliyor."
    assert figures(response.content.decode())[0].find("figcaption").get_text() == "Diyagram (mindmap)"


def test_an_old_revision_loads_mermaid_only_if_it_has_a_diagram(client, make_page, edit):
    page = make_page("Agenda", "Words only.\n")
    edit(page, f"Now a map:\n\n{diagram(MINDMAP)}")

    assert static(MERMAID_JS) in scripts(client.get(url("page", page.slug)))
    assert static(MERMAID_JS) not in scripts(client.get(url("page", page.slug, "?revision=1")))


def test_the_preview_loads_mermaid_only_when_the_text_has_a_diagram(member_client, make_page):
    page = make_page("Agenda", f"A map:\n\n{diagram(MINDMAP)}")

    form = member_client.get(url("edit", page.slug))  # the form shows the text, not a drawing
    assert static(MERMAID_JS) not in scripts(form)
    assert soup(form.content.decode()).select_one("textarea[name=text]").get_text().strip() == page.text.strip()

    data = {"text": f"Still a map:\n\n{diagram(FLOWCHART)}", "summary": "", "base_number": 1, "preview": "1"}
    preview = member_client.post(url("edit", page.slug), data)
    assert preview.status_code == 200
    assert static(MERMAID_JS) in scripts(preview)
    assert soup(preview.content.decode()).select_one(".wiki-preview figure.wiki-map pre").get_text() == FLOWCHART

    words = member_client.post(url("create"), {"title": "Plain", "text": "No map here.\n", "preview": "1"})
    assert words.status_code == 200 and soup(words.content.decode()).select_one(".wiki-preview")
    assert static(MERMAID_JS) not in scripts(words)
    new = member_client.post(url("create"), {"title": "Map", "text": diagram(TIMELINE), "preview": "1"})
    assert static(MERMAID_JS) in scripts(new)
    assert WikiPage.objects.filter(slug__in=["plain", "map"]).count() == 0  # previews save nothing


def csp_client(settings) -> Client:
    """A client of a site sending the NLU's Content-Security-Policy (the bare test host has none of its own)."""
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = ["csp.middleware.CSPMiddleware", *settings.MIDDLEWARE]
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "data:"], "object-src": ["'none'"]}
        }
    return Client()


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {directive[0]: directive[1:] for directive in directives}


def test_only_a_page_with_a_diagram_allows_mermaids_styles_and_only_by_its_own_nonce(settings, make_page):
    client = csp_client(settings)
    plain = make_page("Plain", "Words only.\n")
    mapped = make_page("Mapped", diagram(MINDMAP))

    strict = policy(client.get(url("page", plain.slug)))
    assert "'self'" in strict["default-src"]
    assert not any(
        value == "'unsafe-inline'" or value.startswith("'nonce-") for values in strict.values() for value in values
    )
    assert "style-src-elem" not in strict and "style-src-attr" not in strict

    nonces = []
    for _ in range(2):
        response = client.get(url("page", mapped.slug))
        drawn = policy(response)
        nonce = soup(response.content.decode()).find("script", src=static(MAPS_JS))["nonce"]
        assert drawn["style-src-elem"] == [*strict.get("style-src", strict["default-src"]), f"'nonce-{nonce}'"]
        assert drawn["style-src-attr"] == ["'unsafe-inline'"]
        # Scripts stay as strict as everywhere: no inline script, no nonce for scripts.
        assert {key: drawn[key] for key in strict} == strict
        assert "private" in response["Cache-Control"]  # a nonce is never served twice
        nonces.append(nonce)
    assert len(set(nonces)) == 2 and all(len(nonce) >= 16 for nonce in nonces)


def test_the_anonymous_page_cache_keeps_no_page_with_a_nonce(settings, make_page):
    if "nlu.page_cache.AnonymousPageCacheMiddleware" not in settings.MIDDLEWARE:
        pytest.skip("the NLU host's anonymous page cache is not in this host")
    settings.NLU_PAGE_CACHE_SECONDS = 300
    client = Client()
    mapped = make_page("Mapped", diagram(MINDMAP))
    first, second = client.get(url("page", mapped.slug)), client.get(url("page", mapped.slug))

    nonce = [soup(r.content.decode()).find("script", src=static(MAPS_JS))["nonce"] for r in (first, second)]
    assert nonce[0] != nonce[1]
    for response, own in zip((first, second), nonce, strict=True):
        assert f"'nonce-{own}'" in policy(response)["style-src-elem"]


# --- The attack corpus, with diagrams --------------------------------------------------------------


def inside(text: str) -> str:
    """``text`` as a whole diagram: in a fence longer than any run of backticks in it."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    return diagram(text, fence="`" * max(3, longest + 1))


def as_python_markdown_reads_it(text: str) -> str:
    """What the renderer sees of a line: tabs expanded, the characters it reserves (STX, ETX) dropped."""
    return text.expandtabs(4).replace("\x02", "").replace("\x03", "")


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in VECTORS])
def test_rendered_diagrams_keep_nothing_that_runs(text):
    html = render(f"{MARKER}\n\n{inside(text)}\n{text}\n\n{diagram(text)}", language="en").html

    assert problems(html) == []
    # The first diagram holds the whole vector, as inert text.
    first = figures(html)[0].find("pre", class_="mermaid-source")
    assert not first.find(True)
    assert first.get_text() == as_python_markdown_reads_it(text).strip("\n")


def views_of_diagram(page: WikiPage, *, text: str, member) -> dict:
    """Each page that shows a text with diagrams as HTML: the page, the previews (fragment, edit, new page)."""
    reader, writer = Client(raise_request_exception=False), Client(raise_request_exception=False)
    writer.force_login(member)
    current = page.revisions.order_by("-number").first().number
    return {
        "page": fetch(reader, url("page", page.slug)),
        "preview": fetch(writer, url("preview"), {"text": text}),
        "edit-preview": fetch(
            writer, url("edit", page.slug), {"text": text, "summary": "", "base_number": current, "preview": "1"}
        ),
        "create-preview": fetch(writer, url("create"), {"title": "Probe preview", "text": text, "preview": "1"}),
    }


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in VECTORS])
def test_pages_showing_diagrams_keep_nothing_that_runs(text, member, make_page):
    clean_text = f"{CLEAN_TEXT}\n{diagram(MINDMAP)}"
    page = make_page("Probe map", clean_text, author=member)
    clean = views_of_diagram(page, text=clean_text, member=member)

    attack = f"{MARKER} opening words of the research agenda.\n\n{inside(text)}\n{diagram(text)}"
    writer = Client()  # the attack is saved as a member would save it
    writer.force_login(member)
    saved = writer.post(url("edit", page.slug), {"text": attack, "summary": "", "base_number": 1})
    assert saved.status_code == 302
    attacked = views_of_diagram(page, text=attack, member=member)

    assert_nothing_runs(attacked, clean, names=[page.slug], statuses={})
    for view, (_, html) in attacked.items():
        assert MARKER in Document(html).text, view
        assert figures(html), view  # the diagrams are there, as text, and the page loads mermaid
        assert (static(MERMAID_JS) in html) is (view != "preview"), view  # the fragment loads nothing


# --- A diagram too large ----------------------------------------------------------------------------

TOO_LARGE = {"en": "A diagram is too large", "tr": "Diyagram çok büyük"}
LIMIT_SHOWN = {"en": "50,000", "tr": "50.000"}
SPLIT = {"en": "Split it into smaller diagrams.", "tr": "Onu daha küçük diyagramlara bölün."}


def big_mindmap(size: int) -> str:
    """A mindmap source of ``size`` bytes of UTF-8 (Turkish letters take two)."""
    head = "mindmap\n  root((Kooperatif araştırma))\n"
    branch = "    Müşterekler ve eşler arası üretim\n"
    body = head + branch * ((size - len(head.encode())) // len(branch.encode()))
    return (body + "x" * (size - len(body.encode()))).rstrip("\n")


@pytest.fixture
def writer(client, language):
    member = UserFactory(language=language)
    client.force_login(member)
    return client


@pytest.fixture(params=["en", "tr"])
def language(request):
    return request.param


def written() -> tuple[int, int]:
    return WikiPage.objects.count(), Revision.objects.count()


def assert_refused_and_kept(response, language: str, text: str, before) -> None:
    assert response.status_code == 413
    shown = text_of(response)
    assert TOO_LARGE[language] in shown
    assert LIMIT_SHOWN[language] in shown and SPLIT[language] in shown
    alert = soup(response.content.decode()).select_one("[role=alert]")
    assert TOO_LARGE[language] in alert.get_text()
    # Nothing typed is lost: the form comes back with the whole text.
    kept = soup(response.content.decode()).select_one("textarea[name=text]").get_text()
    assert kept.strip("\r\n") == text.strip("\n")
    assert written() == before


def test_a_diagram_over_the_limit_is_refused_on_save_and_on_preview(writer, make_page, language):
    page = make_page("Agenda", "The agenda.\n", language=language)
    source = big_mindmap(990_000)  # a diagram of about a megabyte, in a text the wiki would take
    text = f"The whole agenda as one map:\n\n{diagram(source)}"
    assert len(text.encode()) <= app_settings.MAX_TEXT_BYTES
    before = written()

    edit = f"/{language}/wiki/{page.slug}/edit/"
    save = writer.post(edit, {"text": text, "summary": "Map", "base_number": 1})
    assert_refused_and_kept(save, language, text, before)
    preview = writer.post(edit, {"text": text, "summary": "", "base_number": 1, "preview": "1"})
    assert_refused_and_kept(preview, language, text, before)
    assert not soup(preview.content.decode()).select(".wiki-preview")
    assert static(MERMAID_JS) not in scripts(preview)

    create = writer.post(f"/{language}/wiki/+new/", {"title": "Huge map", "text": text})
    assert_refused_and_kept(create, language, text, before)
    assert soup(create.content.decode()).select_one("input[name=title]")["value"] == "Huge map"
    create_preview = writer.post(f"/{language}/wiki/+new/", {"title": "Huge map", "text": text, "preview": "1"})
    assert_refused_and_kept(create_preview, language, text, before)

    fragment = writer.post(f"/{language}/wiki/+preview/", {"text": text})
    assert fragment.status_code == 413
    assert TOO_LARGE[language] in fragment.content.decode() and SPLIT[language] in fragment.content.decode()
    page.refresh_from_db()
    assert page.text == "The agenda.\n"


def test_a_diagram_of_exactly_the_limit_is_saved_and_one_byte_more_is_not(member_client, make_page):
    page = make_page("Agenda", "The agenda.\n")
    limit = app_settings.MAX_DIAGRAM_BYTES
    fits, over = big_mindmap(limit), big_mindmap(limit + 1)
    assert (len(fits.encode()), len(over.encode())) == (limit, limit + 1)

    refused = member_client.post(url("edit", page.slug), {"text": diagram(over), "base_number": 1})
    assert refused.status_code == 413
    assert f"{limit + 1:,} bytes" in text_of(refused)
    saved = member_client.post(url("edit", page.slug), {"text": diagram(fits), "base_number": 1})
    assert saved.status_code == 302
    page.refresh_from_db()
    assert figures(page.current_revision.html)[0].find("pre").get_text() == fits


def test_the_limit_is_a_setting(member_client, make_page, settings):
    settings.WIKI_MAX_DIAGRAM_BYTES = 100
    page = make_page("Agenda", "The agenda.\n")
    response = member_client.post(url("edit", page.slug), {"text": diagram(big_mindmap(101)), "base_number": 1})
    assert response.status_code == 413
    assert "at most 100." in text_of(response)
    # A code block of any other language is no diagram, whatever its size.
    response = member_client.post(url("edit", page.slug), {"text": f"```text\n{'x' * 5000}\n```\n", "base_number": 1})
    assert response.status_code == 302


# --- The vendored mermaid ---------------------------------------------------------------------------


def test_the_vendored_mermaid_is_the_pinned_release_with_its_licence_and_sums():
    pinned = re.search(r"^MERMAID_VERSION := (\S+)$", (REPOSITORY / "Makefile").read_text(), re.MULTILINE).group(1)
    assert (VENDORED / "VERSION").read_text().strip() == pinned
    sums = dict(reversed(line.split()) for line in (VENDORED / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"mermaid.min.js", "LICENSE"}
    for name, digest in sums.items():
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest, name
    assert f'"{pinned}"' in (VENDORED / "mermaid.min.js").read_text()
    assert "MIT License" in (VENDORED / "LICENSE").read_text()


@pytest.mark.skipif(not (shutil.which("make") and shutil.which("sha256sum")), reason="make or sha256sum missing")
def test_make_vendor_check_passes_and_fails_on_a_changed_copy(tmp_path):
    def check(folder: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["make", "--no-print-directory", "-s", "vendor-check", f"MERMAID_DIR={folder}"],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert check(VENDORED).returncode == 0
    copy = tmp_path / "mermaid"
    shutil.copytree(VENDORED, copy)
    assert check(copy).returncode == 0
    with (copy / "mermaid.min.js").open("ab") as script:
        script.write(b"\nalert(1);\n")
    assert check(copy).returncode != 0
    shutil.copy(VENDORED / "mermaid.min.js", copy / "mermaid.min.js")
    (copy / "VERSION").write_text("12.3.0\n")
    assert check(copy).returncode != 0
