"""Who may do what in a space: asked by the services, the views and the hooks of wiki and seminars."""

from .models import Membership, Space

# Site staff who hold it see and manage every space (the Wagtail admin view, and any space's page).
MANAGE_PERMISSION = "spaces.manage_spaces"


def is_site_manager(user) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE_PERMISSION)


def membership_of(space: Space, user) -> Membership | None:
    """The user's membership of the space, in any status; cached on the space for the request."""
    if not user.is_authenticated:
        return None
    cache = space.__dict__.setdefault("_memberships", {})
    if user.pk not in cache:
        cache[user.pk] = Membership.objects.filter(space=space, member=user).first()
    return cache[user.pk]


def is_member(space: Space, user) -> bool:
    membership = membership_of(space, user)
    return membership is not None and membership.status == Membership.Status.ACTIVE


def is_coordinator(space: Space, user) -> bool:
    membership = membership_of(space, user)
    return (
        membership is not None
        and membership.status == Membership.Status.ACTIVE
        and membership.role == Membership.Role.COORDINATOR
    )


def may_see(space: Space, user) -> bool:
    """A public space is for everyone to read; a members-only one for its members (and site staff) alone."""
    return space.is_public or is_member(space, user) or is_site_manager(user)


def may_manage(space: Space, user) -> bool:
    """Coordinators edit the space, answer requests, invite, remove members and hand their role over."""
    return is_coordinator(space, user) or is_site_manager(user)
