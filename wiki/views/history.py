"""A page's history: its revisions, the changes between two of them, and reverting to one."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suite.rendering import render

from .. import rules, selectors, services
from ..errors import WikiError
from .base import editor_required, error_page, no_revision, paginate, query_with, revision_number, with_page


@with_page()
def history(request, page):
    editor = rules.may_edit(request.user, page)
    latest = page.current_revision.number if page.current_revision else None
    rows, numbers = selectors.kept(
        "history",
        page.pk,
        editor,
        get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate(),  # "today" and "yesterday" in the times move at midnight
        request.GET.get("page", ""),
        build=lambda: history_rows(request, page, can_edit=editor, latest=latest),
    )
    context = {
        "wiki_page": page,
        "rows": rows,
        "revert_numbers": [number for number in numbers if number != latest] if editor else [],
        "can_edit": editor,
    }
    return render(request, "wiki/history.html", context)


def history_rows(request, page, *, can_edit: bool, latest) -> tuple[str, list[int]]:
    """The table of a page of revisions and the numbers on it (the revert forms carry each member's token)."""
    revisions = paginate(request, selectors.page_history(page))
    context = {"wiki_page": page, "revisions": revisions, "can_edit": can_edit, "latest": latest}
    return render_to_string("wiki/_history_rows.html", context), [revision.number for revision in revisions]


@with_page(follow_translation=False)
def diff(request, page):
    numbers = [revision_number(request.GET.get(name, "")) for name in ("from", "to")]
    if None in numbers:
        error = WikiError(_("Choose two revisions of this page to compare."), code="diff_numbers")
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
        "other_layout_query": query_with(request, layout="side" if layout == "inline" else "inline"),
        "can_edit": rules.may_edit(request.user, page),
    }
    return render(request, "wiki/diff.html", context)


@require_POST
@with_page(follow_translation=False)
@editor_required
def revert(request, page, number):
    try:
        services.page_revert(page=page, number=number, author=request.user, summary=request.POST.get("summary", ""))
    except WikiError as error:
        return error_page(request, error, page=page)
    messages.success(request, _("The page is back to revision %(number)s, as a new revision.") % {"number": number})
    return redirect("wiki:page", slug=page.slug)
