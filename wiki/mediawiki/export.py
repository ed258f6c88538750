"""Writing wiki pages with every revision as a MediaWiki XML export (schema 0.11), as a stream.

What ``importDump.php`` and ``Special:Import`` read: a ``<siteinfo>`` naming this wiki, then each
page with its revisions oldest first, each with its date (UTC), author, edit summary, minor flag,
text converted from this wiki's Markdown to wikitext (``to_wikitext``), and that text's size in
bytes and sha1 as MediaWiki computes them.

A page's revisions are read from the database in batches and written one by one, so exporting a
page of thousands of revisions keeps memory flat, in one query per page whatever their number.
Every piece of text is escaped on its own (``xml.sax.saxutils``); characters XML 1.0 cannot carry
(control characters) are written as U+FFFD, and the size and sha1 are those of the text written.

Who wrote a revision, as MediaWiki knows contributors:

- a local author: ``<username>`` (the name the wiki shows) and ``<id>`` (the local account's);
- a revision copied from a MediaWiki whose author has no local account here: that wiki's user
  name, or ``<ip>`` for an anonymous edit;
- a contributor hidden on that wiki, or a former member (account deleted):
  ``<contributor deleted="deleted" />``.

MediaWiki gives imported pages and revisions ids of its own; the ids written are this wiki's.
"""

import datetime
import io
import re
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from suite.links import absolute_url

from ..models import RemoteAuthorKind, Revision, WikiPage
from .dump import mediawiki_sha1
from .wikitext import to_wikitext

SCHEMA_VERSION = "0.11"
XMLNS = f"http://www.mediawiki.org/xml/export-{SCHEMA_VERSION}/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{XMLNS} http://www.mediawiki.org/xml/export-{SCHEMA_VERSION}.xsd"
# This wiki's name in a MediaWiki's eyes (siteinfo's dbname): the same on every install and in every setting.
DBNAME = "nlu"
GENERATOR = "NLU wiki"
# MediaWiki's own namespaces, in their canonical (English) names: a link in the wikitext to
# Category: or File: means the same on any MediaWiki. Pages here are all of the main one (0).
NAMESPACES = {
    -2: "Media",
    -1: "Special",
    0: "",
    1: "Talk",
    2: "User",
    3: "User talk",
    6: "File",
    7: "File talk",
    10: "Template",
    11: "Template talk",
    14: "Category",
    15: "Category talk",
}
# Revisions read from the database at a time.
BATCH_SIZE = 200

# What XML 1.0 cannot carry, even escaped: control characters other than tab and line ends, and
# lone surrogates and U+FFFE/U+FFFF.
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A carriage return would come back as a line feed (XML normalises line ends): written as a reference.
ENTITIES = {"\r": "&#13;"}


# Characters MediaWiki refuses in a title: it skips such a page on import ("the name ... is invalid").
NOT_IN_TITLE = re.compile(r"[#<>\[\]|{}\x00-\x1f\x7f]")


def title_refused(title: str) -> bool:
    """Whether MediaWiki will refuse this page's title (and so skip the page) when it imports the file."""
    return bool(NOT_IN_TITLE.search(title)) or len(title.encode()) > 255


def clean(value: str) -> str:
    """``value`` with what XML cannot carry replaced by U+FFFD."""
    return NOT_IN_XML.sub("\ufffd", value)


def text_of(value: str) -> str:
    """``value`` as the text of an element: cleaned and escaped, ``]]>`` included."""
    return escape(clean(value), ENTITIES)


def element(name: str, value, indent: str) -> str:
    return f"{indent}<{name}>{text_of(str(value))}</{name}>\n"


def timestamp(moment: datetime.datetime) -> str:
    """MediaWiki's form of a date and time: UTC, to the second."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def head(language: str) -> str:
    """The root element's start and the ``<siteinfo>``: this wiki, its address and its namespaces."""
    with translation.override(language):
        base = absolute_url(reverse("wiki:index"))
    namespaces = "".join(
        f'      <namespace key="{key}" case="first-letter" />\n'
        if not name
        else f'      <namespace key="{key}" case="first-letter">{text_of(name)}</namespace>\n'
        for key, name in NAMESPACES.items()
    )
    return (
        f"<mediawiki xmlns={quoteattr(XMLNS)} xmlns:xsi={quoteattr(XSI)} "
        f"xsi:schemaLocation={quoteattr(SCHEMA_LOCATION)} version={quoteattr(SCHEMA_VERSION)} "
        f"xml:lang={quoteattr(clean(language))}>\n"
        "  <siteinfo>\n"
        + element("sitename", getattr(settings, "WAGTAIL_SITE_NAME", "") or GENERATOR, "    ")
        + element("dbname", DBNAME, "    ")
        + element("base", base, "    ")
        + element("generator", GENERATOR, "    ")
        + element("case", "first-letter", "    ")
        + "    <namespaces>\n"
        + namespaces
        + "    </namespaces>\n"
        "  </siteinfo>\n"
    )


def contributor(revision: Revision) -> str:
    """The ``<contributor>`` of a revision: a local account, a remote wiki's user or address, or hidden."""
    indent = "        "
    if revision.author_id is not None:
        inside = element("username", revision.author, indent) + element("id", revision.author_id, indent)
    elif revision.remote_author_kind == RemoteAuthorKind.USER and revision.remote_author:
        inside = element("username", revision.remote_author, indent)
    elif revision.remote_author_kind == RemoteAuthorKind.IP and revision.remote_author:
        inside = element("ip", revision.remote_author, indent)
    else:  # hidden on the wiki it came from, or written by a member whose account is gone
        return '      <contributor deleted="deleted" />\n'
    return f"      <contributor>\n{inside}      </contributor>\n"


def revision_xml(revision: Revision, previous_id: int | None) -> str:
    """One ``<revision>``, its elements in the schema's order."""
    wikitext = clean(to_wikitext(revision.text))
    sha1 = mediawiki_sha1(wikitext)
    size = len(wikitext.encode())
    parts = ["    <revision>\n", element("id", revision.pk, "      ")]
    if previous_id is not None:
        parts.append(element("parentid", previous_id, "      "))
    parts.append(element("timestamp", timestamp(revision.created_at), "      "))
    parts.append(contributor(revision))
    if revision.minor:
        parts.append("      <minor />\n")
    if revision.summary:
        parts.append(element("comment", revision.summary, "      "))
    parts += [
        element("origin", revision.pk, "      "),
        element("model", "wikitext", "      "),
        element("format", "text/x-wiki", "      "),
        f'      <text bytes="{size}" sha1="{sha1}" xml:space="preserve">{escape(wikitext, ENTITIES)}</text>\n',
        element("sha1", sha1, "      "),
        "    </revision>\n",
    ]
    return "".join(parts)


def page_revisions(page: WikiPage) -> Iterator[Revision]:
    """The page's revisions, oldest first, read ``BATCH_SIZE`` at a time in one query."""
    revisions = Revision.objects.filter(page_id=page.pk).select_related("author").defer("html").order_by("number")
    return revisions.iterator(chunk_size=BATCH_SIZE)


def page_chunks(page: WikiPage) -> Iterator[str]:
    """One ``<page>``: its head, then each revision as it is read."""
    yield (
        "  <page>\n" + element("title", page.title, "    ") + element("ns", 0, "    ") + element("id", page.pk, "    ")
    )
    previous_id = None
    for revision in page_revisions(page):
        yield revision_xml(revision, previous_id)
        previous_id = revision.pk
    yield "  </page>\n"


def _chunks(start: str, pages: Iterable[WikiPage]) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield start
    for page in pages:
        yield from page_chunks(page)
    yield "</mediawiki>\n"


def export_chunks(pages: Iterable[WikiPage], *, language: str | None = None) -> Iterator[str]:
    """The export of ``pages`` (every revision of each) as pieces of text, for a StreamingHttpResponse.

    ``language`` is the pages' (``xml:lang`` and the wiki's address in ``<base>``), the site's
    ``LANGUAGE_CODE`` if not given. The head is made at once, in that language; the pages and
    their revisions are read from the database as the pieces are asked for. Whoever calls this
    has decided that the reader may read every page given: nothing here filters them.
    """
    return _chunks(head(language or settings.LANGUAGE_CODE), pages)


def write_export(pages: Iterable[WikiPage], out, *, language: str | None = None) -> None:
    """Write the export of ``pages`` to ``out``, a binary stream (UTF-8 bytes are written) or a text one."""
    binary = isinstance(out, io.RawIOBase | io.BufferedIOBase) or "b" in getattr(out, "mode", "")
    for chunk in export_chunks(pages, language=language):
        out.write(chunk.encode() if binary else chunk)
