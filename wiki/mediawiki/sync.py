"""Keeping a page in step with a page of a MediaWiki: link it, then pull (and push) on every pass.

A pass pulls the remote revisions newer than the last one both sides agreed on and copies them
as an import does (merging with edits made here). With ``push``, it then sends the text made
here since, as one edit with ``basetimestamp``: an edit made there meanwhile makes the remote
wiki refuse, and the next pass pulls and merges it here — never an overwrite there. A page whose
newest revision is a conflict is not pushed until someone here resolves it.

The network is never touched inside a transaction, and a remote wiki that is down, slow or
answers garbage only sets the page's ``last_error``: nothing is lost and the next pass goes on.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..conf import app_settings
from ..errors import WikiError
from ..merge import has_conflict_markers
from ..models import RemotePage, WikiPage
from .api import Api, RemoteError
from .dump import SourcePage
from .importer import Copier, Report, remote_wiki
from .wikitext import to_wikitext

logger = logging.getLogger(__name__)


def link_page(*, page: WikiPage, api_url: str, title: str, push: bool, by) -> RemotePage:
    """Keep ``page`` in step with ``title`` on the wiki of ``api_url``: asks that wiki who it is (network).

    Raises WikiError with a translated message when the address or the wiki refuses.
    """
    if not by.has_perm("wiki.link_mediawiki"):
        raise WikiError(_("Only members allowed to link pages to other wikis may do this."), code="forbidden")
    title = " ".join(title.split())
    if not title:
        raise WikiError(_("Give the title of the page on the other wiki."), code="no_title")
    try:
        site = Api(api_url).site_info()
    except RemoteError as error:
        raise WikiError(error.message, code="remote") from None
    wiki = remote_wiki(dbname=site.dbname, address=site.server, name=site.name or site.dbname)
    with transaction.atomic():
        locked = WikiPage.objects.select_for_update().get(pk=page.pk)
        link = RemotePage.objects.filter(page=locked).first()
        if link is not None and (link.wiki_id != wiki.pk or link.title != title):
            if link.base_id is not None:
                raise WikiError(
                    _("This page already holds revisions of %(title)s on %(wiki)s; it stays linked to that page.")
                    % {"title": link.title, "wiki": link.wiki},
                    code="linked",
                )
            link.delete()
            link = None
        other = RemotePage.objects.filter(wiki=wiki, title=title).exclude(page=locked).select_related("page").first()
        if other is not None:
            raise WikiError(
                _("Another page here is already in step with %(title)s on %(wiki)s: %(page)s.")
                % {"title": title, "wiki": wiki, "page": other.page.title},
                code="linked_elsewhere",
            )
        if link is None:
            link = RemotePage(page=locked, wiki=wiki, title=title)
        link.api_url, link.push, link.linked_by, link.last_error = api_url, push, by, ""
        link.save()
    return link


def unlink_page(*, page: WikiPage, by) -> None:
    """Stop keeping the page in step; what was copied stays, and linking again goes on from there."""
    if not by.has_perm("wiki.link_mediawiki"):
        raise WikiError(_("Only members allowed to link pages to other wikis may do this."), code="forbidden")
    RemotePage.objects.filter(page=page).update(api_url="", push=False)


def sync_page(link: RemotePage) -> Report:
    """One pass for one page: pull, then push if asked. Errors are recorded on the link, not raised."""
    report = Report(wiki=str(link.wiki))
    try:
        api = Api(link.api_url)
        _pull(api, link, report)
        if link.push and not report.problems:
            _push(api, link)
        fields = {"last_error": ""}
    except RemoteError as error:
        fields = {"last_error": error.message, "last_error_at": timezone.now()}
    if report.problems:
        fields = {"last_error": "; ".join(str(problem) for problem in report.problems), "last_error_at": timezone.now()}
    RemotePage.objects.filter(pk=link.pk).update(**fields)
    return report


def _pull(api: Api, link: RemotePage, report: Report) -> None:
    page_id, revisions = api.revisions(link.title, after=link.base_id)  # before any transaction
    if revisions:
        with transaction.atomic():
            link = RemotePage.objects.select_related("page", "wiki").select_for_update().get(pk=link.pk)
            source = SourcePage(title=link.title, id=page_id)
            Copier(link.wiki, language=link.page.language, report=report).copy(source, revisions, link=link)
    RemotePage.objects.filter(pk=link.pk).update(last_pulled_at=timezone.now())


def _push(api: Api, link: RemotePage) -> None:
    link.refresh_from_db()
    page = WikiPage.objects.select_related("current_revision").get(pk=link.page_id)
    current = page.current_revision
    if current is None or current.text == link.base_text:
        return
    if has_conflict_markers(current.text):
        raise RemoteError(
            _("Nothing is pushed while the page holds conflict markers: choose what stays and save the page.")
        )
    user, password = app_settings.MEDIAWIKI_USER, app_settings.MEDIAWIKI_PASSWORD
    if not user or not password:
        raise RemoteError(_("Pushing needs the sync's bot password (WIKI_MEDIAWIKI_USER, WIKI_MEDIAWIKI_PASSWORD)."))
    local = page.revisions.filter(remote_id__isnull=True, number__gt=_last_copied_number(link)).order_by("number")
    summaries = [summary for summary in local.values_list("summary", flat=True) if summary]
    summary = _("Edited on %(site)s") % {"site": _site_name()}
    if summaries:
        summary = f"{summary}: {'; '.join(summaries)}"[:500]
    started = timezone.now()
    api.log_in(user, password)
    try:
        saved = api.edit(
            title=link.title,
            text=to_wikitext(current.text),
            summary=summary,
            base=link.base_id,
            base_timestamp=link.base_timestamp,
            start_timestamp=started,
        )
    except RemoteError as error:
        if error.code in ("editconflict", "articleexists"):
            raise RemoteError(
                _("The page was edited there meanwhile; the next pass brings that edit here and merges it."),
                code=error.code,
            ) from None
        raise
    fields = {"last_pushed_at": timezone.now(), "pushed_id": saved.id}
    if saved.previous == link.base_id:
        fields["base_text"] = current.text
        if saved.id is not None:
            fields.update(base_id=saved.id, base_timestamp=saved.timestamp)
    # Else an edit made there meanwhile came before ours (the wiki merged the two, or, within the same
    # second, took ours over it): the base stays, the next pull merges that edit here and only moves
    # the base past ours, and the next push gives that wiki the text with both.
    RemotePage.objects.filter(pk=link.pk, base_id=link.base_id).update(**fields)


def _last_copied_number(link: RemotePage) -> int:
    copied = link.page.revisions.filter(remote_wiki=link.wiki).order_by("-number").values_list("number", flat=True)
    return copied.first() or 0


def _site_name() -> str:
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or "NLU"


def sync_all() -> list[tuple[RemotePage, Report | None]]:
    """One pass over every page kept in step: each link with its report (None: the pass failed, logged)."""
    passes = []
    for link in RemotePage.objects.exclude(api_url="").select_related("page", "wiki").order_by("pk").iterator():
        try:
            report = sync_page(link)
        except Exception:  # one page's bug must not stop the others' sync
            logger.exception("Sync of %s failed", link.pk)
            report = None
        passes.append((link, report))
    return passes
