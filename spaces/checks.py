"""``check``: spaces works only when the wiki and seminars ask it (docs/plugins.md, the hooks the host sets).

Without them a members-only space's "Add a page" would write a page everyone reads, and its meetings
would be for no one: the site refuses to start rather than leak.
"""

from django.conf import settings
from django.core import checks

# Each setting, and what spaces needs in it: the one provider, or this hook among others.
PROVIDERS = {
    "WIKI_SCOPES": "spaces.hooks.wiki_scopes",
    "SEMINARS_AUDIENCES": "spaces.hooks.meeting_audiences",
}
HOOKS = {
    "WIKI_REVISION_HOOKS": "spaces.hooks.page_edited",
    "SEMINARS_SETTLEMENT_HOOKS": "spaces.hooks.meeting_held",
    "SEMINARS_RECORDING_HOOKS": "spaces.hooks.recording_added",
}


def _missing() -> list[str]:
    """What each setting lacks, in the order above: "" where it has what spaces needs."""
    return [
        *("" if getattr(settings, name, None) == value else f"{name} = {value!r}" for name, value in PROVIDERS.items()),
        *(
            "" if value in getattr(settings, name, ()) else f"{name} including {value!r}"
            for name, value in HOOKS.items()
        ),
    ]


@checks.register()
def hooks_are_set(app_configs, **kwargs):
    """One error per setting, each with its own id (spaces.E001 to E005, in the order above)."""
    return [
        checks.Error(
            f"spaces needs {wanted} in the settings: the wiki and seminars learn of spaces through it.",
            hint="See the spaces section of docs/plugins.md for the settings a host sets.",
            id=f"spaces.E00{number}",
        )
        for number, wanted in enumerate(_missing(), start=1)
        if wanted
    ]
