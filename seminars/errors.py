"""What the seminars app refuses, each with a stable ``code`` and a translated ``message``.

No HTTP status and no form field: the views decide those from the code (seminars/views.py).
"""

from suite.errors import Refusal


class SeminarError(Refusal):
    """A request about a live session that the rules refuse."""


class ScheduleError(SeminarError):
    """Scheduling, moving or cancelling refused: ``bad_series``, ``unknown_zone``, ``nonexistent_time``,
    ``no_group`` (a group's meeting names no group), ``group_with_module``, ``not_scheduled`` (only a
    session that has not started moves), ``not_cancellable``."""


class JoinError(SeminarError):
    """Entering a session refused: ``no_name`` (a guest gave none), ``no_consent`` (a recorded session),
    ``cancelled``, ``ended`` (also a reopening after the time slot), ``forbidden``, ``not_open`` (too early),
    ``waiting`` (the tutor has not started), ``not_ended`` (only an ended session is reopened)."""


class CallbackError(SeminarError):
    """A call from BBB refused: ``bad_signature`` (end callback), ``bad_token`` (recording-ready),
    ``unknown_meeting``."""
