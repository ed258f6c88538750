"""timebank alone: no dependency of ours."""

from .base import *  # noqa: F403
from .base import installed_apps
from .run import PLUGINS

INSTALLED_APPS = installed_apps(PLUGINS["timebank"])
