from django import template

from ..formatting import hours as format_hours

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """``{{ account.balance|hours }}``; nothing for an empty value (an account without a limit)."""
    if minutes is None or minutes == "":
        return ""
    return format_hours(minutes)
