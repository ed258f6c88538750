from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from . import demo
from .models import CourseIndexPage, CourseModulePage
from .services import enrolment_promote


@hooks.register("main_navigation")
def courses_navigation(request):
    index = CourseIndexPage.objects.live().order_by("path").first()
    return (_("Courses"), index.get_url(request)) if index else None


@hooks.register("main_navigation")
def learning_navigation(request):
    if request.user.is_authenticated:
        return (_("My learning"), reverse("courses:dashboard"))
    return None


@hooks.register("after_publish_page")
def promote_waitlist_after_capacity_change(request, page):
    """A coordinator who raises the capacity lets the waitlist in at once."""
    if isinstance(page, CourseModulePage):
        enrolment_promote(module=page)


hooks.register("load_demo", demo.load_demo)
