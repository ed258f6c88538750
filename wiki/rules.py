"""Who may do what in the wiki: asked by the services before a write and by the views before a form."""

from django.utils.translation import gettext_lazy as _

from .errors import WikiError
from .scopes import may_read

# The one permission of the wiki, held by coordinators: protecting pages and editing protected ones.
PROTECT_PERMISSION = "wiki.change_protected"


def is_coordinator(user) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(PROTECT_PERMISSION)


def may_edit(user, page) -> bool:
    """Every signed-in member who may read the page may edit it; a protected page only coordinators."""
    return (
        user is not None
        and user.is_authenticated
        and may_read(user, page)
        and (not page.protected or is_coordinator(user))
    )


def check_may_edit(user, page) -> None:
    """Refuse a signed-in member who may not edit ``page``: as if it did not exist when they may not read it."""
    if user is not None and user.is_authenticated and not may_read(user, page):
        raise WikiError(_("The wiki has no such page."), code="no_page")
    if not may_edit(user, page):
        raise WikiError(_("This page is protected: only coordinators can change it."), code="protected", page=page)


def check_may_protect(user) -> None:
    if not is_coordinator(user):
        raise WikiError(_("Only coordinators can protect or unprotect a page."), code="forbidden")
