"""timebank alone: no dependency of ours."""

from .base import *  # noqa: F403
from .base import installed_apps

PLUGINS = ["suite", "timebank"]
INSTALLED_APPS = installed_apps(PLUGINS)
