"""App settings with their defaults, read at each use so a host's value and override_settings win."""

from django.conf import settings


class AppSettings:
    """The settings ``<PREFIX><NAME>`` of one app, each falling back to the default given here.

    Read at every attribute access, never at import, so tests may override them.
    """

    def __init__(self, prefix: str, **defaults):
        self.prefix, self.defaults = prefix, defaults

    def __getattr__(self, name: str):
        try:
            default = self.defaults[name]
        except KeyError:
            raise AttributeError(f"{self.prefix}{name} is not a setting of this app") from None
        return getattr(settings, self.prefix + name, default)


suite_settings = AppSettings(
    "SUITE_",
    # The template every app's <app>/base.html extends; it must define the blocks of docs/plugins.md.
    BASE_TEMPLATE="base.html",
    # A callable (member) -> suite.members.Preferences; see suite.members.
    MEMBER_PREFERENCES="suite.members.attribute_preferences",
    # A callable (text, *, limit) -> members a chooser suggests; see suite.members.
    MEMBER_SEARCH="suite.members.name_search",
)
