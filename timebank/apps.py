from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "timebank"
    verbose_name = _("Timebank")
    default_auto_field = "django.db.models.BigAutoField"
