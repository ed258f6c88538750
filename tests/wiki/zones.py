"""A member's time zone, active as the host makes it for their requests."""

import contextlib

from django.utils import timezone

from suite.members import member_preferences


@contextlib.contextmanager
def zone_of(member):
    """The member's zone (through the suite's preferences hook) for the requests made inside.

    Activating the reader's zone is the host's part: the NLU host's middleware does it on each
    request from the member's profile, a bare host has no such middleware. Activated here too,
    requests made in both hosts are read in the member's zone.
    """
    with timezone.override(member_preferences(member).timezone):
        yield
