"""Turkish dates: day, month, year, then the weekday (Django's abbreviations: Prş, Ara), a 24-hour clock.

Only the named display formats: input formats stay Django's (FORMAT_MODULE_PATH falls back to them).
"""

DATE_FORMAT = "j M Y D"  # 3 Ara 2026 Prş
TIME_FORMAT = "H:i"  # 07:58
DATETIME_FORMAT = "j M Y D, H:i"  # 3 Ara 2026 Prş, 07:58
YEAR_MONTH_FORMAT = "F Y"  # Eylül 2026 (September)
MONTH_DAY_FORMAT = "j F"  # 3 Eylül
SHORT_DATE_FORMAT = "j M Y"  # 3 Ara 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 3 Ara 2026, 07:58
