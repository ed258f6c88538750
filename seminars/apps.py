from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeminarsConfig(AppConfig):
    name = "seminars"
    verbose_name = _("Seminars")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import access_logs, checks  # noqa: F401 (checks registers the deployment checks)

        access_logs.install()  # the end callback's signature stays out of access logs
