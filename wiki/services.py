"""Writes of the wiki: create a page, save an edit (merging when the page moved on), revert, protect,
make a scope's pages private or public, and forget a leaving member's names.

Every write that adds a revision locks the page's row first and reads the current revision
only then, so concurrent saves of one page queue and number their revisions 1, 2, 3… without
gaps or duplicates: on PostgreSQL with SELECT ... FOR UPDATE, on SQLite because the transaction
is IMMEDIATE. The unique (page, number) constraint stands behind that.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from suite.privacy import whole_words
from suite.versions import move_version

from .conf import app_settings
from .errors import EditConflict, WikiError
from .markdown import check_renderable, render, slug_for
from .merge import Conflict, merge
from .models import PageLink, RemoteAuthor, RemoteAuthorKind, Revision, WikiPage
from .rules import check_may_edit, check_may_protect
from .scopes import may_read
from .selectors import MAX_NUMBER, VERSION_KEY

MAX_TITLE_LENGTH = 255
MAX_SUMMARY_LENGTH = 300
MAX_TAG_LENGTH = 100


@dataclass
class SaveResult:
    revision: Revision
    merged: bool


def normalise_text(text: str) -> str:
    """Line ends as \\n (browsers send \\r\\n), one final newline: merges and comparisons see only real changes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return text + "\n" if text else ""


def _check_author(author) -> None:
    if author is None or not author.is_authenticated:
        raise WikiError(_("Sign in to edit the wiki."), code="anonymous")


def _check_text(text: str) -> None:
    if not text:
        raise WikiError(_("Write something on the page before saving it."), code="no_text")
    size, limit = len(text.encode()), app_settings.MAX_TEXT_BYTES
    if size > limit:
        raise WikiError(
            _("The text is too long: %(size)s bytes, and a page may hold at most %(limit)s.")
            % {"size": number_format(size, force_grouping=True), "limit": number_format(limit, force_grouping=True)},
            code="too_large",
        )
    check_renderable(text)  # before any lock is taken


def text_preview(*, text: str, language: str) -> str:
    """The HTML ``text`` will have once saved, refused as a save would be (too long, too intricate)."""
    text = normalise_text(text)
    if not text:
        return ""
    _check_text(text)
    return render(text, language=language).html


def _check_summary(summary: str) -> str:
    summary = " ".join(summary.split())
    if len(summary) > MAX_SUMMARY_LENGTH:
        raise WikiError(
            _("Keep the edit summary to %(limit)s characters.") % {"limit": MAX_SUMMARY_LENGTH},
            code="summary_too_long",
        )
    return summary


def _check_rate(author) -> None:
    """Counted in the database, so that the limit holds however many processes serve the site."""
    limit = app_settings.EDITS_PER_MINUTE
    since = timezone.now() - datetime.timedelta(minutes=1)
    if Revision.objects.filter(author=author, created_at__gte=since).count() >= limit:
        raise WikiError(
            _("You have saved %(limit)s edits in the last minute. Wait a minute, then save again.") % {"limit": limit},
            code="rate_limited",
        )


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(tag.split()) for tag in tags if tag.strip()))
    if any(len(tag) > MAX_TAG_LENGTH for tag in cleaned):
        raise WikiError(_("A tag may have at most %(limit)s characters.") % {"limit": MAX_TAG_LENGTH}, code="bad_tag")
    return cleaned


def _unchanged(page: WikiPage) -> WikiError:
    return WikiError(
        _("Nothing to save: the text is the same as the current version of the page."),
        code="unchanged",
        page=page,
    )


def _lock(page: WikiPage) -> WikiPage:
    """The page's row, locked, then its current revision in a query of its own.

    Not in one query with a join: on PostgreSQL, a statement that waited for the lock sees the
    page row as updated meanwhile but joins it to the revisions of its own, older snapshot, so
    the new current revision would come back as None.
    """
    locked = WikiPage.objects.select_for_update().get(pk=page.pk)
    if locked.current_revision_id is not None:
        locked.current_revision = Revision.objects.get(pk=locked.current_revision_id)
    return locked


def _append(locked: WikiPage, *, text: str, summary: str, author, parent: Revision | None) -> Revision:
    """Add the next revision to the locked page and make it current: every edit here goes through this.

    ``parent`` is the revision the editor started from: the current one, or an older one when
    the edit was merged.
    """
    rendered = render(text, language=locked.language)
    revision = add_revision(locked, html=rendered.html, text=text, summary=summary, author=author, parent=parent)
    make_current(locked, links=rendered.links, at=revision.created_at)
    return revision


def add_revision(locked: WikiPage, *, html: str, text: str, parent: Revision | None, **fields) -> Revision:
    """The next revision of the locked page, current in memory only, and the ``WIKI_REVISION_HOOKS`` told,
    in this transaction: every new revision is made here. ``fields`` are more of the revision's
    (summary, author, and for one copied from a MediaWiki its date and origin). ``html`` may be ""
    for a revision that will not be current (one of many copied in a row): ``revision_html``
    renders it when someone reads it.

    ``make_current`` saves the page once after one revision, or after many in a row (an import).
    """
    current = locked.current_revision
    revision = Revision.objects.create(
        page=locked,
        number=current.number + 1 if current else 1,
        parent=parent,
        text=text,
        html=html,
        **{"created_at": timezone.now(), **fields},
    )
    locked.current_revision, locked.text = revision, text
    for path in app_settings.REVISION_HOOKS:
        import_string(path)(revision=revision)
    return revision


def make_current(locked: WikiPage, *, links: set[str], at) -> None:
    """Save the locked page with its newest revision (post_save re-indexes it for search) and rebuild its links."""
    locked.updated_at = at
    locked.save(update_fields=["current_revision", "text", "updated_at"])
    PageLink.objects.filter(from_page=locked).delete()
    PageLink.objects.bulk_create(
        [PageLink(from_page=locked, to_slug=slug, to_language=locked.language) for slug in sorted(links)]
    )


def revision_html(revision: Revision, *, language: str) -> str:
    """The revision's stored HTML; rendered and stored first if it has none yet (copied in a row, never current)."""
    if not revision.html and revision.text:
        revision.html = render(revision.text, language=language).html
        Revision.objects.filter(pk=revision.pk).update(html=revision.html)
    return revision.html


def _refresh(page: WikiPage, locked: WikiPage) -> None:
    """Bring the caller's object up to date with what was written to the locked copy."""
    for name in ("current_revision", "text", "updated_at", "protected"):
        setattr(page, name, getattr(locked, name))


def render_links_again(targets: list[WikiPage], *, rendered: WikiPage | None = None) -> None:
    """Pages that link to ``targets`` show those links red or blue as the targets were: render their text again.

    After a page is created (its links turn blue) or a scope's pages turn private or public (red:
    the stored HTML is the same for every reader, so a link to a private page is red for all).
    The text stays as it is (append-only); only the stored HTML, a cache of it, changes. The
    linking pages are locked in pk order, the one order used here, so that an edit of one of
    them waits and then renders with the targets as they are now. ``rendered`` is a page whose
    HTML is already new.
    """
    wanted = {(target.language, target.slug) for target in targets}
    if not wanted:
        return
    links = PageLink.objects.filter(
        to_language__in={language for language, _slug in wanted}, to_slug__in={slug for _language, slug in wanted}
    )
    if rendered is not None:
        links = links.exclude(from_page=rendered)
    linking = {
        pk for pk, *target in links.values_list("from_page_id", "to_language", "to_slug") if tuple(target) in wanted
    }
    for pk in sorted(linking):
        other = _lock(WikiPage(pk=pk))
        revision = other.current_revision
        if revision is not None:
            revision.html = render(revision.text, language=other.language).html
            revision.save(update_fields=["html"])


def _refusal_naming(existing: WikiPage, *, author, code: str, named, unnamed) -> WikiError:
    """A refusal because of ``existing``, named (title and link) only to an author who may read it."""
    if may_read(author, existing):
        return WikiError(named % {"title": existing.title}, code=code, page=existing)
    return WikiError(unnamed, code=code)


def _translation_taken(translation_of: WikiPage, language: str, author) -> WikiError | None:
    if translation_of.language == language:
        return WikiError(
            _("A translation must be in another language than the page it translates."),
            code="same_language",
            page=translation_of,
        )
    existing = WikiPage.objects.filter(translation_group=translation_of.translation_group, language=language).first()
    if existing is None:
        return None
    return _refusal_naming(
        existing,
        author=author,
        code="translation_exists",
        named=_("This page already has a translation in that language: %(title)s."),
        unnamed=_("This page already has a translation in that language, in a group you cannot read."),
    )


def _slug_taken(slug: str, language: str, author) -> WikiError | None:
    existing = WikiPage.objects.filter(language=language, slug=slug).first()
    if existing is None:
        return None
    return _refusal_naming(
        existing,
        author=author,
        code="slug_taken",
        named=_("A page with this name already exists: %(title)s."),
        unnamed=_("A page with this name already exists, in a group you cannot read. Choose another title."),
    )


@transaction.atomic
def page_create(
    *,
    title: str,
    language: str,
    text: str,
    summary: str = "",
    author,
    translation_of: WikiPage | None = None,
    tags: Iterable[str] = (),
    scope: str = "",
    private: bool = False,
) -> WikiPage:
    """A new page with its first revision, owned by ``scope`` (a group's key, "" none), ``private`` to its readers.

    As a translation, it joins the other page's translation group, and its scope when none is given.
    """
    _check_author(author)
    if translation_of is not None and not may_read(author, translation_of):
        raise WikiError(_("The page this should translate no longer exists."), code="no_origin")
    title = " ".join(title.split())
    if not title:
        raise WikiError(_("Give the page a title."), code="no_title")
    if len(title) > MAX_TITLE_LENGTH:
        raise WikiError(
            _("Keep the title to %(limit)s characters.") % {"limit": MAX_TITLE_LENGTH},
            code="title_too_long",
        )
    slug = slug_for(title)
    if not slug:
        raise WikiError(
            _("A title needs at least one letter or digit; punctuation alone cannot name a page."),
            code="bad_title",
        )
    if language not in dict(settings.LANGUAGES):
        raise WikiError(_("The wiki is not available in this language."), code="bad_language")
    text = normalise_text(text)
    _check_text(text)
    summary = _check_summary(summary)
    tags = _clean_tags(tags)
    _check_rate(author)
    refusal = _slug_taken(slug, language, author) or (
        translation_of and _translation_taken(translation_of, language, author)
    )
    if refusal:
        raise refusal
    page = WikiPage(title=title, slug=slug, language=language, scope=scope, private=private)
    if translation_of is not None:
        page.translation_group = translation_of.translation_group
        if not scope:
            page.scope, page.private = translation_of.scope, translation_of.private
    try:
        # A savepoint: when a concurrent request wins the insert, say which rule it broke.
        with transaction.atomic():
            page.save(force_insert=True)
    except IntegrityError:
        refusal = _slug_taken(slug, language, author) or (
            translation_of and _translation_taken(translation_of, language, author)
        )
        if refusal:
            raise refusal from None
        raise
    _append(page, text=text, summary=summary, author=author, parent=None)
    if tags:
        page.tags.set(tags)
    render_links_again([page], rendered=page)
    return page


@transaction.atomic
def page_save(*, page: WikiPage, text: str, summary: str = "", author, base_number: int) -> SaveResult:
    """Save an edit started from revision ``base_number``; if the page moved on since, merge or refuse.

    A clean three-way merge (base → current, base → the editor's text) is saved at once with
    ``merged=True``. Overlapping changes raise ``EditConflict`` carrying the editor's text.
    """
    _check_author(author)
    if isinstance(base_number, bool) or not isinstance(base_number, int):
        raise WikiError(_("This edit does not say which version it started from."), code="bad_base")
    text = normalise_text(text)
    _check_text(text)
    summary = _check_summary(summary)
    locked = _lock(page)
    check_may_edit(author, locked)
    _check_rate(author)
    current = locked.current_revision
    if base_number == current.number:
        base, new_text, merged = current, text, False
    else:
        base = locked.revisions.filter(number=base_number).first()
        if base is None:
            raise WikiError(
                _("This edit started from a version that is not one of this page's. Reload the page and edit again."),
                code="bad_base",
                page=locked,
            )
        result = merge(
            base=base.text,
            theirs=current.text,
            mine=text,
            theirs_label=_("revision %(number)s (saved meanwhile)") % {"number": current.number},
            mine_label=_("your text"),
        )
        if isinstance(result, Conflict):
            raise EditConflict(mine=text, merged=result.text, base=base, theirs=current, page=locked)
        new_text, merged = result, True
        _check_text(new_text)
    if new_text == current.text:
        raise _unchanged(locked)
    revision = _append(locked, text=new_text, summary=summary, author=author, parent=base)
    _refresh(page, locked)
    return SaveResult(revision=revision, merged=merged)


@transaction.atomic
def page_revert(*, page: WikiPage, number: int, author, summary: str = "") -> Revision:
    """Bring back an earlier revision's text as a new revision (history is never rewritten)."""
    _check_author(author)
    summary = _check_summary(summary)
    locked = _lock(page)
    target = None
    # A number beyond what the database stores names no revision (and asking for it would fail).
    if isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= MAX_NUMBER:
        target = locked.revisions.filter(number=number).first()
    if target is None:
        raise WikiError(
            _("This page has no revision %(number)s.") % {"number": number}, code="no_revision", page=locked
        )
    check_may_edit(author, locked)
    _check_rate(author)
    if target.text == locked.current_revision.text:
        raise _unchanged(locked)
    summary = summary or _("Reverted to revision %(number)s") % {"number": target.number}
    revision = _append(locked, text=target.text, summary=summary, author=author, parent=locked.current_revision)
    _refresh(page, locked)
    return revision


@transaction.atomic
def page_protect(*, page: WikiPage, protected: bool, by) -> WikiPage:
    """Protect a page (only coordinators may then edit it) or lift the protection."""
    check_may_protect(by)
    locked = _lock(page)
    if locked.protected != protected:
        locked.protected = protected
        locked.save(update_fields=["protected"])
    _refresh(page, locked)
    return page


@transaction.atomic
def scope_set_private(*, scope: str, private: bool) -> int:
    """Make every page of ``scope`` private to its readers, or public: its group's visibility changed.

    Each page is saved, so that the search index, the wiki's cache and a host's page cache follow;
    links to the pages from elsewhere are rendered again. Returns how many pages changed.
    """
    if not scope:
        raise ValueError("scope_set_private needs a scope: the pages of no scope are everyone's")
    pages = list(WikiPage.objects.select_for_update().filter(scope=scope).exclude(private=private).order_by("pk"))
    for page in pages:
        page.private = private
        page.save(update_fields=["private"])
    render_links_again(pages)
    return len(pages)


@transaction.atomic
def remote_authors_forget(*, member, pseudonym: str) -> int:
    """Forget which remote names are ``member``'s (their account is closing); how many mappings went.

    Revisions copied under a mapped name before it was mapped become the member's (as the mapping
    said they are), and the name in the summaries of that wiki's revisions (MediaWiki writes them:
    "Reverted edits by …") becomes ``pseudonym``: no row keeps the name that points at the person.
    """
    mappings = list(RemoteAuthor.objects.filter(user=member).order_by("pk"))
    for mapping in mappings:
        of_wiki = Revision.objects.filter(remote_wiki_id=mapping.wiki_id)
        of_wiki.filter(remote_author=mapping.name, remote_author_kind=RemoteAuthorKind.USER, author=None).update(
            author=member, remote_author="", remote_author_kind=""
        )
        pattern = whole_words([mapping.name])
        changed = []
        for revision in of_wiki.filter(summary__contains=mapping.name).only("pk", "summary"):
            summary = pattern.sub(pseudonym, revision.summary)[:MAX_SUMMARY_LENGTH]
            if summary != revision.summary:
                revision.summary = summary
                changed.append(revision)
        Revision.objects.bulk_update(changed, ["summary"], batch_size=500)
    RemoteAuthor.objects.filter(pk__in=[mapping.pk for mapping in mappings]).delete()
    if mappings:
        move_version(VERSION_KEY)  # update() sends no signal: the histories kept in the cache are stale
    return len(mappings)


@transaction.atomic
def list_names_replace(*, pages, names: Iterable[str], replacement: str) -> int:
    """Put ``replacement`` for a name in the lists of ``pages``' texts, in every revision; how many changed.

    Only a list item that is one of ``names`` and nothing else ("- Jane Doe", a line written by code
    such as a meeting's list of attendees) is changed, the same way in every revision, so that the
    history and its diffs still read; any other mention is the writers' text and stays. The one
    exception to revisions never changing: a member who leaves takes their name out of such lists.
    """
    pattern = whole_words(names)
    if pattern is None:
        return 0
    item = re.compile(r"^([ \t]*[-*+][ \t]+)(?:" + pattern.pattern + r")[ \t]*$", re.MULTILINE)
    text_has_a_name = Q()
    for name in {name.strip() for name in names if name and name.strip()}:
        text_has_a_name |= Q(text__contains=name)
    changed = 0
    revisions = Revision.objects.filter(text_has_a_name, page__in=pages).select_related("page").order_by("pk")
    for revision in revisions:
        text = item.sub(lambda match: match.group(1) + replacement, revision.text)
        if text == revision.text:
            continue
        revision.text = text
        revision.html = render(text, language=revision.page.language).html if revision.html else ""
        revision.save(update_fields=["text", "html"])
        changed += 1
        page = revision.page
        if page.current_revision_id == revision.pk:
            page.text = text
            page.save(update_fields=["text"])  # the search index forgets the name too
    return changed
