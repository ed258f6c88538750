"""Absolute URLs, for what leaves the site: e-mails, calendars, BigBlueButton callbacks."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Served by `runserver` with no settings at all; used only while DEBUG is on.
DEVELOPMENT_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The site's scheme and host, without a trailing slash.

    ``SITE_URL``, else Wagtail's own ``WAGTAILADMIN_BASE_URL``; with neither, the development
    address while DEBUG is on and a clear error otherwise (checked at start, see SuiteConfig).
    """
    url = getattr(settings, "SITE_URL", "") or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    if url:
        return url.rstrip("/")
    if settings.DEBUG:
        return DEVELOPMENT_URL
    raise ImproperlyConfigured(
        "Set SITE_URL (or WAGTAILADMIN_BASE_URL) to the address members reach the site at, such as "
        "https://nlu.example.org: e-mails, calendars and BigBlueButton callbacks carry links to it."
    )


def absolute_url(path: str) -> str:
    """``path`` (from reverse() or a page's URL) on the site's address."""
    return site_url() + path
