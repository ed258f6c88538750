"""What every app of the suite shares: the host contract's helpers (docs/plugins.md).

Member preferences, absolute URLs, the host's base template, app settings with defaults and
refusals with a code. The apps depend on this package and on nothing of the host's.
"""
