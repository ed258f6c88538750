"""Markdown to safe HTML, once per revision (the result is stored with it, never rendered per view).

Python-Markdown does not sanitise and passes raw HTML through, so everything it produces goes
through nh3 (ammonia) with an allowlist afterwards: whatever the Markdown extensions or a
writer's raw HTML produce, only the tags, attributes, classes and URL schemes named here
survive. Ids are prefixed (and in-page ``#fragment`` links with them) so that a page's text
cannot clobber the ids of the surrounding site.
"""

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import urlencode

import markdown
import nh3
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from markdown.inlinepatterns import InlineProcessor

ID_PREFIX = "wiki-"
MISSING_CLASS = "wiki-missing"

# [[Page name]] or [[Page name|label]], on one line.
WIKI_LINK = r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]"

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
        target = m.group(1).strip()
        slug = slug_for(target)
        if not slug:
            return None, None, None  # nothing to link to: left as the writer typed it
        self.links.add(slug)
        link = etree.Element("a")
        link.text = (m.group(2) or target).strip()
        if slug in self.existing:
            link.set("href", page_path(slug=slug, language=self.language))
        else:
            link.set("href", create_path(title=target, language=self.language))
            link.set("class", MISSING_CLASS)
            link.set("title", translation.gettext("This page does not exist yet: create it"))
        return link, m.start(0), m.end(0)


def _existing_slugs(text: str, language: str) -> set[str]:
    """Which of the pages the text may link to exist: one query, however many links."""
    from .models import WikiPage

    candidates = {slug_for(match.group(1)) for match in re.finditer(WIKI_LINK, text)} - {""}
    if not candidates:
        return set()
    return set(WikiPage.objects.filter(language=language, slug__in=candidates).values_list("slug", flat=True))


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return ID_PREFIX + value if SAFE_ID.match(value) else None
    if attribute == "href" and value.startswith("#"):
        return "#" + ID_PREFIX + value[1:]
    if attribute == "class":
        allowed = ALLOWED_CLASSES.get(tag, set())
        kept = [name for name in value.split() if name in allowed or (tag == "code" and CODE_LANGUAGE.match(name))]
        return " ".join(kept) or None
    return value


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def render(text: str, *, language: str) -> Rendered:
    """The sanitised HTML of a page's Markdown and the slugs of the pages it links to (same language)."""
    links: set[str] = set()
    with translation.override(language):
        md = markdown.Markdown(
            extensions=["tables", "fenced_code", "footnotes", "toc", "sane_lists", "def_list", "abbr"],
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
        html = md.convert(text)
    return Rendered(html=sanitise(html), links=links)
