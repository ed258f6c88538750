"""Whole-page cache for anonymous visitors, emptied by any write to the site's content.

A page read by a visitor without a session is the same for every such visitor who asks for it
in the same language and time zone, so it is rendered once and served from the cache until the
content changes. "Changes" is deliberately coarse: any saved or deleted row (other than the
bookkeeping in ``IGNORED_MODELS``) moves the cache to a new generation, so nothing needs to
know which page shows which row. ``NLU_PAGE_CACHE_SECONDS`` bounds how long a page may show
content that moves with the clock alone (a session going live, the week of a module).

Only a plain, public answer is kept: a 200 HTML page or calendar feed that sets no cookie,
uses no CSRF token and is not marked private. Signed-in members, visitors with messages
waiting, and every request but GET are served as usual. A kept answer keeps its ETag, so
Django's ``ConditionalGetMiddleware`` still answers a calendar that has it with a 304.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re

from suite.versions import current_version, new_version

GENERATION_KEY = "nlu:page-cache:generation"
# Rows and fields written on every login or mail sent, never shown on a page.
IGNORED_MODELS = {"sessions.session", "nlu.outgoingemail"}
IGNORED_FIELDS = {"last_login"}
# Cookies that leave an anonymous page as it is (the zone cookie is part of the key).
HARMLESS_COOKIES = {"csrftoken", "django_language", "nlu_tz"}
HARMLESS_VARY = {"cookie", "accept-language", "accept-encoding"}
KEPT_TYPES = ("text/html", "text/calendar")


def page_cache_seconds() -> int:
    return getattr(settings, "NLU_PAGE_CACHE_SECONDS", 0)


def content_changed(*, sender, **kwargs) -> None:
    """Start a new generation once the write is committed (at once outside a transaction).

    Not before: a page rendered between the write and the commit reads the old rows, and would
    be kept under the new generation. A page rendered before the commit is kept under the old
    one, which no request asks for once the commit has moved it on.
    """
    if sender._meta.label_lower in IGNORED_MODELS or set(kwargs.get("update_fields") or ["*"]) <= IGNORED_FIELDS:
        return
    transaction.on_commit(new_generation, robust=True)


def new_generation() -> None:
    new_version(GENERATION_KEY)


def content_generation() -> str:
    return current_version(GENERATION_KEY)


def content_key(name: str, *parts) -> str:
    """The cache key of ``name`` for ``parts`` in the current generation (read now, before any rendering)."""
    what = "\n".join([content_generation(), *map(str, parts)])
    return f"nlu:page-cache:{name}:" + hashlib.sha256(what.encode()).hexdigest()


def until_content_changes(name: str, *parts, build):
    """``build()``, kept until any content changes (or ``NLU_PAGE_CACHE_SECONDS``), per ``parts``."""
    if page_cache_seconds() <= 0:
        return build()
    key = content_key(name, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, page_cache_seconds())
    return value


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"nlu.page_cache.{signal}")


def cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and page_cache_seconds() > 0
        and set(request.COOKIES) <= HARMLESS_COOKIES
        and not request.path_info.startswith("/admin/")
    )


def cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_USED") or not response.get("Content-Type", "").startswith(KEPT_TYPES):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    vary = {header.strip().lower() for header in cc_delim_re.split(response.get("Vary", "")) if header.strip()}
    return vary <= HARMLESS_VARY


class AnonymousPageCacheMiddleware:
    """Serves and stores anonymous pages; placed after the language and time zone are known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        # The generation is read before the page is rendered, so a page stored under it was
        # rendered from rows at least as new as that generation.
        key = content_key(
            "page",
            request.get_host(),
            request.get_full_path(),
            translation.get_language(),
            timezone.get_current_timezone_name(),
        )
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if cacheable_response(request, response):
            cache.set(key, (response.content, dict(response.headers)), page_cache_seconds())
        return response
