"""A member's language and time zone, the one place any app asks for them.

Hosts name their own callable in ``SUITE_MEMBER_PREFERENCES``; the default reads ``language``
and ``timezone`` attributes where the user model has them, and otherwise falls back to the
site's ``LANGUAGE_CODE`` and ``TIME_ZONE``.
"""

import contextlib
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .conf import suite_settings


@dataclass(frozen=True)
class Preferences:
    language: str  # a code of settings.LANGUAGES
    timezone: str  # an IANA zone name


def attribute_preferences(member) -> Preferences:
    """The member's ``language`` and ``timezone`` attributes when set and valid, else the site's."""
    language = getattr(member, "language", "") or ""
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    zone = getattr(member, "timezone", "") or ""
    try:
        zoneinfo.ZoneInfo(zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        zone = settings.TIME_ZONE
    return Preferences(language=language, timezone=zone)


def member_preferences(member) -> Preferences:
    return import_string(suite_settings.MEMBER_PREFERENCES)(member)


@contextlib.contextmanager
def member_locale(member):
    """Language and time zone switched to the member's, for a mail or a calendar written to them."""
    preferences = member_preferences(member)
    with translation.override(preferences.language), timezone.override(preferences.timezone):
        yield preferences
