"""Amounts of time as people say them: hours and minutes, in the reader's language."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# U+2212 MINUS SIGN: it reads as a minus (a hyphen does not) and screen readers say "minus".
MINUS = "\u2212"


def hours(minutes: int) -> str:
    """``750`` → "12 h 30 min" (Turkish "12 sa 30 dk"); a debt is prefixed with a minus sign.

    Hours are grouped by thousands as the active language writes them ("1,200 h", "1.200 sa").
    """
    minutes = int(minutes)
    sign = MINUS if minutes < 0 else ""
    whole_hours, rest = divmod(abs(minutes), 60)
    numbers = {"hours": number_format(whole_hours, force_grouping=True), "minutes": rest}
    if whole_hours and rest:
        text = _("%(hours)s h %(minutes)s min") % numbers
    elif whole_hours:
        text = _("%(hours)s h") % numbers
    else:
        text = _("%(minutes)s min") % numbers
    return sign + text
