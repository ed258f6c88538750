"""Who a group's meeting is for, answered by the host (a provider named in ``SEMINARS_AUDIENCES``).

Seminars stores a group's key (an opaque string such as "space:12") on the session and never
interprets it: the provider says who belongs to the group, who coordinates it and who may see
it. The base class is the default when no provider is set: nobody belongs to any group, so a
group's meeting is seen and joined only by its tutors and the coordinators.
"""

from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string

from .conf import app_settings

MODERATOR, VIEWER = "moderator", "viewer"


class Audiences:
    """The protocol of a provider; subclass it and override what your groups know."""

    def groups_of(self, user) -> list[str]:
        """Keys of the groups ``user`` (signed in) belongs to: their meetings are listed for them."""
        return []

    def role(self, user, key: str) -> str | None:
        """``"moderator"`` (a coordinator of the group), ``"viewer"`` (a member) or None (may not join)."""
        return VIEWER if key in self.groups_of(user) else None

    def members(self, key: str):
        """The group's members (a QuerySet of users): reminders and change notices go to them."""
        return get_user_model().objects.none()

    def may_see(self, user, key: str) -> bool:
        """False: the meeting's page, calendar file, recordings and join answer 404 to ``user``."""
        return user.is_authenticated and key in self.groups_of(user)

    def describe(self, key: str) -> tuple[str, str] | None:
        """The group's label and URL, shown on the meeting's page; None to show nothing."""
        return None


_DEFAULT = Audiences()


def audiences() -> Audiences:
    """The provider of ``SEMINARS_AUDIENCES``, read at each call (so override_settings wins)."""
    path = app_settings.AUDIENCES
    return import_string(path) if path else _DEFAULT
