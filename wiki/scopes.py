"""Scopes: the groups that may own wiki pages, and who may read the private ones.

The wiki never knows what a group is (another app, such as spaces, does): a page stores its
group's opaque key in ``WikiPage.scope``, and the object named by the setting ``WIKI_SCOPES``
answers the three questions the wiki asks. ``Scopes`` itself is the answer without groups.

Who may read is one rule, applied in the database wherever a page shows: a page is readable
when it is not private, or when its scope is one of the reader's ``readable`` keys.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.module_loading import import_string

from .conf import app_settings


@dataclass(frozen=True)
class Scope:
    key: str  # what WikiPage.scope stores, e.g. "space:12"
    label: str  # the group's name, shown on its pages
    url: str  # the group's own page
    private: bool  # the group's new pages are readable by its readers only


class Scopes:
    """What a provider answers; these methods are the defaults: no groups."""

    def readable(self, user) -> list[str]:
        """Keys of the private scopes whose pages ``user`` may read (for a visitor: none)."""
        return []

    def for_new_page(self, request) -> Scope | None:
        """The scope a new page is created in, from the request's query; None when none is asked.

        Raises Http404 for a scope that is unknown or hidden from the user, PermissionDenied
        when the user may not add pages to it.
        """
        return None

    def describe(self, keys) -> dict[str, Scope]:
        """The scopes of these keys, by key, in one query; unknown keys are left out."""
        return {}

    def named(self, name: str) -> Scope | None:
        """The scope a staff member names (a group's slug), for pages brought in by an import; None if unknown."""
        return None


NO_SCOPES = Scopes()


def provider() -> Scopes:
    """The host's provider (``WIKI_SCOPES``), read at each call so that override_settings wins."""
    path = app_settings.SCOPES
    return import_string(path) if path else NO_SCOPES


# Where a request's user keeps their readable keys: asked once per request, however many lists show.
_KEYS_ATTRIBUTE = "_wiki_readable_scopes"


def readable_keys(user) -> tuple[str, ...]:
    """The sorted keys of the private scopes ``user`` may read; none for no user or a visitor."""
    if user is None or not user.is_authenticated:
        return ()
    keys = getattr(user, _KEYS_ATTRIBUTE, None)
    if keys is None:
        keys = tuple(sorted(set(provider().readable(user))))
        setattr(user, _KEYS_ATTRIBUTE, keys)
    return keys


def readable_q(user, *, through: str = "") -> Q:
    """The rule, as a filter of pages (or of rows of a page ``through`` a relation, e.g. ``"page__"``)."""
    rule = Q(**{f"{through}private": False})
    if keys := readable_keys(user):
        rule |= Q(**{f"{through}scope__in": keys})
    return rule


def may_read(user, page) -> bool:
    """The same rule for a page already in hand (a service's check before a write)."""
    return not page.private or page.scope in readable_keys(user)
