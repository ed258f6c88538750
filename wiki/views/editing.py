"""Writing the wiki: creating a page (or a translation of one), editing it (merging, or a conflict
that keeps the editor's text), the preview, and protecting a page. Members only."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suite.rendering import render

from .. import selectors, services
from ..errors import EditConflict, WikiError
from ..forms import PageCreateForm, PageEditForm, PreviewForm
from ..scopes import provider
from .base import (
    coordinator_required,
    editor_required,
    error_page,
    language_name,
    member_required,
    member_required_for_fragment,
    page_language,
    plain_text,
    refusal_status,
    render_with_diagrams,
    with_page,
)


def form_page(
    request, form, *, page=None, origin=None, scope=None, preview=None, error=None, conflict=None, status=200
):
    context = {
        "form": form,
        "wiki_page": page,
        "scope": scope,
        "origin": origin,
        "origin_language": language_name(origin.language) if origin else "",
        "language_name": language_name(page_language()),
        "preview": preview,
        "error": error,
        "conflict": conflict,
    }
    return render_with_diagrams(request, "wiki/form.html", context, html=preview, status=status)


def refused_form(request, form, error: WikiError, **context):
    """The form again, with what was sent and why it was refused."""
    return form_page(request, form, error=error, status=refusal_status(error), **context)


def with_preview(request, form, **context):
    """The form again with the preview of its text, or with the reason there is none."""
    try:
        preview = services.text_preview(text=form.cleaned_data["text"], language=page_language())
    except WikiError as error:
        return refused_form(request, form, error, **context)
    return form_page(request, form, preview=preview, **context)


@member_required
def create(request):
    """The new-page form; in a group's scope when the query names one (``?space=…``, as the provider reads it).

    The form posts to this same address, query and all, so the scope stays through preview and refusals.
    """
    scope = provider().for_new_page(request)  # 404 or 403 for a scope the member may not write in
    if request.method == "POST":
        return create_page(request, scope)
    language = page_language()
    title = request.GET.get("title", "").strip()
    origin = None
    if "translation_of" in request.GET:
        origin = selectors.page_by_id(request.GET["translation_of"], reader=request.user)
        if origin is None:
            message = _("The page this should translate no longer exists.")
            return error_page(request, WikiError(message, code="no_origin"))
        existing = selectors.page_translation(origin, language, reader=request.user)
        if existing:
            messages.info(
                request, _("This page is already written in %(language)s.") % {"language": language_name(language)}
            )
            return redirect("wiki:page", slug=existing.slug)
    elif title and (existing := selectors.page_get(language=language, value=title, reader=request.user)):
        return redirect("wiki:edit", slug=existing.slug)
    initial = {"title": title, "translation_of": origin.pk if origin else None}
    if origin:
        initial["text"] = origin.text
        initial["summary"] = _("Translated from %(language)s") % {"language": language_name(origin.language)}
    return form_page(request, PageCreateForm(initial=initial), origin=origin, scope=scope)


def create_page(request, scope):
    form = PageCreateForm(request.POST, reader=request.user)
    if not form.is_valid():
        origin = selectors.page_by_id(request.POST.get("translation_of"), reader=request.user)
        return form_page(request, form, origin=origin, scope=scope, status=400)
    data = form.cleaned_data
    origin = data["translation_of"]
    if "preview" in request.POST:
        return with_preview(request, form, origin=origin, scope=scope)
    try:
        page = services.page_create(
            title=data["title"],
            language=page_language(),
            text=data["text"],
            summary=data["summary"],
            author=request.user,
            translation_of=origin,
            tags=data["tags"],
            scope=scope.key if scope else "",
            private=scope.private if scope else False,
        )
    except WikiError as error:
        return refused_form(request, form, error, origin=origin, scope=scope)
    messages.success(request, _("The page is created."))
    return redirect("wiki:page", slug=page.slug)


@with_page()
@editor_required
def edit(request, page):
    if request.method != "POST":
        current = page.current_revision
        form = PageEditForm(
            initial={"text": current.text if current else "", "base_number": current.number if current else 0}
        )
        return form_page(request, form, page=page)
    form = PageEditForm(request.POST)
    if not form.is_valid():
        return form_page(request, form, page=page, status=400)
    data = form.cleaned_data
    if "preview" in request.POST:
        return with_preview(request, form, page=page)
    try:
        result = services.page_save(
            page=page, text=data["text"], summary=data["summary"], author=request.user, base_number=data["base_number"]
        )
    except EditConflict as conflict:
        return conflict_form(request, page, form, conflict)
    except WikiError as error:
        return refused_form(request, form, error, page=page)
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


def conflict_form(request, page, form, conflict: EditConflict):
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
    return refused_form(request, retry, conflict, page=page, conflict=context)


@require_POST
@member_required_for_fragment
def preview(request):
    """The rendered HTML of some Markdown, as a fragment: what the page will look like once saved."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return plain_text(" ".join(error for errors in form.errors.values() for error in errors), status=400)
    try:
        html = services.text_preview(text=form.cleaned_data["text"], language=page_language())
    except WikiError as error:
        return plain_text(error.message, status=refusal_status(error))
    return render(request, "wiki/_preview.html", {"preview": html})


@require_POST
@with_page(follow_translation=False)
@coordinator_required
def protect(request, page):
    protected = request.POST.get("protected") == "1"
    try:
        services.page_protect(page=page, protected=protected, by=request.user)
    except WikiError as error:
        return error_page(request, error, page=page)
    messages.success(
        request,
        _("The page is protected: only coordinators can change it.")
        if protected
        else _("Every member can edit the page again."),
    )
    return redirect("wiki:page", slug=page.slug)
