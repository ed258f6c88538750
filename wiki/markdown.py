"""Markdown to safe HTML, once per revision (the result is stored with it, never rendered per view).

Python-Markdown does not sanitise and passes raw HTML through, so everything it produces goes
through nh3 (ammonia) with an allowlist afterwards: whatever the Markdown extensions or a
writer's raw HTML produce, only the tags, attributes, classes and URL schemes named here
survive. Ids are prefixed (and in-page ``#fragment`` links with them) so that a page's text
cannot clobber the ids of the surrounding site.

A fenced ```` ```mermaid ```` block is a diagram (a map): it is stored as its source, escaped
text in a ``<pre class="mermaid-source">`` inside a ``<figure class="wiki-map">`` with a caption,
which wiki/static/wiki/maps.js draws in the reader's browser. The figure is put in after
sanitising, in place of a ``<pre>`` whose class only this rendering knows (a random token): a
writer's raw HTML cannot pass itself off as a diagram, and the sanitiser keeps no class of its own
for diagrams. A diagram over ``WIKI_MAX_DIAGRAM_BYTES`` is refused (``too_large``).

Python-Markdown takes time that grows with the square of some constructs and recurses on
nesting, so a text with too many of them is refused before rendering (``WikiError``, code
``too_complex``): a member cannot tie up the server, nor the page's lock, with one save.
"""

import html as html_lib
import re
import secrets
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import urlencode

import markdown
import nh3
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from .conf import app_settings
from .errors import WikiError

ID_PREFIX = "wiki-"
MISSING_CLASS = "wiki-missing"

# [[Page name]] or [[Page name|label]], on one line.
WIKI_LINK = r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]"
# A character escaped with a backslash, as Python-Markdown holds it while inline patterns run.
ESCAPED = re.compile(f"{re.escape(markdown.util.STX)}([0-9]+){re.escape(markdown.util.ETX)}")

ALLOWED_TAGS = {
    *("p", "br", "hr", "div", "span", "blockquote", "pre", "code", "kbd", "samp", "var"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
    *("em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "cite", "q"),
    *("ul", "ol", "li", "dl", "dt", "dd"),
    *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"),
    *("a", "img", "figure", "figcaption", "details", "summary"),
}
# Removed with everything inside them: their content is code or markup, never the writer's prose.
REMOVED_WITH_CONTENT = {
    *("script", "style", "template", "noscript", "textarea", "select", "title", "xmp", "noembed", "noframes"),
    *("iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "form"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "sup": {"id", "class"},
    "li": {"id"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
}
# The classes our own rendering sets; a writer's other classes are dropped.
ALLOWED_CLASSES = {
    "a": {MISSING_CLASS, "footnote-ref", "footnote-backref", "toclink"},
    "div": {"toc", "footnote"},
    "span": {"toctitle"},
    "sup": set(),
}
CODE_LANGUAGE = re.compile(r"^language-[\w+#.-]{1,40}$")
SAFE_ID = re.compile(r"^[\w:.-]{1,200}$")
URL_SCHEMES = {"http", "https", "mailto"}

# Python-Markdown's time grows with the square of some things, so a text with too many of them
# is refused before rendering (measured: a 1 MB text that passes renders in about ten seconds,
# while some that would not pass take hours).
# - Nesting: quote and list markers before a line's text (each level parses the text again).
NESTING_PREFIX = re.compile(r"[ \t]*(?:(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]*)*")
NESTING_MARKER = re.compile(r">|[-*+\d]+[.)]?")
# A list item as Python-Markdown sees one (only at the start of a block: no list interrupts a paragraph).
LIST_ITEM = re.compile(r"[ \t]*(?:>[ \t]*)*(?:[-*+]|\d{1,9}\.)[ \t]")
MAX_NESTING = 10
MAX_INDENT = 120
# - The characters that start inline markup, within one run of inline text (a paragraph, a list
#   item, a table row): each is matched by rescanning the rest of the run. The sum over the runs
#   of their count squared is bounded. Fenced code is not inline text.
INLINE_MARKUP = re.compile(r"[\[<&\\*_]")
MAX_INLINE_WORK = 2_000_000
FENCE = re.compile(r" {0,3}(```|~~~)")
TABLE_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# - In the whole text: headings (the table of contents makes their ids unique one by one),
#   code fences and footnotes (each is cut out of the whole text).
HEADING_OR_FENCE = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:=+|-+)[ \t]*$|```|~~~)", re.MULTILINE)
MAX_HEADINGS_AND_FENCES = 2000
MAX_FOOTNOTES = 1000


# Python-Markdown's fenced_code: an opening line (fence, then a language or {attributes}), a closing
# line of the same fence alone. "```mermaid" opens a diagram.
FENCE_OPENING = re.compile(
    r"(?P<fence>`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?(?P<lang>[\w#.+-]*)[ ]*(?:hl_lines=(?P<q>[\"']).*?(?P=q)[ ]*)?)$"
)
DIAGRAM_LANGUAGE = "mermaid"
MAP_CLASS, SOURCE_CLASS = "wiki-map", "mermaid-source"
# Where a diagram's source names it: front matter's "title:", an "accTitle:" line, a timeline's "title".
DIAGRAM_TITLE = re.compile(r"^[ \t]*(?:title[ \t]*:|title[ \t]|accTitle[ \t]*:)[ \t]*(\S.*?)[ \t]*$", re.MULTILINE)
DIAGRAM_KIND = re.compile(r"^[ \t]*([A-Za-z][\w-]{0,40})", re.MULTILINE)
MAX_CAPTION = 200


@dataclass
class Rendered:
    html: str
    links: set[str] = field(default_factory=set)


def slug_for(title: str) -> str:
    """The page slug of a title in any script ('Çeviri ve Tercüme' → 'çeviri-ve-tercüme'); '' if nothing is left."""
    return slugify(title, allow_unicode=True)[:255].strip("-")


def page_path(*, slug: str, language: str) -> str:
    with translation.override(language):
        return reverse("wiki:page", kwargs={"slug": slug})


def create_path(*, title: str, language: str) -> str:
    with translation.override(language):
        return f"{reverse('wiki:create')}?{urlencode({'title': title})}"


class WikiLinkProcessor(InlineProcessor):
    """Turns ``[[Page name|label]]`` into a link to the page in the same language, or a red link to create it."""

    def __init__(self, pattern, md, *, language: str, existing: set[str], links: set[str]):
        super().__init__(pattern, md)
        self.language, self.existing, self.links = language, existing, links

    def handleMatch(self, m, data):
        # In a table cell the pipe before a label is escaped (\\|), which Markdown has already
        # replaced by a placeholder: put back, it is the pipe of [[Page|label]] again.
        inner = ESCAPED.sub(lambda escaped: chr(int(escaped[1])), self.unescape(m.group(0))[2:-2])
        target, _pipe, label = inner.partition("|")
        target = target.strip()
        slug = slug_for(target)
        if not slug:
            return None, None, None  # nothing to link to: left as the writer typed it
        self.links.add(slug)
        link = etree.Element("a")
        link.text = (label or target).strip()
        if slug in self.existing:
            link.set("href", page_path(slug=slug, language=self.language))
        else:
            link.set("href", create_path(title=target, language=self.language))
            link.set("class", MISSING_CLASS)
            link.set("title", translation.gettext("This page does not exist yet: create it"))
        return link, m.start(0), m.end(0)


def _existing_slugs(text: str, language: str) -> set[str]:
    """Which of the pages the text may link to exist for every reader: one query, however many links.

    The HTML is stored once for all readers, so a link to a private page is red (wiki/scopes.py).
    """
    from .models import WikiPage

    candidates = {slug_for(match.group(1)) for match in re.finditer(WIKI_LINK, text)} - {""}
    if not candidates:
        return set()
    pages = WikiPage.objects.filter(language=language, slug__in=candidates, private=False)
    return set(pages.values_list("slug", flat=True))


def _fenced_blocks(lines: list[str]):
    """(first line, closing line, language) of each fenced code block, as fenced_code finds them, in one pass.

    A fence that has no closing line after some line has none after any later one either, so
    each fence is looked for to the end of the text at most once.
    """
    unclosed: dict[str, int] = {}
    index = 0
    while index < len(lines):
        opening = FENCE_OPENING.match(lines[index])
        fence = opening and opening.group("fence")
        if not fence or unclosed.get(fence, len(lines)) <= index:
            index += 1
            continue
        closing = re.compile(re.escape(fence) + "[ ]*$")
        end = next((i for i in range(index + 1, len(lines)) if closing.match(lines[i])), None)
        if end is None:
            unclosed[fence] = index
            index += 1
            continue
        yield index, end, opening.group("lang") or ""
        index = end + 1


def _diagrams(lines: list[str]):
    """(first line, closing line, source) of each ```mermaid block, its size checked."""
    limit = app_settings.MAX_DIAGRAM_BYTES
    for start, end, language in _fenced_blocks(lines):
        if language != DIAGRAM_LANGUAGE:
            continue
        source = "\n".join(lines[start + 1 : end])
        size = len(source.encode())
        if size > limit:
            raise WikiError(
                _(
                    "A diagram is too large: %(size)s bytes, and a diagram may hold at most %(limit)s. "
                    "Split it into smaller diagrams."
                )
                % {
                    "size": number_format(size, force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                },
                code="too_large",
            )
        yield start, end, source


def _caption(source: str) -> str:
    """The figure's caption (its accessible name): the title the source gives, else the kind of diagram."""
    body = re.sub(r"\A\s*---\n.*?\n---[ \t]*\n", "", source, flags=re.DOTALL)  # front matter
    title = DIAGRAM_TITLE.search(source)
    if title:
        return translation.gettext("Diagram: %(title)s") % {"title": title.group(1)[:MAX_CAPTION]}
    kind = DIAGRAM_KIND.search(re.sub(r"^[ \t]*%%.*$", "", body, flags=re.MULTILINE))
    return translation.gettext("Diagram (%(kind)s)") % {"kind": kind.group(1) if kind else DIAGRAM_LANGUAGE}


class DiagramPreprocessor(Preprocessor):
    """Takes each ```mermaid block out before fenced_code sees it: a ``<pre>`` of its escaped source, marked by a
    class only this rendering knows, whose figure and caption ``_figures`` puts in after sanitising."""

    def __init__(self, md, *, token: str, captions: dict[str, str]):
        super().__init__(md)
        self.token, self.captions = token, captions

    def run(self, lines: list[str]) -> list[str]:
        found = list(_diagrams(lines))
        for start, end, source in reversed(found):
            name = f"{self.token}-{len(self.captions)}"
            self.captions[name] = _caption(source)
            placeholder = self.md.htmlStash.store(f'<pre class="{name}">{html_lib.escape(source)}</pre>')
            lines[start : end + 1] = ["", placeholder, ""]
        return lines


def _figures(html: str, *, token: str, captions: dict[str, str]) -> str:
    """Each marked ``<pre>`` of the sanitised HTML in its figure, with its caption (escaped: the writer's words).

    The ``<pre>`` holds escaped text only, so its first ``</pre>`` is its end.
    """

    def figure(match) -> str:
        caption = html_lib.escape(captions[match.group(1)], quote=False)
        return (
            f'<figure class="{MAP_CLASS}"><figcaption>{caption}</figcaption>'
            f'<pre class="{SOURCE_CLASS}">{match.group(2)}</pre></figure>'
        )

    return re.sub(rf'<pre class="({re.escape(token)}-\d+)">(.*?)</pre>', figure, html, flags=re.DOTALL)


def has_diagram(html: str) -> bool:
    """Whether stored HTML holds a diagram: ``<`` is always escaped in text and attributes, so only a figure
    this module put in can match."""
    return f'<figure class="{MAP_CLASS}"' in html


def _keep_attribute(tag: str, attribute: str, value: str, *, diagrams=frozenset()) -> str | None:
    if tag == "pre" and attribute == "class":
        return value if value in diagrams else None
    if attribute == "id":
        return ID_PREFIX + value if SAFE_ID.match(value) else None
    if attribute == "href" and value.startswith("#"):
        return "#" + ID_PREFIX + value[1:]
    if attribute == "class":
        allowed = ALLOWED_CLASSES.get(tag, set())
        kept = [name for name in value.split() if name in allowed or (tag == "code" and CODE_LANGUAGE.match(name))]
        return " ".join(kept) or None
    return value


def sanitise(html: str, *, diagrams=frozenset()) -> str:
    """``diagrams``: the classes of this rendering's diagram ``<pre>``s, the only classes a ``<pre>`` keeps."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes={**ALLOWED_ATTRIBUTES, "pre": {"class"}} if diagrams else ALLOWED_ATTRIBUTES,
        attribute_filter=lambda tag, attribute, value: _keep_attribute(tag, attribute, value, diagrams=diagrams),
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        # A picture in a page seldom opens the screen: a phone fetches it when it is scrolled to.
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
        strip_comments=True,
    )


def _too_complex() -> WikiError:
    return WikiError(
        _(
            "This text is too intricate to be shown: it is nested too deeply, has too many links or marks "
            "in one paragraph, or too many headings or notes. Split it into smaller paragraphs or pages."
        ),
        code="too_complex",
    )


def _inline_runs(lines: list[str]):
    """How much inline markup each run of inline text has, cutting the text roughly as Python-Markdown does.

    A block (lines between blank lines) is a table if its second line is a table's separator,
    then each row is a run; a list if its first line is a list item, then each item (with the
    lines that continue it) is a run; else the whole block is one run.
    """
    run, fence, kind, depth = 0, None, None, 0
    for line in lines:
        opening = FENCE.match(line)
        if fence:
            fence = None if opening and opening.group(1) == fence else fence
            continue
        if opening:
            fence = opening.group(1)
            continue
        if not line.strip():
            yield run
            run, kind, depth = 0, None, 0
            continue
        depth += 1  # the line's place in its block
        if depth == 1:
            kind = "list" if LIST_ITEM.match(line) else "paragraph"
        elif depth == 2 and kind == "paragraph" and TABLE_SEPARATOR.match(line):
            kind = "table"
        if kind == "table" or (kind == "list" and LIST_ITEM.match(line)):
            yield run
            run = 0
        run += len(INLINE_MARKUP.findall(line))
    yield run


def check_renderable(text: str) -> None:
    """Refuse, before any work, a text whose rendering would take far longer than its size suggests."""
    lines = text.splitlines()
    for line in lines:
        prefix = NESTING_PREFIX.match(line).group()
        if len(prefix) > MAX_INDENT or len(NESTING_MARKER.findall(prefix)) > MAX_NESTING:
            raise _too_complex()
    if len(HEADING_OR_FENCE.findall(text)) > MAX_HEADINGS_AND_FENCES or text.count("[^") > MAX_FOOTNOTES:
        raise _too_complex()
    # As the diagrams' preprocessor will see the lines (after Python-Markdown's tab expansion).
    list(_diagrams(text.expandtabs(4).splitlines()))
    work = 0
    for count in _inline_runs(lines):
        work += count * count
        if work > MAX_INLINE_WORK:
            raise _too_complex()


def render(text: str, *, language: str) -> Rendered:
    """The sanitised HTML of a page's Markdown and the slugs of the pages it links to (same language).

    Raises ``WikiError`` (400, or 413 for a diagram too large) for a text that ``check_renderable`` refuses.
    """
    check_renderable(text)
    links: set[str] = set()
    token, captions = f"wiki-diagram-{secrets.token_hex(8)}", {}
    with translation.override(language):
        md = markdown.Markdown(
            extensions=["tables", "fenced_code", "footnotes", "toc", "sane_lists"],
            extension_configs={
                # align="…" instead of style="text-align: …": no style attribute survives sanitising.
                "tables": {"use_align_attribute": True},
                "toc": {"title": translation.gettext("Contents")},
                "footnotes": {"BACKLINK_TITLE": translation.gettext("Back to the text of note %d")},
            },
            output_format="html",
        )
        existing = _existing_slugs(text, language)
        md.inlinePatterns.register(
            WikiLinkProcessor(WIKI_LINK, md, language=language, existing=existing, links=links),
            "wiki_link",
            175,  # after code spans and escapes, before Markdown's own [links]
        )
        md.preprocessors.register(DiagramPreprocessor(md, token=token, captions=captions), "wiki_diagram", 26)
        try:
            html = md.convert(text)
        except RecursionError:  # emphasis or HTML nested thousands deep
            raise _too_complex() from None
    html = sanitise(html, diagrams=frozenset(captions))
    return Rendered(html=_figures(html, token=token, captions=captions) if captions else html, links=links)
