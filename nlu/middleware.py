"""Activate each member's own language and time zone for the request; compress pages for the way back."""

import zoneinfo

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation

from .models import timezone_names

# Set by static/nlu/timezone.js from the browser, for visitors who have not chosen a zone.
BROWSER_TIMEZONE_COOKIE = "nlu_tz"


class MemberLocaleMiddleware(LocaleMiddleware):
    """A URL without a language prefix (such as ``/``) goes to the member's chosen language.

    A prefixed URL always wins, so links to ``/en/...`` stay English for everyone.
    """

    def process_request(self, request):
        super().process_request(request)
        if translation.get_language_from_path(request.path_info):
            return
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in dict(settings.LANGUAGES):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language


def request_timezone_name(request) -> str:
    """The member's chosen zone, else the browser's, else the site's ``TIME_ZONE``."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.timezone:
        return user.timezone
    browser_zone = request.COOKIES.get(BROWSER_TIMEZONE_COOKIE, "")
    if browser_zone in timezone_names():
        return browser_zone
    return settings.TIME_ZONE


class MemberTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(zoneinfo.ZoneInfo(request_timezone_name(request)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PageGZipMiddleware(GZipMiddleware):
    """Pages, feeds, calendars and CSV gzip-compressed for a phone on a slow connection; files untouched.

    Django's own compresses every response, streamed ones too, and drops their ``Content-Length``:
    a download (a space's file, a data export, a document) would show no size or progress, and a
    PDF, picture or ZIP would be squeezed a second time for nothing.
    """

    def process_response(self, request, response):
        if response.streaming or not is_text(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)


def is_text(content_type: str) -> bool:
    """Text that gzip shrinks: ``text/*`` and the JSON, XML and JavaScript kinds (Atom, manifests)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind.startswith("text/") or kind.endswith(("json", "xml", "javascript"))
