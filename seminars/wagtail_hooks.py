from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import demo
from .admin_views import ManageWebinarsPolicy, WebinarViewSet
from .models import Webinar
from .permissions import can_schedule
from .selectors import member_feed_webinars, module_recordings, module_webinars, not_over


@hooks.register("main_navigation")
def sessions_navigation(request):
    return (_("Sessions"), reverse("seminars:list"))


hooks.register("load_demo", demo.load_demo)


@hooks.register("course_module_sections")
def module_sessions(request, module):
    """The module page's live sessions: the next ones, a calendar feed, and scheduling for tutors."""
    context = {
        "module": module,
        "webinars": not_over(module_webinars(module))[:10],
        "recordings": module_recordings(module, request.user),
        "can_schedule": can_schedule(request.user, module),
    }
    return render_to_string("seminars/_module_sessions.html", context, request=request)


@hooks.register("course_unit_sections")
def unit_next_session(request, module, unit):
    """A unit's page names the module's next session, in the reader's zone; its link is saved with the unit
    for offline reading (``data-offline-include``)."""
    webinar = not_over(module_webinars(module)).first()
    if webinar is None:
        return ""
    return render_to_string("seminars/_unit_next_session.html", {"webinar": webinar}, request=request)


@hooks.register("learning_dashboard_sections")
def next_sessions(request):
    """ "My learning" starts with the member's next live sessions."""
    webinars = list(not_over(member_feed_webinars(request.user))[:3])
    return render_to_string("seminars/_next_sessions.html", {"webinars": webinars}, request=request) if webinars else ""


register_permission_policy(Webinar, ManageWebinarsPolicy(Webinar), exact_class=True)


@hooks.register("register_admin_viewset")
def register_webinar_viewset():
    """The sessions in the admin, for those who may manage every session (seminars.manage_webinars)."""
    return WebinarViewSet("seminars_sessions")
