"""The permission rules of the seminars views, one decorator each.

Each loads what its rule is about and hands it to the view as a keyword argument, so the view
neither looks it up again nor asks the rule itself.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.models import CourseModulePage

from .models import Webinar
from .permissions import can_moderate, can_schedule, can_see


def visible_webinar_or_404(user, pk, queryset=None) -> Webinar:
    """The session ``pk``, or 404 when there is none or it is a group's meeting hidden from ``user``.

    Every view of one session looks it up here, so a hidden meeting is not found anywhere (page,
    calendar file, join, waiting room, attendance, management), signed in or not.
    """
    webinar = get_object_or_404(Webinar if queryset is None else queryset, pk=pk)
    if not can_see(user, webinar):
        raise Http404(_("No such session."))
    return webinar


def moderator_required(view):
    """Only the session's tutors and coordinators (403 for anyone else); the view gets ``webinar``.

    Place it below ``login_required``, which sends a visitor to sign in first.
    """

    @functools.wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        webinar = visible_webinar_or_404(request.user, pk)
        if not can_moderate(request.user, webinar):
            raise PermissionDenied(_("Only the session's tutors and coordinators can do this."))
        return view(request, pk, *args, webinar=webinar, **kwargs)

    return wrapped


def scheduler_required(view):
    """Only those who may schedule for the module named by ``?module=`` (or for none): the view gets ``module``.

    A module's tutors and coordinators schedule its sessions; only coordinators schedule sessions
    outside any module.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        module_id = request.GET.get("module") or request.POST.get("module")
        module = get_object_or_404(CourseModulePage, pk=module_id) if module_id else None
        if not can_schedule(request.user, module):
            raise PermissionDenied(_("Only the module's tutors and coordinators can schedule its sessions."))
        return view(request, *args, module=module, **kwargs)

    return wrapped


def signed_in_unless_public(view):
    """A visitor may enter a public session as a guest; any other session sends them to sign in.

    The view gets ``webinar``.
    """

    @functools.wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        webinar = visible_webinar_or_404(request.user, pk)
        if not request.user.is_authenticated and webinar.audience != Webinar.Audience.PUBLIC:
            return redirect_to_login(reverse("seminars:detail", args=[pk]))
        return view(request, pk, *args, webinar=webinar, **kwargs)

    return wrapped
