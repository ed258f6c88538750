from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "timebank"
    verbose_name = _("Timebank")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Offer
        from .selectors import new_board_version

        for signal in (post_save, post_delete):
            signal.connect(new_board_version, sender=Offer)
