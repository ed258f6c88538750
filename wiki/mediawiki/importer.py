"""Copying MediaWiki revisions into the wiki: from an export file, or pulled by the sync.

Each remote revision becomes one revision here, with its date, summary, minor flag and author
(a local account only where an administrator mapped the name: ``RemoteAuthor``). A revision is
keyed by its wiki and id (``Revision.remote_wiki``/``remote_id``, unique), and a page remembers
the newest remote revision it holds (``RemotePage.base_id``), so copying the same revisions again
adds nothing and a newer dump adds only what is new.

When the page was edited here since that revision, the remote text is merged three-way with the
local one (base: the last remote text copied here). A conflict is saved as a revision holding
both texts between markers and the page's recent editors are told: no one's words are lost.

One transaction per page: a page is copied whole or not at all, and what went wrong is
reported with its page and revision while the other pages go on.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from suite.links import absolute_url
from suite.members import member_locale

from ..conf import app_settings
from ..errors import WikiError
from ..markdown import check_renderable, page_path, render, slug_for
from ..merge import Conflict, merge
from ..models import RemoteAuthor, RemoteAuthorKind, RemoteMerge, RemotePage, RemoteWiki, Revision, WikiPage
from ..scopes import Scope
from ..services import MAX_SUMMARY_LENGTH, _lock, add_revision, make_current, normalise_text, render_links_again
from .dump import Site, SourcePage, SourceRevision, mediawiki_sha1, read_dump
from .wikitext import to_markdown

logger = logging.getLogger(__name__)

# How many of a page's latest local revisions name the editors told of a conflict.
RECENT_EDITORS_WINDOW = 20


@dataclass
class Problem:
    page: str
    revision: int | None
    message: str

    def __str__(self) -> str:
        if self.revision is None:
            return _("%(page)s: %(message)s") % {"page": self.page, "message": self.message}
        return _("%(page)s, revision %(revision)s: %(message)s") % {
            "page": self.page,
            "revision": self.revision,
            "message": self.message,
        }


@dataclass
class Report:
    """What an import did, for the person who started it."""

    wiki: str = ""
    pages_added: int = 0
    pages_updated: int = 0
    pages_unchanged: int = 0
    revisions_added: int = 0
    merged: list[str] = field(default_factory=list)  # titles of pages merged with edits made here
    conflicts: list[str] = field(default_factory=list)  # titles of pages where both texts were kept
    kept: dict[str, list[str]] = field(default_factory=dict)  # title → what was kept as wikitext
    skipped_namespaces: Counter = field(default_factory=Counter)  # namespace name → pages skipped
    problems: list[Problem] = field(default_factory=list)
    stopped: str = ""  # why the file could not be read to its end

    def lines(self) -> list[str]:
        """The report as sentences in the active language."""
        values = {
            "added": number_format(self.pages_added, force_grouping=True),
            "updated": number_format(self.pages_updated, force_grouping=True),
            "unchanged": number_format(self.pages_unchanged, force_grouping=True),
            "revisions": number_format(self.revisions_added, force_grouping=True),
        }
        lines = [
            _(
                "Pages: %(added)s added, %(updated)s updated, %(unchanged)s already up to date. "
                "Revisions added: %(revisions)s."
            )
            % values
        ]
        if self.merged:
            lines.append(_("Merged with edits made here: %(pages)s.") % {"pages": ", ".join(self.merged)})
        if self.conflicts:
            lines.append(
                _("Conflicts kept with both texts marked (their recent editors were told): %(pages)s.")
                % {"pages": ", ".join(self.conflicts)}
            )
        for title, kept in self.kept.items():
            lines.append(_("%(page)s: kept as wikitext: %(kept)s.") % {"page": title, "kept": ", ".join(kept)})
        for namespace, count in sorted(self.skipped_namespaces.items()):
            lines.append(
                _("Pages of the namespace “%(namespace)s” skipped: %(count)s.")
                % {"count": number_format(count, force_grouping=True), "namespace": namespace}
            )
        lines.extend(_("Not imported: %(problem)s") % {"problem": problem} for problem in self.problems)
        if self.stopped:
            lines.append(_("The import stopped: %(reason)s") % {"reason": self.stopped})
        return lines


class PageRefused(Exception):
    """This page cannot be copied; its transaction is rolled back and the import goes on."""

    def __init__(self, message: str, *, revision: int | None = None):
        super().__init__(message)
        self.message, self.revision = message, revision


def wiki_key(*, dbname: str, address: str) -> str:
    """A MediaWiki's key: its database name and host, the same in its dumps (``base``) and its API (``server``)."""
    return f"{dbname}@{urlsplit(address).netloc}"


def remote_wiki(*, dbname: str, address: str, name: str) -> RemoteWiki:
    """The row of this wiki, made on first sight; its name and address follow what it says now."""
    parts = urlsplit(address)
    site_url = f"{parts.scheme or 'https'}://{parts.netloc}" if parts.netloc else ""
    wiki, created = RemoteWiki.objects.get_or_create(
        key=wiki_key(dbname=dbname, address=address), defaults={"name": name, "url": site_url}
    )
    if not created and (wiki.name, wiki.url) != (name, site_url):
        wiki.name, wiki.url = name, site_url
        wiki.save(update_fields=["name", "url"])
    return wiki


class Copier:
    """Copies pages of one remote wiki into one language (and scope) here, and reports."""

    def __init__(self, wiki: RemoteWiki, *, language: str, scope: Scope | None = None, report: Report | None = None):
        self.wiki, self.language, self.scope = wiki, language, scope
        self.report = report or Report(wiki=str(wiki))
        self.authors = dict(RemoteAuthor.objects.filter(wiki=wiki).values_list("name", "user_id"))

    def copy(self, source: SourcePage, revisions: Iterable[SourceRevision], *, link: RemotePage | None = None) -> None:
        """Copy the revisions of ``source`` that are new here, in one transaction; report what went wrong."""
        revisions = iter(revisions)
        self.seen_ids = []
        try:
            with transaction.atomic():
                outcome = self._copy(source, revisions, link=link)
        except PageRefused as refused:
            self.report.problems.append(Problem(source.title, refused.revision, refused.message))
            _read_past(revisions)
            return
        except IntegrityError:
            # A concurrent import of the same page, or a page there linked to two pages here: its
            # revisions are another page's already. Anything else is a bug to see, not to report.
            if not Revision.objects.filter(remote_wiki=self.wiki, remote_id__in=self.seen_ids).exists():
                raise
            self.report.problems.append(
                Problem(source.title, None, _("its revisions are already those of another page here"))
            )
            _read_past(revisions)
            return
        if outcome == "added":
            self.report.pages_added += 1
        elif outcome == "updated":
            self.report.pages_updated += 1
        else:
            self.report.pages_unchanged += 1

    def _copy(self, source: SourcePage, revisions, *, link: RemotePage | None) -> str:
        created = False
        if link is None:
            link = self._link_of(source)
        if link is None:
            link, created = self._new_page(source), True
        locked = _lock(link.page)
        added, conflicts, merged, tags, first, moved = 0, [], False, [], None, False
        for revision in revisions:
            self.seen_ids.append(revision.id)
            if link.base_id is not None and revision.id is not None and revision.id <= link.base_id:
                continue  # copied here before
            text, converted = self._text_of(source, revision)
            if revision.id == link.pushed_id:
                # Our own push, which an edit there overtook (see sync): its words are here already,
                # so it only moves the base; copying it would undo that edit here.
                link.base_id, link.base_timestamp, link.base_text = revision.id, revision.timestamp, text
                moved = True
                continue
            new = self._add(locked, link, revision, text)
            merged |= bool(new.remote_merge)
            if new.remote_merge == RemoteMerge.CONFLICT:
                conflicts.append(new)
            tags, added = converted.tags, added + 1
            first = first or new
            if converted.kept:
                kept = self.report.kept.setdefault(source.title, [])
                kept.extend(item for item in converted.kept if item not in kept)
        if not added:
            if created:
                raise PageRefused(_("it has no revision to import"))
            if moved:
                link.save()
            return "unchanged"
        current = locked.current_revision
        # Only the newest revision is rendered now: the others are, if ever someone reads them.
        rendered = render_or_refuse(current.text, language=locked.language, revision=current.remote_id)
        current.html = rendered.html
        current.save(update_fields=["html"])
        if created:  # dated as on the remote wiki, not as of the import
            locked.created_at = first.created_at
            locked.save(update_fields=["created_at"])
        at = current.created_at if created else max(locked.updated_at, current.created_at)
        make_current(locked, links=rendered.links, at=at)
        if tags:
            locked.tags.add(*tags)
        if link.remote_page_id is None and source.id is not None:
            link.remote_page_id = source.id
        link.save()
        if created:
            render_links_again([locked], rendered=locked)
        self.report.revisions_added += added
        if merged:
            self.report.merged.append(source.title)
        if conflicts:
            self.report.conflicts.append(source.title)
            transaction.on_commit(lambda: tell_recent_editors(locked, conflicts[-1]))
        return "added" if created else "updated"

    def _link_of(self, source: SourcePage) -> RemotePage | None:
        links = RemotePage.objects.select_related("page").filter(wiki=self.wiki)
        if source.id is not None:
            return links.filter(remote_page_id=source.id).first()
        return links.filter(title=source.title).first()

    def _new_page(self, source: SourcePage) -> RemotePage:
        title = " ".join(source.title.split())[:255]
        slug = slug_for(title)
        if not slug:
            raise PageRefused(_("its title has no letter or digit to name a page here"))
        existing = WikiPage.objects.filter(language=self.language, slug=slug).first()
        if existing is not None:
            raise PageRefused(
                _("a page with this title already exists here and was not imported from %(wiki)s; rename one of them")
                % {"wiki": self.wiki}
            )
        page = WikiPage(title=title, slug=slug, language=self.language)
        if self.scope is not None:
            page.scope, page.private = self.scope.key, self.scope.private
        try:
            with transaction.atomic():
                page.save(force_insert=True)
        except IntegrityError:
            raise PageRefused(_("a page with this title was made here at the same time; import again")) from None
        return RemotePage.objects.create(page=page, wiki=self.wiki, remote_page_id=source.id, title=source.title)

    def _text_of(self, source: SourcePage, revision: SourceRevision):
        """The revision's text as this wiki's Markdown, or PageRefused saying why it cannot be copied."""
        if revision.problem:
            raise PageRefused(revision.problem, revision=revision.id)
        if revision.id is None:
            raise PageRefused(_("a revision has no id"))
        if revision.timestamp is None:
            raise PageRefused(_("it has no timestamp"), revision=revision.id)
        if revision.model not in ("", "wikitext"):
            raise PageRefused(
                _("its content is %(model)s, not wikitext") % {"model": revision.model}, revision=revision.id
            )
        if not revision.text_hidden:
            if revision.size is not None and revision.size != len(revision.text.encode()):
                raise PageRefused(
                    _("its text holds %(actual)s bytes, not the %(size)s the file says: the file is damaged")
                    % {"actual": len(revision.text.encode()), "size": revision.size},
                    revision=revision.id,
                )
            if revision.sha1 and revision.sha1 != mediawiki_sha1(revision.text):
                raise PageRefused(
                    _("its text does not match its sha1 checksum: the file is damaged"), revision=revision.id
                )
        with translation.override(self.language):  # what the conversion writes is the page's text
            converted = to_markdown(revision.text if not revision.text_hidden else "")
            text = normalise_text(converted.text)
            if revision.text_hidden:
                text = _("(The text of this revision is hidden on %(wiki)s.)") % {"wiki": self.wiki} + "\n"
        limit = app_settings.MAX_TEXT_BYTES
        if len(text.encode()) > limit:
            raise PageRefused(
                _("its text holds more than the %(limit)s bytes a page may hold here")
                % {"limit": number_format(limit, force_grouping=True)},
                revision=revision.id,
            )
        return text, converted

    def _add(self, locked: WikiPage, link: RemotePage, revision: SourceRevision, text: str) -> Revision:
        current = locked.current_revision
        outcome = ""
        if current is not None and current.text != link.base_text:  # edited here since the last copy
            with translation.override(locked.language):  # the conflict markers' labels are in the page's text
                result = merge(
                    base=link.base_text,
                    theirs=current.text,
                    mine=text,
                    theirs_label=_("this wiki (revision %(number)s)") % {"number": current.number},
                    mine_label=_("%(wiki)s (revision %(id)s)") % {"wiki": self.wiki, "id": revision.id},
                )
            outcome = RemoteMerge.CONFLICT if isinstance(result, Conflict) else RemoteMerge.MERGED
            merged_text = result.text if isinstance(result, Conflict) else result
            link.base_text = text
            text = merged_text
        else:
            link.base_text = text
        link.base_id, link.base_timestamp = revision.id, revision.timestamp
        author_id = self.authors.get(revision.user_name) if revision.user_name else None
        if revision.contributor_hidden:
            kind, name = RemoteAuthorKind.HIDDEN, ""
        elif revision.ip:
            kind, name = RemoteAuthorKind.IP, revision.ip
        else:
            kind, name = RemoteAuthorKind.USER, revision.user_name
        check_or_refuse(text, revision=revision.id)
        return add_revision(
            locked,
            html="",
            text=text,
            parent=current,
            author_id=author_id,
            summary=" ".join(revision.comment.split())[:MAX_SUMMARY_LENGTH],
            minor=revision.minor,
            created_at=revision.timestamp,
            remote_wiki=self.wiki,
            remote_id=revision.id,
            remote_author="" if author_id else name[:255],
            remote_author_kind="" if author_id else kind,
            remote_merge=outcome,
        )


def _read_past(revisions) -> None:
    """Read past the rest of a refused page's revisions: the stream goes on with the next page."""
    for _revision in revisions:
        pass


def render_or_refuse(text: str, *, language: str, revision: int | None):
    try:
        return render(text, language=language)
    except WikiError as error:
        raise PageRefused(str(error.message), revision=revision) from None


def check_or_refuse(text: str, *, revision: int | None) -> None:
    """Refuse now, as rendering it later would, a text too intricate to render (``check_renderable``)."""
    try:
        check_renderable(text)
    except WikiError as error:
        raise PageRefused(str(error.message), revision=revision) from None


def tell_recent_editors(page: WikiPage, revision: Revision) -> None:
    """Mail the page's recent local editors, each in their language: a conflict awaits them."""
    recent = Revision.objects.filter(page=page, author__isnull=False).order_by("-number")[:RECENT_EDITORS_WINDOW]
    editors = {revision.author_id: revision.author for revision in recent.select_related("author")}
    for editor in editors.values():
        if not editor.email:
            continue
        with member_locale(editor):
            values = {"page": page.title, "wiki": revision.remote_wiki}
            try:
                send_mail(
                    _("Edits to “%(page)s” here and on %(wiki)s overlap") % values,
                    "\n\n".join(
                        [
                            _(
                                "The page “%(page)s”, which you edited, was changed on %(wiki)s too, in the same "
                                "places. Both texts are kept in the page, between conflict markers: choose what "
                                "stays and save."
                            )
                            % values,
                            absolute_url(page_path(slug=page.slug, language=page.language)),
                        ]
                    )
                    + "\n",
                    None,
                    [editor.email],
                )
            except OSError:
                logger.warning("Could not tell %s of the conflict on %s", editor.pk, page.pk, exc_info=True)


def import_dump(
    file, *, language: str, scope: Scope | None = None, progress: Callable[[Report], None] | None = None
) -> Report:
    """Import a MediaWiki XML export read from the binary ``file``; ``progress`` is called after each page."""
    from .dump import DumpError

    report = Report()
    copier = None
    namespaces = set(app_settings.MEDIAWIKI_NAMESPACES)
    site = Site()
    try:
        for item in read_dump(file):
            if isinstance(item, Site):
                site = item
                wiki = remote_wiki(dbname=site.dbname, address=site.base, name=site.name or site.dbname)
                report.wiki = str(wiki)
                copier = Copier(wiki, language=language, scope=scope, report=report)
                continue
            if copier is None:
                raise DumpError(_("The file holds no MediaWiki export: it has no <siteinfo>."))
            if item.namespace not in namespaces:
                report.skipped_namespaces[site.namespaces.get(item.namespace) or str(item.namespace)] += 1
                item.skip()
            else:
                copier.copy(item, item.revisions())
            if progress is not None:
                progress(report)
    except DumpError as error:
        report.stopped = str(error)
    return report
