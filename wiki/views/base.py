"""What the wiki's views share: the page a URL names, who may see a form, refusals as HTTP answers."""

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from suite.rendering import render

from .. import rules, selectors
from ..conf import app_settings
from ..errors import WikiError
from ..markdown import has_diagram, slug_for
from ..models import WikiPage

# The HTTP status of each refusal; any other code is a request to correct (400).
STATUS = {
    "anonymous": 403,
    "forbidden": 403,
    "protected": 403,
    "no_page": 404,
    "no_revision": 404,
    "no_origin": 404,
    "conflict": 409,
    "same_language": 409,
    "slug_taken": 409,
    "translation_exists": 409,
    "too_large": 413,
    "rate_limited": 429,
}


def refusal_status(error: WikiError) -> int:
    return STATUS.get(error.code, 400)


def error_page(request, error: WikiError, *, page: WikiPage | None = None):
    return render(request, "wiki/error.html", {"error": error, "wiki_page": page}, status=refusal_status(error))


def plain_text(message: str, *, status: int) -> HttpResponse:
    """An answer to a script (the preview), which shows it as it is."""
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def render_with_diagrams(request, template_name: str, context: dict, *, html: str | None, **kwargs) -> HttpResponse:
    """``render``; when ``html`` (what the page shows of members' text) has a diagram, with the drawing's script
    (``diagrams`` in the template) and the Content-Security-Policy it needs on this one answer.

    The site's policy allows no inline style (``default-src 'self'``). mermaid draws with a stylesheet
    in its SVG and style attributes, and has no setting for a nonce. Of the ways to let it draw, this
    answer alone gets the narrowest: ``<style>`` elements only with this answer's nonce, which
    wiki/static/wiki/maps.js gives mermaid's own stylesheet and nothing else (so a stylesheet that got
    past the sanitiser would still not apply), and style attributes (``style-src-attr 'unsafe-inline'``:
    mermaid sets dozens, and they can restyle but not fetch from elsewhere, the policy allows only
    'self'). Scripts stay 'self' only. Browsers without -elem/-attr fall back to the strict policy
    and show the diagram's source. A nonce must be new in every answer, so such an answer is private
    (the anonymous page cache and shared caches keep none). A host without django-csp (no
    ``request.csp_nonce``) gets the script alone.
    """
    diagrams = bool(html) and has_diagram(html)
    lazy_nonce = getattr(request, "csp_nonce", None) if diagrams else None  # lazy: false until read
    nonce = str(lazy_nonce) if lazy_nonce is not None else ""
    response = render(request, template_name, {**context, "diagrams": diagrams, "diagram_nonce": nonce}, **kwargs)
    if nonce:
        policy = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES", {})
        styles = list(policy.get("style-src") or policy.get("default-src") or ["'self'"])
        response._csp_update = {"style-src-elem": [*styles, f"'nonce-{nonce}'"], "style-src-attr": ["'unsafe-inline'"]}
        patch_cache_control(response, private=True)
    return response


def no_revision(number) -> WikiError:
    return WikiError(_("This page has no revision %(number)s.") % {"number": number}, code="no_revision")


def revision_number(value: str) -> int | None:
    """A number as typed in a URL; whether the page has that revision is for the selectors to say."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 1 else None


def page_language() -> str:
    """The language of the pages a request reads and writes: the active one, as ``LANGUAGES`` names it.

    A host without language prefixes runs in its ``LANGUAGE_CODE``, which may be a variant that
    ``LANGUAGES`` lists only in general (``en-us`` for ``en``, as in a ``wagtail start`` site).
    """
    try:
        return translation.get_supported_language_variant(translation.get_language())
    except LookupError:
        return translation.get_language()


def language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


def paginate(request, items):
    return Paginator(items, app_settings.PAGE_SIZE).get_page(request.GET.get("page"))


def query_with(request, **values) -> str:
    """The request's query string with ``values`` set (``None``: left out)."""
    query = request.GET.copy()
    for name, value in values.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


# --- The page a URL names ------------------------------------------------------------------------


def missing(request, value: str):
    """404 with what can be done: read it in another language, or create it (and who links to it)."""
    language = page_language()
    elsewhere = selectors.page_elsewhere(value=value, language=language, reader=request.user)
    slug = slug_for(value)
    context = {
        "value": value,
        "elsewhere": elsewhere,
        "elsewhere_language": language_name(elsewhere.language) if elsewhere else "",
        "language_name": language_name(language),
        "linking": selectors.backlinks(language=language, slug=slug, reader=request.user)[:50] if slug else [],
        "can_create": bool(slug),
    }
    return render(request, "wiki/missing.html", context, status=404)


def page_or_response(request, slug: str, *, follow_translation: bool) -> WikiPage | HttpResponse:
    """The page the URL names; else the 404 page, or a redirect to its own slug or to its translation.

    A page the reader may not read is not there for them: the same 404 page as for no page at all.
    Revision numbers belong to one page, so views that take them do not follow translations.
    """
    language = page_language()
    match = request.resolver_match
    reader = request.user
    page = selectors.page_get(language=language, value=slug, reader=reader)
    query = request.GET.urlencode()
    if page is None and follow_translation:
        elsewhere = selectors.page_elsewhere(value=slug, language=language, reader=reader)
        page = selectors.page_translation(elsewhere, language, reader=reader) if elsewhere else None
        query = ""
    if page is None:
        return missing(request, slug)
    if page.slug != slug:
        url = reverse(f"wiki:{match.url_name}", kwargs={**match.kwargs, "slug": page.slug})
        return HttpResponseRedirect(f"{url}?{query}" if query else url)
    return page


def with_page(*, follow_translation: bool = True):
    """Gives the view the page its ``slug`` names; a 404 page, or a redirect to the page's own address."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, slug, *args, **kwargs):
            found = page_or_response(request, slug, follow_translation=follow_translation)
            if isinstance(found, HttpResponse):
                return found
            return view(request, found, *args, **kwargs)

        return wrapped

    return decorate


# --- Who may: one decorator per rule -------------------------------------------------------------


def member_required(view):
    """Visitors who are not signed in are sent to sign in (the host's ``LOGIN_URL``), and back here after."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def member_required_for_fragment(view):
    """For a fragment a script asks for: a plain 403 to show, not a sign-in page to put inside a form."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return plain_text(_("Sign in to preview a page."), status=403)
        return view(request, *args, **kwargs)

    return wrapped


def allowed_by(check):
    """A decorator, under ``with_page``, for a member ``check(user, page)`` lets through; else the refusal's page.

    The wiki shows the reason itself, with the page to go back to: a host's 403 page need not.
    """

    def decorate(view):
        @functools.wraps(view)
        @member_required
        def wrapped(request, page, *args, **kwargs):
            try:
                check(request.user, page)
            except WikiError as refusal:
                return error_page(request, refusal, page=page)
            return view(request, page, *args, **kwargs)

        return wrapped

    return decorate


# Who may edit a page: every member, and only coordinators a protected one.
editor_required = allowed_by(rules.check_may_edit)
# Who may protect a page: coordinators.
coordinator_required = allowed_by(lambda user, page: rules.check_may_protect(user))
