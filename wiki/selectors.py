"""Reads of the wiki. Each returns what a page needs in a fixed number of queries, whatever the data size.

Every read of pages is for a ``reader`` (None: a visitor) and filtered in the database by the one
rule of wiki/scopes.py: a private page, its revisions and its title show to its scope's readers only.
"""

import difflib
import hashlib
import html
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils.safestring import SafeString, mark_safe
from wagtail.search.backends import get_search_backend

from suite.versions import current_version, move_version

from .markdown import slug_for
from .models import PageLink, Revision, WikiPage
from .scopes import readable_keys, readable_q

# Up to a megabyte each: lists of pages and revisions show titles, numbers and summaries, never these.
LONG_PAGE_FIELDS = ("text",)
LONG_REVISION_FIELDS = ("text", "html")


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def visible_pages(reader) -> QuerySet[WikiPage]:
    """The pages ``reader`` may see: where every read of pages starts."""
    return WikiPage.objects.filter(readable_q(reader))


def page_list(*, language: str, reader=None) -> QuerySet[WikiPage]:
    """The pages of one language, last changed first, with who changed them."""
    return (
        visible_pages(reader)
        .filter(language=language)
        .select_related("current_revision__author")
        .defer(*LONG_PAGE_FIELDS, "current_revision__text", "current_revision__html")
        .order_by("-updated_at", "-pk")
    )


def page_get(*, language: str, value: str, reader=None) -> WikiPage | None:
    """The page ``value`` names in ``language``: its slug, or a title (course units link by title).

    The slug, the common case, is one indexed lookup; a title is looked up only when it is not one.
    """
    pages = visible_pages(reader).filter(language=language)
    pages = pages.select_related("current_revision__author", "current_revision__remote_wiki", "remote__wiki")
    page = pages.filter(slug=value).first()
    if page is None and (slug := slug_for(value)) and slug != value:
        page = pages.filter(slug=slug).first()
    if page is None and value.strip():
        page = pages.filter(title__iexact=value.strip()).order_by("pk").first()
    return page


def page_elsewhere(*, value: str, language: str, reader=None) -> WikiPage | None:
    """A page that ``value`` names in another language, for a link that arrived in the wrong one.

    The site's source language is preferred, then the order of ``LANGUAGES``.
    """
    slug = slug_for(value)
    candidates = {value, slug} - {""}
    others = [code for code in language_codes() if code != language]
    found = list(
        visible_pages(reader)
        .filter(Q(slug__in=candidates) | Q(title__iexact=value.strip()), language__in=others)
        .annotate(
            rank=Case(
                *[When(language=code, then=Value(i)) for i, code in enumerate(others)],
                default=len(others),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "pk")[:1]
    )
    return found[0] if found else None


def page_translation(page: WikiPage, language: str, *, reader=None) -> WikiPage | None:
    return visible_pages(reader).filter(translation_group=page.translation_group, language=language).first()


@dataclass
class LanguageVersion:
    code: str
    name: str
    page: WikiPage | None  # None: not written in this language yet


def page_translations(page: WikiPage, *, reader=None) -> list[LanguageVersion]:
    """The same subject in each other language of the site, written (and visible to ``reader``) or still to write."""
    written = {
        other.language: other
        for other in visible_pages(reader).filter(translation_group=page.translation_group).exclude(pk=page.pk)
    }
    return [
        LanguageVersion(code=code, name=name, page=written.get(code))
        for code, name in settings.LANGUAGES
        if code != page.language
    ]


# Numbers beyond what the database can store name nothing, and asking it for them fails.
MAX_NUMBER = 2**31 - 1  # revision numbers (PositiveIntegerField)
MAX_ID = 2**63 - 1  # primary keys (BigAutoField)


def page_by_id(value, *, reader=None) -> WikiPage | None:
    """The page with the id ``value`` (as a browser sends it) that ``reader`` may see, or None for anything else."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return visible_pages(reader).filter(pk=pk).first() if 1 <= pk <= MAX_ID else None


def page_history(page: WikiPage) -> QuerySet[Revision]:
    revisions = Revision.objects.filter(page=page).select_related("author", "remote_wiki")
    return revisions.defer(*LONG_REVISION_FIELDS).order_by("-number")


def page_revisions(page: WikiPage, numbers) -> dict[int, Revision]:
    """The page's revisions of these numbers, by number; numbers it does not have are left out."""
    numbers = [number for number in numbers if 1 <= number <= MAX_NUMBER]
    revisions = Revision.objects.filter(page=page, number__in=numbers) if numbers else Revision.objects.none()
    revisions = revisions.select_related("author", "remote_wiki")
    return {revision.number: revision for revision in revisions}


def page_revision(page: WikiPage, number: int) -> Revision | None:
    return page_revisions(page, [number]).get(number)


def authors_since(page: WikiPage, *, after: int, before: int) -> list[str]:
    """Who saved the revisions between two numbers: the people an edit was merged with."""
    names = []
    revisions = Revision.objects.filter(page=page, number__gt=after, number__lt=before).select_related("author")
    for revision in revisions.order_by("number"):
        name = str(revision.author) if revision.author else "?"
        if name not in names:
            names.append(name)
    return names


def recent_changes(*, language: str = "", member=None, reader=None) -> QuerySet[Revision]:
    """Every page's revisions, newest first, optionally of one language or one member: only what a row shows.

    The author's row is read whole: a row names the author with ``str()``, and which fields that
    needs is the user model's own business (a few short columns, in the same query).
    """
    revisions = (
        Revision.objects.filter(readable_q(reader, through="page__"))
        .select_related("page", "author", "remote_wiki")
        .only(
            *("number", "summary", "minor", "created_at", "page__language", "page__slug", "page__title", "author"),
            *("remote_wiki__name", "remote_wiki__key", "remote_author", "remote_author_kind", "remote_merge"),
        )
        .order_by("-created_at", "-pk")
    )
    if language:
        revisions = revisions.filter(page__language=language)
    if member is not None:
        revisions = revisions.filter(author=member)
    return revisions


# What a page shows of revisions is the same for every member in one language and time zone: it is
# kept in the cache under a version that every write of a page, a revision, a tag or a member moves.
VERSION_KEY = "wiki:version"
KEPT_SECONDS = 60 * 60  # only to bound the cache's size: the version is what keeps them true


def wiki_changed(**signal) -> None:
    """A page, revision, tag or member was written: what was kept is not read again.

    A login writes only ``last_login``: nothing shown.
    """
    if set(signal.get("update_fields") or ["*"]) <= {"last_login"}:
        return
    move_version(VERSION_KEY)


def kept(name: str, *parts, reader=None, build):
    """``build()`` (rendered HTML), once per ``parts`` until the wiki's version moves (read before building).

    What is built for ``reader`` may show private pages: it is kept for the readers of the same scopes.
    """
    what = "\n".join([current_version(VERSION_KEY), *map(str, parts), "readable:", *readable_keys(reader)])
    key = f"wiki:{name}:" + hashlib.sha256(what.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, KEPT_SECONDS)
    return value


def member_named(username: str):
    """The member of that username in any case; Lower() on both sides, which an index can serve (not iexact)."""
    members = get_user_model().objects.alias(folded=Lower("username"))
    return members.filter(folded=Lower(Value(username.strip()))).first()


def backlinks(*, language: str, slug: str, reader=None) -> QuerySet[WikiPage]:
    """Pages ``reader`` may see whose current text links to ``slug`` in ``language``: "what links here"."""
    linking = PageLink.objects.filter(to_language=language, to_slug=slug).values("from_page_id")
    return visible_pages(reader).filter(pk__in=linking).defer(*LONG_PAGE_FIELDS).order_by("title", "pk")


def page_search(*, language: str, query: str, reader=None):
    """Pages of one language that ``reader`` may see matching the words of ``query`` in the title or the text.

    Best first; the rule of who may read is a filter of the search backend (``private`` and ``scope``
    are filter fields of the index).

    Only the words go to Wagtail's backend: its SQLite full-text query quotes each term but not a
    double quote inside one, so punctuation such as ``src="https:`` would reach FTS5 as syntax.
    The index splits text into words in the same way, so nothing findable is lost.
    """
    words = " ".join(re.findall(r"\w+", query))
    pages = visible_pages(reader).filter(language=language)
    return get_search_backend().search(words, pages) if words else pages.none()


SNIPPET_LENGTH = 240


def search_snippet(text: str, query: str, *, length: int = SNIPPET_LENGTH) -> SafeString:
    """A bit of the text around the first word of the query, escaped, with the query's words marked."""
    plain = " ".join(text.split())
    words = [word for word in re.findall(r"\w+", query) if len(word) > 1]
    start = 0
    if words:
        match = re.search("|".join(re.escape(word) for word in words), plain, flags=re.IGNORECASE)
        if match:
            start = max(0, match.start() - length // 3)
    excerpt = plain[start : start + length]
    pieces = (
        re.split(f"({'|'.join(re.escape(word) for word in words)})", excerpt, flags=re.IGNORECASE)
        if words
        else [excerpt]
    )
    marked = "".join(
        f"<mark>{html.escape(piece)}</mark>" if i % 2 else html.escape(piece) for i, piece in enumerate(pieces)
    )
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(plain) else ""
    return mark_safe(prefix + marked + suffix)  # every piece of text was escaped above


# --- Diffs ------------------------------------------------------------------------------------

CONTEXT_LINES = 3
# Lines longer than this are compared whole: a word diff of two huge lines is quadratic.
WORD_DIFF_MAX = 2000


@dataclass
class Cell:
    """One side of a line in a diff: its number and its text in pieces, the changed ones marked."""

    number: int | None
    kind: str  # "equal", "delete", "insert", "empty"
    pieces: list[tuple[bool, str]] = field(default_factory=list)


@dataclass
class Row:
    old: Cell
    new: Cell


@dataclass
class InlineLine:
    old_number: int | None
    new_number: int | None
    kind: str
    pieces: list[tuple[bool, str]]


@dataclass
class Hunk:
    rows: list[Row]

    @property
    def inline(self) -> list[InlineLine]:
        """The hunk as one column: removed lines before the lines that replace them."""
        lines: list[InlineLine] = []
        added: list[InlineLine] = []
        for row in self.rows:
            if row.old.kind == "equal":
                lines += added
                added = []
                lines.append(InlineLine(row.old.number, row.new.number, "equal", row.old.pieces))
                continue
            if row.old.kind == "delete":
                lines.append(InlineLine(row.old.number, None, "delete", row.old.pieces))
            if row.new.kind == "insert":
                added.append(InlineLine(None, row.new.number, "insert", row.new.pieces))
        return lines + added


@dataclass
class Diff:
    hunks: list[Hunk]

    @property
    def changed(self) -> bool:
        return bool(self.hunks)


def _word_pieces(old: str, new: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    if len(old) > WORD_DIFF_MAX or len(new) > WORD_DIFF_MAX:
        return [(True, old)], [(True, new)]
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    old_pieces, new_pieces = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            old_pieces.append((tag != "equal", "".join(a[i1:i2])))
        if j2 > j1:
            new_pieces.append((tag != "equal", "".join(b[j1:j2])))
    return old_pieces, new_pieces


def text_diff(old_text: str, new_text: str, *, context: int = CONTEXT_LINES) -> Diff:
    """The changed lines of two texts with some context, paired for side-by-side and inline display.

    Text stays text here: the template escapes every piece, so a diff never renders markup.
    """
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        rows = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset in range(i2 - i1):
                    line = old_lines[i1 + offset]
                    rows.append(
                        Row(
                            Cell(i1 + offset + 1, "equal", [(False, line)]),
                            Cell(j1 + offset + 1, "equal", [(False, line)]),
                        )
                    )
                continue
            for offset in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + offset, j1 + offset
                old_line = old_lines[i] if i < i2 else None
                new_line = new_lines[j] if j < j2 else None
                if old_line is not None and new_line is not None:
                    old_pieces, new_pieces = _word_pieces(old_line, new_line)
                else:
                    old_pieces = [(True, old_line)] if old_line is not None else []
                    new_pieces = [(True, new_line)] if new_line is not None else []
                rows.append(
                    Row(
                        Cell(i + 1, "delete", old_pieces) if old_line is not None else Cell(None, "empty"),
                        Cell(j + 1, "insert", new_pieces) if new_line is not None else Cell(None, "empty"),
                    )
                )
        hunks.append(Hunk(rows))
    return Diff(hunks)
