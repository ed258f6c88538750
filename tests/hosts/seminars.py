"""seminars and its one declared dependency, courses."""

from .base import *  # noqa: F403
from .base import installed_apps
from .courses import TRANSLATION_APPS
from .run import PLUGINS

INSTALLED_APPS = installed_apps(PLUGINS["seminars"], before=TRANSLATION_APPS)
