"""Keeping a page in step with a page of a MediaWiki: the form that links it (or unlinks it), its state,
and a pass run at once. Members allowed to link pages (``wiki.link_mediawiki``) who may edit the page.

Linking asks the other wiki who it is, and "pull now" runs one pass while the member waits: both
talk to the network, never inside a transaction (wiki/mediawiki/sync.py), so this view is not
wrapped in one even where a host sets ``ATOMIC_REQUESTS``.
"""

from urllib.parse import quote

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from suite.rendering import render
from suite.tasks import enqueue_on_commit

from .. import rules, tasks
from ..errors import WikiError
from ..forms import MediaWikiLinkForm
from ..mediawiki.sync import link_page, sync_page, unlink_page
from ..models import RemotePage
from .base import allowed_by, refusal_status, with_page

LINK_PERMISSION = "wiki.link_mediawiki"

# The form's field each refusal of the sync is about; other refusals are shown above the form.
ERROR_FIELDS = {"remote": "api_url", "no_title": "title", "linked": "title", "linked_elsewhere": "title"}


def check_may_link(user, page) -> None:
    """Linking pulls the other wiki's revisions into the page: the permission, and the right to edit it."""
    if not user.has_perm(LINK_PERMISSION):
        raise WikiError(_("Only members allowed to link pages to other wikis may do this."), code="forbidden")
    rules.check_may_edit(user, page)


link_required = allowed_by(check_may_link)


@transaction.non_atomic_requests
@with_page(follow_translation=False)
@link_required
def mediawiki(request, page):
    link = link_of(page)
    if request.method != "POST":
        return form_page(request, page, link, MediaWikiLinkForm(initial=initial(page, link)))
    if "unlink" in request.POST:
        return unlink(request, page, link)
    if "pull" in request.POST:
        return pull_now(request, page, link)
    return link_to(request, page, link)


def link_of(page) -> RemotePage | None:
    return RemotePage.objects.select_related("wiki", "linked_by").filter(page=page).first()


def initial(page, link: RemotePage | None) -> dict:
    if link is None:
        return {"title": page.title}
    return {"api_url": link.api_url, "title": link.title, "push": link.push}


def remote_address(link: RemotePage) -> str:
    """The page on the other wiki, for people: its index.php sits beside its api.php."""
    if not link.api_url.endswith("/api.php"):
        return ""
    return f"{link.api_url.removesuffix('api.php')}index.php?title={quote(link.title.replace(' ', '_'))}"


def form_page(request, page, link, form, *, error: WikiError | None = None, outcome=None, status: int = 200):
    context = {
        "wiki_page": page,
        "link": link,
        "linked": link is not None and bool(link.api_url),
        "remote_address": remote_address(link) if link is not None else "",
        "form": form,
        "error": error,
        "outcome": outcome,
    }
    return render(request, "wiki/mediawiki.html", context, status=status)


def link_to(request, page, link):
    form = MediaWikiLinkForm(request.POST)
    if not form.is_valid():
        return form_page(request, page, link, form, status=400)
    data = form.cleaned_data
    try:
        link = link_page(
            page=page, api_url=data["api_url"], title=data["title"] or page.title, push=data["push"], by=request.user
        )
    except WikiError as error:
        field = ERROR_FIELDS.get(error.code)
        if field is None:
            return form_page(request, page, link, form, error=error, status=refusal_status(error))
        form.add_error(field, error.message)
        return form_page(request, page, link, form, status=refusal_status(error))
    enqueue_on_commit(tasks.sync_mediawiki_page, link_id=link.pk)
    messages.success(
        request,
        _("The page is kept in step with “%(title)s” on %(wiki)s; the first pass is on its way.")
        % {"title": link.title, "wiki": link.wiki},
    )
    return redirect("wiki:mediawiki", slug=page.slug)


def unlink(request, page, link):
    if link is not None and link.api_url:
        unlink_page(page=page, by=request.user)  # the permission is checked above
        messages.success(request, _("The page is no longer kept in step; the revisions copied here stay."))
    return redirect("wiki:mediawiki", slug=page.slug)


def pull_now(request, page, link):
    """One pass for this page, now: the member waits for it (the API's timeouts bound the wait)."""
    form = MediaWikiLinkForm(initial=initial(page, link))
    if link is None or not link.api_url:
        error = WikiError(
            _("This page is not kept in step with a page of a MediaWiki: link it first."), code="not_linked"
        )
        return form_page(request, page, link, form, error=error, status=400)
    pushed_before = link.last_pushed_at
    report = sync_page(link)
    link = link_of(page)
    return form_page(request, page, link, form, outcome=outcome_of(report, link, pushed_before))


def outcome_of(report, link: RemotePage, pushed_before) -> dict:
    """What the pass did, in a few sentences, and what went wrong if something did."""
    lines = []
    if report.revisions_added:
        lines.append(
            ngettext(
                "%(count)s new revision pulled from %(wiki)s.",
                "%(count)s new revisions pulled from %(wiki)s.",
                report.revisions_added,
            )
            % {"count": report.revisions_added, "wiki": link.wiki}
        )
    elif not link.last_error:
        lines.append(_("Nothing new on %(wiki)s.") % {"wiki": link.wiki})
    if report.conflicts:
        lines.append(
            _(
                "The same lines were changed here and there: both texts are kept in the page between conflict "
                "markers, and its recent editors were told. Nothing is pushed until someone resolves them."
            )
        )
    elif report.merged:
        lines.append(_("The edits made there were merged with the edits made here."))
    for title, kept in report.kept.items():
        lines.append(_("%(page)s: kept as wikitext: %(kept)s.") % {"page": title, "kept": ", ".join(kept)})
    if link.last_pushed_at and link.last_pushed_at != pushed_before:
        lines.append(_("The text made here was pushed to %(wiki)s.") % {"wiki": link.wiki})
    return {"lines": lines, "error": link.last_error}
