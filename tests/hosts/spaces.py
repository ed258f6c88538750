"""spaces and its declared dependencies, seminars (with courses) and wiki, wired by their hooks.

As docs/plugins.md says.
"""

from .base import *  # noqa: F403
from .base import installed_apps
from .courses import TRANSLATION_APPS
from .run import PLUGINS

INSTALLED_APPS = installed_apps(PLUGINS["spaces"], before=TRANSLATION_APPS)

WIKI_SCOPES = "spaces.hooks.wiki_scopes"
WIKI_REVISION_HOOKS = ["spaces.hooks.page_edited"]
SEMINARS_AUDIENCES = "spaces.hooks.meeting_audiences"
SEMINARS_SETTLEMENT_HOOKS = ["spaces.hooks.meeting_held"]
SEMINARS_RECORDING_HOOKS = ["spaces.hooks.recording_added"]
