"""Members name each other by username, in any case; the lookup reads one index entry, not every member."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.plans import sqlite_plan
from timebank.forms import MemberField
from wiki.selectors import member_named

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["Steward-Ayse", "steward-ayse", "STEWARD-AYSE", "  steward-Ayse "])
def test_a_member_is_found_by_username_in_any_case(typed):
    member = UserFactory(username="Steward-Ayse")
    UserFactory(username="steward-ayse-2")
    assert MemberField().clean(typed) == member
    assert member_named(typed) == member


def test_a_closed_account_is_not_found_for_a_transfer():
    UserFactory(username="gone", is_active=False)
    with pytest.raises(ValidationError, match="No member has the username"):
        MemberField().clean("gone")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL picks the index by the table's size")
@pytest.mark.parametrize("lookup", [MemberField().clean, member_named])
def test_the_lookup_uses_the_index_of_folded_usernames(lookup):
    UserFactory(username="Steward-Ayse")
    with CaptureQueriesContext(connection) as queries:
        lookup("STEWARD-AYSE")
    (query,) = queries.captured_queries
    assert "USING INDEX nlu_user_username_lower" in sqlite_plan(query["sql"])
