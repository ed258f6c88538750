"""Reading MediaWiki XML export files (schema 0.10 and 0.11) as a stream, in flat memory.

A dump can hold gigabytes, so it is fed to a SAX parser in chunks and each page is handed on
with its revisions as they are read: at any time only one revision's text is in memory, and no
more of it than ``WIKI_MEDIAWIKI_MAX_REVISION_BYTES`` (a longer one is read past and refused).
The parser is defusedxml's: a DTD, and with it every entity trick ("billion laughs", external
entities), is refused before anything is read.

``read_dump`` yields the ``Site`` first, then each ``SourcePage``; a page's ``revisions()`` must be
consumed (or abandoned with ``skip()``) before the next page is asked for. What is wrong with
the file as a whole raises ``DumpError``; what is wrong with one revision (a bad timestamp, a
text that does not match its sha1 or size) is carried on the revision (``problem``) for the
importer to refuse that page and go on.
"""

import datetime
import hashlib
import xml.sax
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..conf import app_settings

SCHEMAS = ("0.10", "0.11")
CHUNK_BYTES = 1 << 16


class DumpError(Exception):
    """The file cannot be read on from here: the message says where and why, in the active language."""


@dataclass
class Site:
    name: str = ""
    dbname: str = ""
    base: str = ""  # the address of its main page
    namespaces: dict[int, str] = field(default_factory=dict)


@dataclass
class SourceRevision:
    id: int | None = None
    timestamp: datetime.datetime | None = None
    user_name: str = ""
    ip: str = ""
    contributor_hidden: bool = False
    minor: bool = False
    comment: str = ""
    model: str = "wikitext"
    text: str = ""
    text_hidden: bool = False
    sha1: str = ""
    size: int | None = None  # the text's ``bytes`` as the dump says
    problem: str = ""  # why this revision cannot be imported, said to the person importing


@dataclass
class SourcePage:
    title: str = ""
    namespace: int = 0
    id: int | None = None
    redirect: str = ""
    _reader: "_Reader | None" = field(default=None, repr=False)

    def revisions(self) -> Iterator[SourceRevision]:
        """This page's revisions in the file's order, read on demand."""
        yield from self._reader.revisions_of(self)

    def skip(self) -> None:
        """Read past this page's revisions without keeping them."""
        for _revision in self.revisions():
            pass


def mediawiki_sha1(text: str) -> str:
    """The sha1 MediaWiki gives a text in its dumps: SHA-1 of its UTF-8 bytes in base 36, 31 digits."""
    return base36(int.from_bytes(hashlib.sha1(text.encode()).digest(), "big"))


def base36(number: int) -> str:
    """A SHA-1 as a number, written as MediaWiki's dumps write it (its API writes it in hex)."""
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append("0123456789abcdefghijklmnopqrstuvwxyz"[rest])
    return "".join(reversed(digits)).rjust(31, "0")


def parse_timestamp(value: str) -> datetime.datetime:
    """A MediaWiki timestamp ("2026-12-07T14:05:09Z"), in UTC; ValueError for anything else."""
    moment = datetime.datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M:%SZ")
    return moment.replace(tzinfo=datetime.UTC)


def _number(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


class _Handler(xml.sax.ContentHandler):
    """Turns SAX events into Site, SourcePage and SourceRevision items, queued for the reader."""

    # Elements whose text is kept, by their parent: nothing else is gathered, whatever its size.
    LEAVES = {
        "siteinfo": {"sitename", "dbname", "base"},
        "namespaces": {"namespace"},
        "page": {"title", "ns", "id"},
        "revision": {"id", "timestamp", "comment", "model", "text", "sha1"},
        "contributor": {"username", "ip"},
    }

    def __init__(self, items: deque):
        super().__init__()
        self.items = items
        self.path: list[str] = []
        self.site: Site | None = None
        self.page: SourcePage | None = None
        self.page_queued = False
        self.revision: SourceRevision | None = None
        self.text: list[str] | None = None
        self.text_bytes = 0
        self.attributes = {}

    def startElement(self, name, attrs):
        if not self.path:
            if name != "mediawiki":
                raise DumpError(
                    _("This is not a MediaWiki export file: it starts with <%(element)s>, not <mediawiki>.")
                    % {"element": name}
                )
            version = attrs.get("version", "")
            if version not in SCHEMAS:
                raise DumpError(
                    _("This export file uses schema version %(version)s; the wiki reads versions %(versions)s.")
                    % {"version": version or "?", "versions": ", ".join(SCHEMAS)}
                )
        parent = self.path[-1] if self.path else ""
        self.path.append(name)
        if name == "siteinfo":
            self.site = Site()
        elif name == "page" and parent == "mediawiki":
            self.page, self.page_queued = SourcePage(), False
        elif name == "revision" and self.page is not None:
            if not self.page_queued:  # the page's head is complete: hand it on before its revisions
                self.items.append(self.page)
                self.page_queued = True
            self.revision = SourceRevision()
        elif name == "redirect" and parent == "page":
            self.page.redirect = attrs.get("title", "")
        elif name == "minor" and self.revision is not None:
            self.revision.minor = True
        elif name == "contributor" and self.revision is not None and attrs.get("deleted"):
            self.revision.contributor_hidden = True
        elif name == "text" and self.revision is not None:
            self.revision.text_hidden = bool(attrs.get("deleted"))
            self.revision.size = _number(attrs.get("bytes", ""))
            self.revision.sha1 = attrs.get("sha1", "")
        if name in self.LEAVES.get(parent, ()):
            self.text, self.text_bytes = [], 0
            self.attributes = dict(attrs)

    def characters(self, content):
        if self.text is None:
            return
        self.text_bytes += len(content.encode())
        if self.text_bytes <= app_settings.MEDIAWIKI_MAX_REVISION_BYTES:
            self.text.append(content)

    def endElement(self, name):
        self.path.pop()
        parent = self.path[-1] if self.path else ""
        if self.text is not None and name in self.LEAVES.get(parent, ()):
            value, size = "".join(self.text), self.text_bytes
            self.text = None
            self._leaf(parent, name, value, size)
        elif name == "siteinfo":
            self.items.append(self.site)
        elif name == "revision" and self.revision is not None:
            self.items.append(self.revision)
            self.revision = None
        elif name == "page" and self.page is not None:
            if not self.page_queued:  # a page without revisions
                self.items.append(self.page)
            self.items.append(_END_OF_PAGE)
            self.page = None

    def _leaf(self, parent: str, name: str, value: str, size: int):
        if parent == "siteinfo":
            setattr(self.site, {"sitename": "name", "dbname": "dbname", "base": "base"}[name], value.strip())
        elif parent == "namespaces":
            key = self.attributes.get("key", "")
            if key.lstrip("-").isdigit():
                self.site.namespaces[int(key)] = value.strip()
        elif parent == "page" and self.page is not None:
            if name == "title":
                self.page.title = value.strip()
            elif name == "ns":
                self.page.namespace = _number(value) or 0
            else:
                self.page.id = _number(value)
        elif parent == "contributor" and self.revision is not None:
            if name == "username":
                self.revision.user_name = value.strip()
            else:
                self.revision.ip = value.strip()
        elif parent == "revision" and self.revision is not None:
            self._revision_leaf(name, value, size)

    def _revision_leaf(self, name: str, value: str, size: int):
        revision = self.revision
        if name == "id":
            revision.id = _number(value)
        elif name == "timestamp":
            try:
                revision.timestamp = parse_timestamp(value)
            except ValueError:
                revision.problem = _("its timestamp “%(value)s” is not a date and time") % {"value": value[:40]}
        elif name == "comment":
            revision.comment = value
        elif name == "model":
            revision.model = value.strip()
        elif name == "sha1" and not revision.sha1:
            revision.sha1 = value.strip()
        elif name == "text":
            limit = app_settings.MEDIAWIKI_MAX_REVISION_BYTES
            if size > limit:
                revision.problem = _(
                    "its text holds %(size)s bytes, more than the %(limit)s bytes a revision may hold here"
                ) % {
                    "size": number_format(size, force_grouping=True),
                    "limit": number_format(limit, force_grouping=True),
                }
            else:
                revision.text = value


_END_OF_PAGE = object()


class _Reader:
    """Feeds the file to the parser chunk by chunk and hands out what the handler queued."""

    def __init__(self, file):
        self.file = file
        self.items: deque = deque()
        self.handler = _Handler(self.items)
        self.parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.parser.setContentHandler(self.handler)
        self.parser.setFeature(xml.sax.handler.feature_external_ges, False)
        self.finished = False
        self.current: SourcePage | None = None

    def _next(self):
        """The next queued item, reading more of the file as needed; None at the end of the file."""
        while not self.items:
            if self.finished:
                return None
            chunk = self.file.read(CHUNK_BYTES)
            try:
                if chunk:
                    self.parser.feed(chunk)
                else:
                    self.finished = True
                    self.parser.close()
            except DefusedXmlException:
                raise DumpError(
                    _("The file declares a DTD or entities, which an export file never needs: it was refused.")
                ) from None
            except xml.sax.SAXParseException as error:
                raise DumpError(self._where(error)) from None
        return self.items.popleft()

    def _where(self, error: xml.sax.SAXParseException) -> str:
        values = {"line": error.getLineNumber(), "reason": error.getMessage()}
        page = self.handler.page
        if page is not None and page.title:
            values["page"] = page.title
            return _("The file is broken at line %(line)s, in the page “%(page)s”: %(reason)s.") % values
        return _("The file is broken at line %(line)s: %(reason)s.") % values

    def revisions_of(self, page: SourcePage) -> Iterator[SourceRevision]:
        if self.current is not page:
            return
        while True:
            item = self._next()
            if item is None:
                raise DumpError(_("The file ends inside the page “%(page)s”.") % {"page": page.title})
            if item is _END_OF_PAGE:
                self.current = None
                return
            yield item

    def pages(self) -> Iterator[Site | SourcePage]:
        while True:
            if self.current is not None:
                self.current.skip()
            item = self._next()
            if item is None:
                return
            if item is _END_OF_PAGE:
                continue
            if isinstance(item, SourcePage):
                item._reader, self.current = self, item
            yield item


def read_dump(file) -> Iterator[Site | SourcePage]:
    """The site, then each page of a MediaWiki XML export read from the binary ``file``."""
    reader = _Reader(file)
    yield from reader.pages()
    if reader.handler.site is None:
        raise DumpError(_("The file holds no MediaWiki export: it has no <siteinfo>."))
