from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NluConfig(AppConfig):
    name = "nlu"
    verbose_name = _("Networked Labour University")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import backends, page_cache, routing

        page_cache.connect_signals()
        routing.connect_signals()
        backends.connect_signals()
