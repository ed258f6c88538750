"""seminars and its one declared dependency, courses."""

from .base import *  # noqa: F403
from .base import installed_apps
from .courses import TRANSLATION_APPS

PLUGINS = ["suite", "courses", "seminars"]
INSTALLED_APPS = installed_apps(PLUGINS, before=TRANSLATION_APPS)
