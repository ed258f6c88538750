"""A member's language and time zone, and finding members by name: the one place any app asks.

Hosts name their own callable in ``SUITE_MEMBER_PREFERENCES``; the default reads ``language``
and ``timezone`` attributes where the user model has them, and otherwise falls back to the
site's ``LANGUAGE_CODE`` and ``TIME_ZONE``. Choosers that name members (tutors, co-tutors) find
them through ``SUITE_MEMBER_SEARCH`` likewise.
"""

import contextlib
import operator
import zoneinfo
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
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


# Fields a member may be found by, where the user model has them: typed at the start of any of them.
SEARCHED_FIELDS = ("username", "display_name", "first_name", "last_name", "email")


def name_search(text: str, *, limit: int) -> list:
    """Active members whose username, names or e-mail start with ``text``, in any case.

    Starts-with, not contains, so that a chooser's suggestions stay few and the query stays an
    index range where the host has one (a large membership types a few letters and picks).
    """
    User = get_user_model()
    fields = [f.name for f in User._meta.get_fields() if f.name in SEARCHED_FIELDS or f.name == User.USERNAME_FIELD]
    words = text.split()
    if not words:
        return []
    found = User.objects.filter(is_active=True)
    for word in words:
        found = found.filter(reduce(operator.or_, (Q(**{f"{name}__istartswith": word}) for name in fields)))
    return list(found.order_by(User.USERNAME_FIELD)[:limit])


def search_members(text: str, *, limit: int = 10) -> list:
    """The members a chooser suggests for ``text``, through the host's ``SUITE_MEMBER_SEARCH``."""
    return list(import_string(suite_settings.MEMBER_SEARCH)(text.strip()[:150], limit=limit))
