"""The timebank's settings, each with its default; read at every use, so a host's value and override_settings win."""

from suite.conf import AppSettings

app_settings = AppSettings(
    "TIMEBANK_",
    # The lowest balance a member's account may reach when it is opened, in minutes (-600: ten hours of debt).
    MIN_BALANCE_MINUTES=-600,
    # The highest balance a member's account may hold when it is opened, in minutes (6000: a hundred hours).
    MAX_BALANCE_MINUTES=6000,
    # Days an exchange request waits for the member asked to pay before it expires unconfirmed.
    REQUEST_DAYS=14,
    # Requests one member may have waiting for an answer at once; one more is refused (429).
    MAX_PENDING_REQUESTS=20,
)
