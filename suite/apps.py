from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuiteConfig(AppConfig):
    name = "suite"
    verbose_name = _("NLU plugin suite")

    def ready(self):
        from . import checks  # noqa: F401 (registers them)
        from .links import site_url

        # A missing site address fails here, at start, not later in a calendar or an e-mail.
        site_url()
