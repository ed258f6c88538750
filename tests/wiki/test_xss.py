"""No text a member can type runs script in a reader's browser: the corpus of ``xss_vectors`` goes
through the renderer and through every page that shows what members wrote.

The HTML is parsed (Python's ``html.parser``), not searched for substrings: what counts is which
elements and attributes a browser would build. Per vector, the views are compared with the same
views showing clean text, so the site's own chrome (its stylesheet and script links, the sign-out
and search forms) is told apart from anything the text brought in.
"""

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import unquote, urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from wiki.markdown import render
from wiki.models import WikiPage
from wiki.services import page_create, page_save

from .xss_vectors import TITLES, VECTORS

pytestmark = pytest.mark.django_db

SAFE_SCHEMES = {"http", "https", "mailto"}
# Elements that run, embed, submit, redirect or restyle. Rendered text may contain none; a view may
# contain only those its clean twin has too (its own script and stylesheet links, its own forms).
GUARDED_ELEMENTS = {
    *("script", "style", "link", "meta", "base", "iframe", "frame", "frameset", "object", "embed", "applet"),
    *("form", "input", "button", "textarea", "select", "isindex", "svg", "math", "template", "noscript", "portal"),
    *("<!--", "<!", "<![", "<?"),
}
URL_ATTRIBUTES = {
    *("href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background", "data", "cite"),
    *("longdesc", "lowsrc", "dynsrc", "ping", "codebase", "classid", "archive", "usemap", "manifest", "icon"),
}
# Attribute values that change on every request or with the number of rows, not with the text shown.
VOLATILE_ATTRIBUTES = {"value", "nonce"}

SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
# What browsers drop from a URL before reading its scheme (WHATWG URL parsing): C0 controls and
# spaces at either end, tabs and line breaks anywhere.
C0_AND_SPACE = "".join(map(chr, range(0x21)))
TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")

MARKER = "Quokkaprobe"  # a word on the attacked page, to search for
SUMMARY_MARKER = "Quokkaedit"  # starts the attacking edit's summary, to find it in lists
CLEAN_TEXT = f"{MARKER} opening words of the research agenda.\n\nThe agenda has three parts.\n"


class Document(HTMLParser):
    """The start tags (with attribute values unescaped, as a browser reads them) and the text of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_data(self, data):
        self.chunks.append(data)

    # Comments, CDATA sections, doctypes and processing instructions are kept as pseudo-elements:
    # browsers end some comments earlier than html.parser does ("<!-->"), so a comment the clean
    # page does not have may be hiding markup.
    def handle_comment(self, data):
        self.elements.append(("<!--", [("data", data)]))

    def handle_decl(self, decl):
        self.elements.append(("<!", [("data", decl)]))

    def unknown_decl(self, data):
        self.elements.append(("<![", [("data", data)]))

    def handle_pi(self, data):
        self.elements.append(("<?", [("data", data)]))

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def urls_in(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
    if name == "ping":
        return value.split()
    return [value]


def unsafe_url(url: str) -> bool:
    scheme = SCHEME.match(TABS_AND_NEWLINES.sub("", url.strip(C0_AND_SPACE)))
    return scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES


def signature(tag: str, attrs, names: Iterable[str]) -> tuple:
    """A guarded element as the same template would print it again: revision numbers, queries and ``names``
    (the ways a URL may name the page shown) blanked."""

    def blank(name: str, value: str) -> str:
        if name in URL_ATTRIBUTES:
            value = unquote(value.partition("?")[0])  # the language links carry the page's query (a search)
        for name_ in names:
            value = value.replace(name_, "<name>")
        return re.sub(r"\d+", "#", value)

    return (
        tag,
        tuple(sorted((name, blank(name, value or "")) for name, value in attrs if name not in VOLATILE_ATTRIBUTES)),
    )


def problems(html: str, *, allowed: set[tuple] = frozenset(), names: Iterable[str] = ()) -> list[str]:
    """What in ``html`` could run script or send the reader elsewhere; an empty list when nothing."""
    found = []
    for tag, attrs in Document(html).elements:
        if tag in GUARDED_ELEMENTS and signature(tag, attrs, names) not in allowed:
            found.append(f"<{tag} {attrs}>")
        if tag.startswith("<"):
            continue
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag}> with event handler {name}={value!r}")
            elif name == "style":
                found.append(f"<{tag}> with style={value!r}")
            elif name in URL_ATTRIBUTES or name.endswith(("href", "src", "action")):
                found.extend(f"<{tag}> with {name}={value!r}" for url in urls_in(name, value or "") if unsafe_url(url))
    return found


def guarded(html: str, names: Iterable[str]) -> set[tuple]:
    return {signature(tag, attrs, names) for tag, attrs in Document(html).elements if tag in GUARDED_ELEMENTS}


def test_the_checker_sees_what_a_browser_would_run():
    """The checks themselves: a sanitiser that let these through must not pass the corpus."""
    assert (
        problems("<p>Plain <a href='/en/wiki/x/'>words</a> <a href='#wiki-a'>b</a> <a href=MAILTO:x@y>c</a></p>") == []
    )
    assert problems("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == []
    for dangerous in [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=/static/x.js></SCRIPT>",
        "<img src=x OnError=alert(1)>",
        "<p style='color: red'>x</p>",
        "<a href='java&#x09;script&colon;alert(1)'>x</a>",
        "<a href=' &#14; JaVaScRiPt:alert(1)'>x</a>",
        "<a href='java\nscript:alert(1)'>x</a>",
        "<img srcset='https://example.org/a.png 1x, data:image/svg+xml,x 2x'>",
        "<svg><a xlink:href='vbscript:x'>x</a></svg>",
        "<iframe></iframe>",
        "<meta http-equiv=refresh content='0;url=https://example.org/'>",
        "<!--><script>alert(1)</script>-->",
    ]:
        assert problems(dangerous), dangerous
    chrome = '<form method="post" action="/en/wiki/page/revert/2/"><input name="t" value="a1"></form>'
    again = '<form method="post" action="/en/wiki/page/revert/3/"><input name="t" value="b2"></form>'
    assert problems(again, allowed=guarded(chrome, ["page"]), names=["page"]) == []
    assert problems('<form action="/elsewhere/"></form>', allowed=guarded(chrome, ["page"]), names=["page"])


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in VECTORS])
def test_rendered_markdown_keeps_nothing_that_runs(text):
    assert problems(render(text, language="en").html) == []


def url(name: str, slug: str | None = None, query: str = "") -> str:
    with translation.override("en"):
        return reverse(f"wiki:{name}", args=[slug] if slug else []) + query


def one_line(text: str) -> str:
    return " ".join(text.split())


def fetch(client, path: str, data: dict | None = None) -> tuple[int, str]:
    response = client.post(path, data) if data is not None else client.get(path)
    return response.status_code, response.content.decode()


def assert_nothing_runs(attacked: dict, clean: dict, *, names: list[str], statuses: dict[str, int]) -> None:
    """Each view answered as it should, and shows nothing its clean twin does not (see ``problems``)."""
    assert {view: status for view, (status, _) in clean.items() if status != statuses.get(view, 200)} == {}
    found = {
        view: [f"HTTP {status}"]
        if status != statuses.get(view, 200)
        else problems(html, allowed=guarded(clean[view][1], names), names=names)
        for view, (status, html) in attacked.items()
    }
    failures = {view: listed for view, listed in found.items() if listed}
    assert not failures, "\n".join(f"{view}: {listed}" for view, listed in failures.items())


def views_showing(page: WikiPage, *, text: str, query: str, diff: tuple[int, int], conflict: tuple, member) -> dict:
    """Each page that shows the text or the summaries of ``page``: the status and HTML a reader gets.

    ``text`` is previewed, ``conflict`` (a base revision and a text) is saved to run into an edit conflict.
    """
    reader, member_client = Client(raise_request_exception=False), Client(raise_request_exception=False)
    member_client.force_login(member)
    current = page.revisions.order_by("-number").first().number
    return {
        "page": fetch(reader, url("page", page.slug)),
        "history": fetch(reader, url("history", page.slug)),
        "diff": fetch(reader, url("diff", page.slug, f"?from={diff[0]}&to={diff[1]}")),
        "recent": fetch(reader, url("recent")),
        "search": fetch(reader, url("search", query=f"?q={MARKER}")),
        "search-query": fetch(reader, url("search", query="?" + urlencode({"q": query}))),
        "recent-by-member": fetch(reader, url("recent", query="?" + urlencode({"member": query}))),  # no such member
        "preview": fetch(member_client, url("preview"), {"text": text}),
        "edit": fetch(member_client, url("edit", page.slug)),
        "edit-preview": fetch(
            member_client, url("edit", page.slug), {"text": text, "summary": "", "base_number": current, "preview": "1"}
        ),
        "conflict": fetch(
            member_client, url("edit", page.slug), {"text": conflict[1], "summary": "", "base_number": conflict[0]}
        ),
    }


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in VECTORS])
def test_pages_showing_the_text_and_summary_keep_nothing_that_runs(text, member):
    page = page_create(title="Probe page", language="en", text=CLEAN_TEXT, summary="First draft", author=member)
    second = CLEAN_TEXT + "\nA closing line.\n"
    page_save(page=page, text=second, summary="Tidied", author=member, base_number=1)
    overlapping = (1, CLEAN_TEXT + "\nAnother closing line.\n")  # changes the line revision 2 added
    clean = views_showing(page, text=CLEAN_TEXT, query=MARKER, diff=(1, 2), conflict=overlapping, member=member)

    attack = f"{MARKER} opening words of the research agenda.\n\n{text}\n"
    summary = f"{SUMMARY_MARKER} {one_line(text)}"[:300]
    page_save(page=page, text=attack, summary=summary, author=member, base_number=2)
    # Someone else, from revision 2, rewrote the line the attack replaced: both texts end up on the conflict page.
    mine = second.replace("The agenda has three parts.", f"My version: four parts.\n\n{text}")
    query = one_line(text)[:150]  # what the search and member fields take
    attacked = views_showing(page, text=attack, query=query, diff=(2, 3), conflict=(2, mine), member=member)

    assert_nothing_runs(attacked, clean, names=[page.slug], statuses={"conflict": 409, "recent-by-member": 400})
    # The views did show what was attacked, so the checks above looked at something.
    texts = {view: Document(html).text for view, (_, html) in attacked.items()}
    for view in ("page", "preview", "edit", "edit-preview"):
        assert MARKER in texts[view], view
    assert "The agenda has three parts." in texts["diff"]  # the clean line the attack replaced
    assert SUMMARY_MARKER in texts["history"]
    assert SUMMARY_MARKER in texts["recent"]
    assert "My version: four parts." in texts["conflict"]
    assert f"No member has the username “{query.strip()}”." in texts["recent-by-member"]
    assert any(
        dict(attrs).get("href") == url("page", page.slug) for tag, attrs in Document(attacked["search"][1]).elements
    )


def views_naming(page: WikiPage, *, missing: str, linked: WikiPage, member) -> dict:
    """Each page that shows the title of ``page``, and the pages that repeat a name typed into a URL.

    ``page`` links to ``linked``, so it is listed among the pages that link there.
    """
    reader, member_client = Client(raise_request_exception=False), Client(raise_request_exception=False)
    member_client.force_login(member)
    return {
        "page": fetch(reader, url("page", page.slug)),
        "history": fetch(reader, url("history", page.slug)),
        "recent": fetch(reader, url("recent")),
        "index": fetch(reader, url("index")),
        "search": fetch(reader, url("search", query=f"?q={MARKER}")),
        "backlinks": fetch(reader, url("backlinks", linked.slug)),
        "edit": fetch(member_client, url("edit", page.slug)),
        "missing": fetch(reader, url("page", missing)),
        "create": fetch(member_client, url("create", query="?" + urlencode({"title": missing}))),
    }


@pytest.mark.parametrize("title", [pytest.param(title, id=name) for name, title in TITLES])
def test_pages_showing_a_title_keep_nothing_that_runs(title, member):
    hub = page_create(title="Hub", language="en", text="Pages link here.\n", author=member)
    linking = f"{CLEAN_TEXT}\nSee the [[Hub]].\n"
    clean_page = page_create(title="Clean probe", language="en", text=linking, author=member)
    clean = views_naming(clean_page, missing="Clean probe elsewhere", linked=hub, member=member)
    page = page_create(title=title, language="en", text=linking, author=member)
    missing = f"{title.replace('/', '')} elsewhere"  # no such page: its name comes back from the URL
    attacked = views_naming(page, missing=missing, linked=hub, member=member)

    names = [page.slug, clean_page.slug, missing, "Clean probe elsewhere"]
    assert_nothing_runs(attacked, clean, names=names, statuses={"missing": 404})
    texts = {view: Document(html).text for view, (_, html) in attacked.items()}
    for view in ("page", "history", "recent", "index", "search", "backlinks", "edit"):
        assert title in texts[view], view  # shown, as the plain text it is
    assert missing in texts["missing"]
