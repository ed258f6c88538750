from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .models import CourseModulePage
        from .selectors import new_listing_version

        for signal in (post_save, post_delete, page_published, page_unpublished, post_page_move):
            signal.connect(new_listing_version, sender=CourseModulePage)
