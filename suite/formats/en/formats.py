"""English dates as people read them outside the US: weekday and month names, a 24-hour clock.

Only the named display formats: input formats stay Django's (FORMAT_MODULE_PATH falls back to them).
"""

DATE_FORMAT = "D j M Y"  # Thu 3 Dec 2026
TIME_FORMAT = "H:i"  # 07:58
DATETIME_FORMAT = "D j M Y, H:i"  # Thu 3 Dec 2026, 07:58
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 3 December
SHORT_DATE_FORMAT = "j M Y"  # 3 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 3 Dec 2026, 07:58
