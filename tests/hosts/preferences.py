"""Members' language and time zone in a bare host, whose plain user model has no field for them.

The bare hosts name ``remembered`` in ``SUITE_MEMBER_PREFERENCES`` (the hook of docs/plugins.md);
``UserFactory(language=..., timezone=...)`` remembers them here for the test's duration.
"""

from suite.members import Preferences, attribute_preferences

_remembered: dict[int, dict[str, str]] = {}


def remember(member, **choices: str) -> None:
    _remembered.setdefault(member.pk, {}).update(choices)


def forget_all() -> None:
    _remembered.clear()


def remembered(member) -> Preferences:
    site = attribute_preferences(member)
    choices = _remembered.get(getattr(member, "pk", None), {})
    return Preferences(
        language=choices.get("language") or site.language, timezone=choices.get("timezone") or site.timezone
    )
