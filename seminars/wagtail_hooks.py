import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from . import demo
from .models import Webinar
from .permissions import can_schedule
from .selectors import member_feed_webinars, module_recordings, module_webinars


@hooks.register("main_navigation")
def sessions_navigation(request):
    return (_("Sessions"), reverse("seminars:list"))


hooks.register("load_demo", demo.load_demo)


@hooks.register("course_module_sections")
def module_sessions(request, module):
    """The module page's live sessions: the next ones, a calendar feed, and scheduling for tutors."""
    upcoming = module_webinars(module).filter(
        status__in=[Webinar.Status.SCHEDULED, Webinar.Status.RUNNING],
        starts_at__gte=timezone.now() - datetime.timedelta(hours=3),
    )
    context = {
        "module": module,
        "webinars": upcoming[:10],
        "recordings": module_recordings(module, request.user),
        "can_schedule": can_schedule(request.user, module),
    }
    return render_to_string("seminars/_module_sessions.html", context, request=request)


@hooks.register("learning_dashboard_sections")
def next_sessions(request):
    """ "My learning" starts with the member's next live sessions."""
    upcoming = member_feed_webinars(request.user).filter(
        status__in=[Webinar.Status.SCHEDULED, Webinar.Status.RUNNING],
        starts_at__gte=timezone.now() - datetime.timedelta(hours=3),
    )
    webinars = list(upcoming[:3])
    return render_to_string("seminars/_next_sessions.html", {"webinars": webinars}, request=request) if webinars else ""
