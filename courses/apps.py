from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .models import CourseIndexPage

        # wagtail-modeltranslation (listed before this app) has just set the route of every
        # translated page model to one that loads all the children; see route_to_module.
        CourseIndexPage.route = CourseIndexPage.route_to_module
