"""courses alone: no dependency of ours; django-modeltranslation for its bilingual pages."""

from .base import *  # noqa: F403
from .base import installed_apps
from .run import PLUGINS

TRANSLATION_APPS = (
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "modeltranslation",
)
INSTALLED_APPS = installed_apps(PLUGINS["courses"], before=TRANSLATION_APPS)
