"""What the spaces app refuses, each with a stable ``code`` and a translated ``message``.

No HTTP status: the views decide it from the code (spaces/views.py).
"""

from suite.errors import Refusal


class SpaceError(Refusal):
    """A write refused: ``not_allowed``, ``slug_taken``, ``no_name``, ``already_member``, ``already_requested``,
    ``already_waiting``, ``not_member``, ``invitation_only``, ``full``, ``last_coordinator``, ``no_request``,
    ``invitation_unknown``, ``invitation_expired``, ``invitation_used``, ``file_too_large``, ``file_type``."""
