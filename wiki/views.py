"""The wiki's pages. Thin: reads come from selectors, every change goes through a service.

The URL's language is the language of the content: /tr/wiki/<slug>/ is the Turkish page. A link
that arrives in a language where the page is not written (the site's language switcher, a
course unit naming an English title) is sent on to the translation when there is one.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from . import selectors, services
from .forms import PageCreateForm, PageEditForm, PreviewForm, RecentChangesForm, SearchForm
from .markdown import render as render_markdown
from .markdown import slug_for
from .models import Revision, WikiPage

PAGE_SIZE = getattr(settings, "WIKI_PAGE_SIZE", 50)


def is_coordinator(user) -> bool:
    return user.is_authenticated and user.has_perm("wiki.change_protected")


def can_edit(user, page: WikiPage) -> bool:
    """Every signed-in member may edit; a protected page only coordinators."""
    return user.is_authenticated and (not page.protected or is_coordinator(user))


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


def page_sections(request, page: WikiPage) -> list[str]:
    """HTML other apps add to a wiki page (courses: the units built from it); the wiki knows none of them."""
    return [html for hook in hooks.get_hooks("wiki_page_sections") if (html := hook(request, page))]


def paginate(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def error_page(request, error: services.WikiError, *, page: WikiPage | None = None):
    return render(request, "wiki/error.html", {"error": error, "wiki_page": page}, status=error.status)


def _missing(request, value: str):
    """404 with what can be done: read it in another language, or create it (and who links to it)."""
    language = get_language()
    elsewhere = selectors.page_elsewhere(value=value, language=language)
    slug = slug_for(value)
    context = {
        "value": value,
        "elsewhere": elsewhere,
        "elsewhere_language": language_name(elsewhere.language) if elsewhere else "",
        "language_name": language_name(language),
        "linking": selectors.backlinks(language=language, slug=slug)[:50] if slug else [],
        "can_create": bool(slug),
    }
    return render(request, "wiki/missing.html", context, status=404)


class Redirect(Exception):  # a way out of a lookup, not an error
    def __init__(self, response: HttpResponse):
        self.response = response


def _page_or_redirect(request, slug: str, *, follow_translation: bool) -> WikiPage:
    """The page the URL names, or a Redirect: to its own slug, or to its translation in the URL's language.

    Revision numbers belong to one page, so views that take them do not follow translations.
    """
    language = get_language()
    match = request.resolver_match
    page = selectors.page_get(language=language, value=slug)
    query = request.GET.urlencode()
    if page is None and follow_translation:
        elsewhere = selectors.page_elsewhere(value=slug, language=language)
        page = selectors.page_translation(elsewhere, language) if elsewhere else None
        query = ""
    if page is None:
        raise Redirect(_missing(request, slug))
    if page.slug != slug:
        url = reverse(f"wiki:{match.url_name}", kwargs={**match.kwargs, "slug": page.slug})
        raise Redirect(HttpResponseRedirect(f"{url}?{query}" if query else url))
    return page


def with_page(*, follow_translation: bool = True):
    """Gives the view the page its ``slug`` names; a 404 page, or a redirect to the page's own address."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, slug, *args, **kwargs):
            try:
                page = _page_or_redirect(request, slug, follow_translation=follow_translation)
            except Redirect as way_out:
                return way_out.response
            return view(request, page, *args, **kwargs)

        return wrapped

    return decorate


def _require_member(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _require_editor(request, page: WikiPage):
    refused = _require_member(request)
    if refused:
        return refused
    if not can_edit(request.user, page):
        raise PermissionDenied(_("This page is protected: only coordinators can change it."))
    return None


# --- Reading -----------------------------------------------------------------------------------


def index(request):
    context = {"pages": paginate(request, selectors.page_list(language=get_language()))}
    return render(request, "wiki/index.html", context)


def recent(request):
    form = RecentChangesForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "rows": _recent_rows(request, Revision.objects.none())}
        return render(request, "wiki/recent.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    revisions = selectors.recent_changes(language=data.get("language", ""), member=data.get("member"))
    rows = selectors.kept(
        "recent",
        get_language(),
        timezone.get_current_timezone_name(),
        request.GET.urlencode(),
        build=lambda: _recent_rows(request, revisions),
    )
    return render(request, "wiki/recent.html", {"form": form, "rows": rows})


def _recent_rows(request, revisions) -> str:
    """The rows and the pagination: the same for every member in one language and time zone."""
    revisions = paginate(request, revisions)
    for revision in revisions:
        revision.language_name = language_name(revision.page.language)
    context = {"revisions": revisions, "query": _query_without_page(request)}
    return render_to_string("wiki/_recent_rows.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def search(request):
    form = SearchForm(request.GET or None)
    results, status = None, 200
    if form.is_bound:
        if form.is_valid() and form.cleaned_data["q"]:
            query = form.cleaned_data["q"]
            results = paginate(request, selectors.page_search(language=get_language(), query=query))
            for page in results:
                page.snippet = selectors.search_snippet(page.text, query)
        elif not form.is_valid():
            status = 400
    context = {"form": form, "results": results, "query": _query_without_page(request)}
    return render(request, "wiki/search.html", context, status=status)


@with_page()
def read(request, page):
    revision = page.current_revision
    if "revision" in request.GET:
        number = _revision_number(request.GET["revision"])
        revision = selectors.page_revision(page, number) if number else None
        if revision is None:
            return error_page(request, no_revision(request.GET["revision"]), page=page)
    text, languages = selectors.kept(
        "page",
        page.pk,
        revision.pk if revision else None,
        get_language(),
        timezone.get_current_timezone_name(),
        build=lambda: _page_parts(page, revision),
    )
    context = {
        "wiki_page": page,
        "revision": revision,
        "is_old": revision is not None and revision.pk != page.current_revision_id,
        "page_text": text,
        "other_languages": languages,
        "sections": page_sections(request, page),
        "can_edit": can_edit(request.user, page),
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "wiki/page.html", context)


def _page_parts(page: WikiPage, revision) -> tuple[str, str]:
    """The text with its tags and revision line, and the other languages: the same for every member."""
    context = {"wiki_page": page, "revision": revision}
    text = render_to_string("wiki/_page_text.html", {**context, "tags": list(page.tags.all())})
    languages = render_to_string(
        "wiki/_page_languages.html", {**context, "translations": selectors.page_translations(page)}
    )
    return text, languages


def _revision_number(value: str) -> int | None:
    """A number as typed in a URL; whether the page has that revision is for the selectors to say."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


def no_revision(number) -> services.WikiError:
    return services.WikiError(
        _("This page has no revision %(number)s.") % {"number": number}, code="no_revision", status=404
    )


@with_page()
def history(request, page):
    editor = can_edit(request.user, page)
    latest = page.current_revision.number if page.current_revision else None
    rows, numbers = selectors.kept(
        "history",
        page.pk,
        editor,
        get_language(),
        timezone.get_current_timezone_name(),
        request.GET.get("page", ""),
        build=lambda: _history_rows(request, page, can_edit=editor, latest=latest),
    )
    context = {
        "wiki_page": page,
        "rows": rows,
        "revert_numbers": [number for number in numbers if number != latest] if editor else [],
        "can_edit": editor,
    }
    return render(request, "wiki/history.html", context)


def _history_rows(request, page, *, can_edit: bool, latest) -> tuple[str, list[int]]:
    """The table of a page of revisions and the numbers on it (the revert forms carry each member's token)."""
    revisions = paginate(request, selectors.page_history(page))
    context = {"wiki_page": page, "revisions": revisions, "can_edit": can_edit, "latest": latest}
    return render_to_string("wiki/_history_rows.html", context), [revision.number for revision in revisions]


@with_page(follow_translation=False)
def diff(request, page):
    numbers = [_revision_number(request.GET.get(name, "")) for name in ("from", "to")]
    if None in numbers:
        error = services.WikiError(_("Choose two revisions of this page to compare."), code="diff_numbers", status=400)
        return error_page(request, error, page=page)
    found = selectors.page_revisions(page, numbers)
    missing = [number for number in numbers if number not in found]
    if missing:
        return error_page(request, no_revision(missing[0]), page=page)
    old, new = found[numbers[0]], found[numbers[1]]
    # One column by default: it reads on a phone; side by side is one click away on a wider screen.
    layout = "side" if request.GET.get("layout") == "side" else "inline"
    context = {
        "wiki_page": page,
        "old": old,
        "new": new,
        "diff": selectors.text_diff(old.text, new.text),
        "layout": layout,
        "other_layout_query": _with(request, layout="side" if layout == "inline" else "inline"),
        "can_edit": can_edit(request.user, page),
    }
    return render(request, "wiki/diff.html", context)


def _with(request, **values) -> str:
    query = request.GET.copy()
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


@with_page()
def backlinks(request, page):
    linking = paginate(request, selectors.backlinks(language=page.language, slug=page.slug))
    return render(request, "wiki/backlinks.html", {"wiki_page": page, "linking": linking})


@with_page()
def export(request, page):
    response = HttpResponse(page.text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{page.slug}.md")
    return response


@require_POST
def preview(request):
    """The rendered HTML of some Markdown, as a fragment: what the page will look like once saved."""
    if not request.user.is_authenticated:
        return HttpResponse(_("Sign in to preview a page."), status=403, content_type="text/plain; charset=utf-8")
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            " ".join(error for errors in form.errors.values() for error in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        html = preview_html(form.cleaned_data["text"])
    except services.WikiError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")
    return render(request, "wiki/_preview.html", {"preview": html})


# --- Writing -----------------------------------------------------------------------------------


def _form_page(request, form, *, page=None, origin=None, preview=None, error=None, conflict=None, status=200):
    context = {
        "form": form,
        "wiki_page": page,
        "origin": origin,
        "origin_language": language_name(origin.language) if origin else "",
        "language_name": language_name(get_language()),
        "preview": preview,
        "error": error,
        "conflict": conflict,
    }
    return render(request, "wiki/form.html", context, status=status)


def preview_html(text: str) -> str:
    """What ``text`` will look like once saved; refused (WikiError) as a save would be: too long, too intricate."""
    text = services.normalise_text(text)
    if not text:
        return ""
    services._check_text(text)  # the same limit as a save, before any rendering work
    return render_markdown(text, language=get_language()).html


def _with_preview(request, form, **context):
    """The form again with the preview of its text, or with the reason there is none."""
    try:
        return _form_page(request, form, preview=preview_html(form.cleaned_data["text"]), **context)
    except services.WikiError as error:
        return _form_page(request, form, error=error, status=error.status, **context)


def create(request):
    refused = _require_member(request)
    if refused:
        return refused
    language = get_language()
    if request.method == "POST":
        form = PageCreateForm(request.POST)
        if not form.is_valid():
            origin = selectors.page_by_id(request.POST.get("translation_of"))
            return _form_page(request, form, origin=origin, status=400)
        data = form.cleaned_data
        origin = data["translation_of"]
        if "preview" in request.POST:
            return _with_preview(request, form, origin=origin)
        try:
            page = services.page_create(
                title=data["title"],
                language=language,
                text=data["text"],
                summary=data["summary"],
                author=request.user,
                translation_of=origin,
                tags=data["tags"],
            )
        except services.WikiError as error:
            return _form_page(request, form, origin=origin, error=error, status=error.status)
        messages.success(request, _("The page is created."))
        return redirect("wiki:page", slug=page.slug)
    title = request.GET.get("title", "").strip()
    origin = None
    if "translation_of" in request.GET:
        origin = selectors.page_by_id(request.GET["translation_of"])
        if origin is None:
            message = _("The page this should translate no longer exists.")
            return error_page(request, services.WikiError(message, code="no_origin", status=404))
        existing = selectors.page_translation(origin, language)
        if existing:
            messages.info(
                request, _("This page is already written in %(language)s.") % {"language": language_name(language)}
            )
            return redirect("wiki:page", slug=existing.slug)
    elif title and (existing := selectors.page_get(language=language, value=title)):
        return redirect("wiki:edit", slug=existing.slug)
    initial = {"title": title, "translation_of": origin.pk if origin else None}
    if origin:
        initial["text"] = origin.text
        initial["summary"] = _("Translated from %(language)s") % {"language": language_name(origin.language)}
    return _form_page(request, PageCreateForm(initial=initial), origin=origin)


@with_page()
def edit(request, page):
    refused = _require_editor(request, page)
    if refused:
        return refused
    if request.method != "POST":
        current = page.current_revision
        form = PageEditForm(
            initial={"text": current.text if current else "", "base_number": current.number if current else 0}
        )
        return _form_page(request, form, page=page)
    form = PageEditForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, page=page, status=400)
    data = form.cleaned_data
    if "preview" in request.POST:
        return _with_preview(request, form, page=page)
    try:
        result = services.page_save(
            page=page, text=data["text"], summary=data["summary"], author=request.user, base_number=data["base_number"]
        )
    except services.EditConflict as conflict:
        return _conflict(request, page, form, conflict)
    except services.WikiError as error:
        return _form_page(request, form, page=page, error=error, status=error.status)
    if result.merged:
        names = selectors.authors_since(page, after=data["base_number"], before=result.revision.number)
        messages.success(
            request,
            _("Saved. Your changes were merged with the changes %(names)s made meanwhile.")
            % {"names": ", ".join(names)},
        )
    else:
        messages.success(request, _("Saved."))
    return redirect("wiki:page", slug=page.slug)


def _conflict(request, page, form, conflict):
    """Back to the form: the merge with conflict markers to resolve, the editor's own text kept in full."""
    base, theirs = conflict.base, conflict.theirs
    retry = PageEditForm(
        initial={"text": conflict.merged, "summary": form.cleaned_data["summary"], "base_number": theirs.number}
    )
    context = {
        "mine": conflict.mine,
        "their_change": selectors.text_diff(base.text, theirs.text),
        "names": selectors.authors_since(page, after=base.number, before=theirs.number + 1),
    }
    return _form_page(request, retry, page=page, conflict=context, error=conflict, status=conflict.status)


@require_POST
@with_page(follow_translation=False)
def revert(request, page, number):
    refused = _require_editor(request, page)
    if refused:
        return refused
    if number > selectors.MAX_NUMBER:
        return error_page(request, no_revision(number), page=page)
    try:
        services.page_revert(page=page, number=number, author=request.user, summary=request.POST.get("summary", ""))
    except services.WikiError as error:
        return error_page(request, error, page=page)
    messages.success(request, _("The page is back to revision %(number)s, as a new revision.") % {"number": number})
    return redirect("wiki:page", slug=page.slug)


@require_POST
@with_page(follow_translation=False)
def protect(request, page):
    refused = _require_member(request)
    if refused:
        return refused
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Only coordinators can protect a page."))
    protected = request.POST.get("protected") == "1"
    try:
        services.page_protect(page=page, protected=protected, by=request.user)
    except services.WikiError as error:
        return error_page(request, error, page=page)
    messages.success(
        request,
        _("The page is protected: only coordinators can change it.")
        if protected
        else _("Every member can edit the page again."),
    )
    return redirect("wiki:page", slug=page.slug)
