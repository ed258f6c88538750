from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from . import demo, views
from .models import CourseIndexPage, CourseModulePage
from .selectors import units_using_wiki_page
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


@hooks.register("register_admin_urls")
def member_chooser_urls():
    return [path("courses/members/", views.member_suggestions, name="courses_member_suggestions")]


@hooks.register("wiki_page_sections")
def units_built_from_wiki_page(request, page):
    """A wiki page lists the units that name it, so readers find the course built from it.

    Called by the wiki with its page; courses needs only the page's title and never imports the wiki.
    """
    units = units_using_wiki_page(page.title)
    if not units:
        return None
    links = [{"unit": unit, "url": unit.module.unit_url(unit.week, request=request)} for unit in units]
    return render_to_string("courses/_wiki_units.html", {"links": links}, request=request)


def translation_summary(module: CourseModulePage) -> str:
    return " · ".join(f"{code} {percent}%" for code, percent in module.translation_completeness().items())


class CourseModuleListing(PageListingViewSet):
    """Every module in one admin listing, with how far each language is translated."""

    model = CourseModulePage
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Course modules")
    add_to_admin_menu = True
    columns = [
        *PageListingViewSet.columns,
        Column("translations", label=gettext_lazy("Translated"), accessor=translation_summary),
    ]


@hooks.register("register_admin_viewset")
def register_course_module_listing():
    return CourseModuleListing("course_modules")
