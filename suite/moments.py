"""One way to write a moment for a member: in the active language and time zone, the zone named.

Pages, e-mails, calendars and feeds all call ``moment_text`` (or the ``{% moment %}`` tag of
``suite_time``), so a date reads the same everywhere: "tomorrow, Thu 3 Dec 2026, 07:58
(Europe/Istanbul)" in English, "3 Ara 2026 Prş, 07:58 (Europe/Istanbul)" in Turkish. The
formats come from the language's format module (suite/formats/); an e-mail written inside
``suite.members.member_locale`` gets the recipient's language and zone.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext

# Within a week a word ("in 2 days", "yesterday") helps the reader; further away the date says it better.
RELATIVE_DAYS = 7
PARTS = ("datetime", "date", "time")


def relative_day(day: datetime.date, today: datetime.date) -> str:
    """'today', 'tomorrow', 'in 3 days', '2 days ago'… within a week of ``today``; '' further away."""
    days = (day - today).days
    if days == 0:
        return pgettext("moment", "today")
    if days == 1:
        return pgettext("moment", "tomorrow")
    if days == -1:
        return pgettext("moment", "yesterday")
    if 1 < days < RELATIVE_DAYS:
        return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    if -RELATIVE_DAYS < days < -1:
        return ngettext("%(count)d day ago", "%(count)d days ago", -days) % {"count": -days}
    return ""


def _local(value):
    """A datetime in the active zone (a date stays a date: it has no zone)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def moment_text(
    value, *, part: str = "datetime", zone: bool = True, relative: bool = True, short: bool = False, now=None
) -> str:
    """``value`` (a datetime or a date) as the reader reads it; '' for None.

    ``part`` "date" or "time" writes only that part (a date value is always "date"); ``zone=False``
    leaves the zone's name out where the page already says it; ``relative=False`` leaves out
    "tomorrow" and its kind where the text is kept for later (a digest, a feed); ``short`` writes
    no weekday, for tables. ``now`` is the moment relative words count from (default: now).
    """
    if value is None or value == "":
        return ""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    local = _local(value)
    if not isinstance(local, datetime.datetime):
        part = "date"
    if part == "time":
        text = date_format(local, "TIME_FORMAT")
    elif part == "date":
        day = local.date() if isinstance(local, datetime.datetime) else local
        text = date_format(day, "SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
    else:
        text = date_format(local, "SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")
    if relative and part != "time":
        day = local.date() if isinstance(local, datetime.datetime) else local
        words = relative_day(day, timezone.localdate(now) if now is not None else timezone.localdate())
        if words:
            text = gettext("%(relative)s, %(moment)s") % {"relative": words, "moment": text}
    if zone and part != "date":
        text = gettext("%(moment)s (%(zone)s)") % {"moment": text, "zone": timezone.get_current_timezone_name()}
    return text


def machine_moment(value) -> str:
    """The ISO 8601 form for a ``<time datetime>`` attribute: the local moment with its offset, or the day."""
    return _local(value).isoformat()


def moment_html(value, **options) -> str:
    """``moment_text`` inside ``<time datetime="ISO">``, for pages; '' for None."""
    if value is None or value == "":
        return ""
    return format_html('<time datetime="{}">{}</time>', machine_moment(value), moment_text(value, **options))
