"""Reading the wiki: the pages of a language, a page (or an old revision of it), recent changes,
search, what links to a page, and a page's text as a Markdown file or a MediaWiki export. Anyone may read."""

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from wagtail import hooks

from suite.rendering import render

from .. import rules, selectors
from ..forms import RecentChangesForm, SearchForm
from ..mediawiki.export import export_chunks
from ..models import Revision, WikiPage
from ..scopes import Scope, provider
from ..services import revision_html
from .base import (
    error_page,
    language_name,
    no_revision,
    page_language,
    paginate,
    query_with,
    render_with_diagrams,
    revision_number,
    with_page,
)


def index(request):
    context = {"pages": paginate(request, selectors.page_list(language=page_language(), reader=request.user))}
    return render(request, "wiki/index.html", context)


def recent(request):
    form = RecentChangesForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "rows": recent_rows(request, Revision.objects.none())}
        return render(request, "wiki/recent.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    revisions = selectors.recent_changes(
        language=data.get("language", ""), member=data.get("member"), reader=request.user
    )
    rows = selectors.kept(
        "recent",
        get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate(),  # "today" and "yesterday" in the times move at midnight
        request.GET.urlencode(),
        reader=request.user,
        build=lambda: recent_rows(request, revisions),
    )
    return render(request, "wiki/recent.html", {"form": form, "rows": rows})


def recent_rows(request, revisions) -> str:
    """The rows and the pagination: the same for every reader of the same scopes in one language and time zone."""
    revisions = paginate(request, revisions)
    for revision in revisions:
        revision.language_name = language_name(revision.page.language)
    context = {"revisions": revisions, "query": query_with(request, page=None)}
    return render_to_string("wiki/_recent_rows.html", context)


def search(request):
    form = SearchForm(request.GET or None)
    results, status = None, 200
    if form.is_bound:
        if form.is_valid() and form.cleaned_data["q"]:
            query = form.cleaned_data["q"]
            pages = selectors.page_search(language=page_language(), query=query, reader=request.user)
            results = paginate(request, pages)
            for page in results:
                page.snippet = selectors.search_snippet(page.text, query)
        elif not form.is_valid():
            status = 400
    context = {"form": form, "results": results, "query": query_with(request, page=None)}
    return render(request, "wiki/search.html", context, status=status)


def page_sections(request, page: WikiPage) -> list[str]:
    """HTML other apps add to a wiki page (courses: the units built from it); the wiki knows none of them.

    A ``wiki_page_sections`` hook takes the request and the page and returns HTML, or nothing.
    """
    return [html for hook in hooks.get_hooks("wiki_page_sections") if (html := hook(request, page))]


@with_page()
def read(request, page):
    revision = page.current_revision
    if "revision" in request.GET:
        number = revision_number(request.GET["revision"])
        revision = selectors.page_revision(page, number) if number else None
        if revision is None:
            return error_page(request, no_revision(request.GET["revision"]), page=page)
    if revision is not None:
        revision_html(revision, language=page.language)
    text, languages = selectors.kept(
        "page",
        page.pk,
        revision.pk if revision else None,
        get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate(),  # "today" and "yesterday" in the times move at midnight
        reader=request.user,
        build=lambda: page_parts(page, revision, reader=request.user),
    )
    context = {
        "wiki_page": page,
        "revision": revision,
        "is_old": revision is not None and revision.pk != page.current_revision_id,
        "page_text": text,
        "other_languages": languages,
        "sections": page_sections(request, page),
        "scope": scope_of(page),
        "can_edit": rules.may_edit(request.user, page),
        "is_coordinator": rules.is_coordinator(request.user),
    }
    return render_with_diagrams(request, "wiki/page.html", context, html=revision.html if revision else None)


def page_parts(page: WikiPage, revision, *, reader) -> tuple[str, str]:
    """The text with its tags and revision line, and the other languages: the same for every reader of the
    same scopes."""
    context = {"wiki_page": page, "revision": revision}
    text = render_to_string("wiki/_page_text.html", {**context, "tags": list(page.tags.all())})
    translations = selectors.page_translations(page, reader=reader)
    languages = render_to_string("wiki/_page_languages.html", {**context, "translations": translations})
    return text, languages


def scope_of(page: WikiPage) -> Scope | None:
    """The group the page belongs to, as its provider names it (asked on every read, never cached)."""
    return provider().describe([page.scope]).get(page.scope) if page.scope else None


@with_page()
def backlinks(request, page):
    linking = paginate(request, selectors.backlinks(language=page.language, slug=page.slug, reader=request.user))
    return render(request, "wiki/backlinks.html", {"wiki_page": page, "linking": linking})


@with_page()
def export(request, page):
    response = HttpResponse(page.text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{page.slug}.md")
    return response


@with_page()
def export_mediawiki(request, page):
    """The page with every revision as a MediaWiki XML export, written as its revisions are read."""
    chunks = export_chunks([page], language=page.language)
    response = StreamingHttpResponse(chunks, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{page.slug}.xml")
    return response
