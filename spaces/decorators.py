"""One decorator per rule; each wraps a view taking (request, space, ...) after ``space_from_slug``."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext as _

from suite.rendering import render

from .errors import SpaceError
from .rules import is_member, may_manage, may_see
from .selectors import space_by_slug


def space_from_slug(view):
    """The space of the URL's slug; 404 for an unknown one and for a members-only one the user is not in."""

    @functools.wraps(view)
    def found(request, slug, *args, **kwargs):
        space = space_by_slug(slug)
        if space is None or not may_see(space, request.user):
            raise Http404(_("There is no such space."))
        return view(request, space, *args, **kwargs)

    return found


def signed_in(view):
    """A visitor signs in first and comes back to the page asked for (for a POST, the space's page)."""

    @functools.wraps(view)
    def checked(request, space, *args, **kwargs):
        if not request.user.is_authenticated:
            back = request.get_full_path() if request.method == "GET" else space_path(space)
            return redirect_to_login(back)
        return view(request, space, *args, **kwargs)

    return checked


def _forbidden(request, space, message: str):
    """A 403 with its reason on the app's own page: a host's default 403 page (Django's) would not show it."""
    error = SpaceError(message, code="not_allowed")
    return render(request, "spaces/refused.html", {"space": space, "error": error}, status=403)


def members_only(view):
    """For the space's members (after signed_in)."""

    @functools.wraps(view)
    def checked(request, space, *args, **kwargs):
        if not is_member(space, request.user):
            return _forbidden(request, space, _("Only members of this space can do that."))
        return view(request, space, *args, **kwargs)

    return checked


def coordinators_only(view):
    """For the space's coordinators and site staff (after signed_in)."""

    @functools.wraps(view)
    def checked(request, space, *args, **kwargs):
        if not may_manage(space, request.user):
            return _forbidden(request, space, _("Only the coordinators of this space can do that."))
        return view(request, space, *args, **kwargs)

    return checked


def space_path(space) -> str:
    from django.urls import reverse

    return reverse("spaces:space", kwargs={"slug": space.slug})
