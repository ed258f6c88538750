"""Members name each other by username, in any case, and only active members are found.

That the lookup reads one index entry of the NLU user model's folded usernames, and finds whom the
wiki's lookup finds, is tried in the NLU host (tests/nlu/test_timebank_in_host.py).
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from timebank.forms import MemberField

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["Steward-Ayse", "steward-ayse", "STEWARD-AYSE", "  steward-Ayse "])
def test_a_member_is_found_by_username_in_any_case(typed):
    member = UserFactory(username="Steward-Ayse")
    UserFactory(username="steward-ayse-2")

    assert MemberField().clean(typed) == member


def test_a_closed_account_is_not_found_for_a_transfer():
    UserFactory(username="gone", is_active=False)
    with pytest.raises(ValidationError, match="No member has the username"):
        MemberField().clean("gone")


def test_the_lookup_is_one_query_that_folds_the_case_in_the_database():
    UserFactory(username="Steward-Ayse")

    with CaptureQueriesContext(connection) as queries:
        MemberField().clean("STEWARD-AYSE")

    (query,) = queries.captured_queries
    assert "LOWER(" in query["sql"].upper()
