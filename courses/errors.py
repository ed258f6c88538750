"""What the courses app refuses, each with a stable ``code`` and a translated ``message``.

No HTTP status: the views decide it from the code (courses/views.py).
"""

from suite.errors import Refusal


class EnrolmentError(Refusal):
    """Enrolling or withdrawing refused: ``not_open``, ``closed``, ``already_enrolled``,
    ``prerequisite_missing``, ``not_enrolled``."""


class ProgressError(Refusal):
    """Marking a unit done refused: ``no_unit``, ``not_enrolled``, ``unit_locked``."""
