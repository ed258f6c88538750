"""What a transfer asks of the database: the lock, one insert that knows its key, one update.

And what it still tells the rest of the site: the anonymous pages kept in the page cache show it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timebank.models import Transfer
from timebank.services import commons_account

from .conftest import balances, grant, pay
from .pages import parse, text

pytestmark = pytest.mark.django_db


def statements(queries) -> list[str]:
    """The service's statements, within the savepoint its transaction is inside the test's."""
    verbs = [q["sql"].split(" ", 1)[0] for q in queries.captured_queries]
    assert (verbs[0], verbs[-1]) == ("SAVEPOINT", "RELEASE"), verbs
    return verbs[1:-1]


def test_a_transfer_is_a_lock_an_insert_and_an_update_with_no_savepoint(make_account):
    ayse, berk = make_account(), make_account()
    grant(ayse, 120)

    with CaptureQueriesContext(connection) as queries:
        made = pay(ayse, berk, 30, key="form-1")

    assert statements(queries) == ["SELECT", "INSERT", "UPDATE"]
    assert "ON CONFLICT" in queries.captured_queries[2]["sql"]
    assert Transfer.objects.get(idempotency_key="form-1").pk == made.pk
    assert (made.payer_balance_after, made.payee_balance_after) == (90, 30)
    assert balances(ayse, berk) == [90, 30]


def test_a_retry_finds_its_key_taken_and_gets_the_transfer_made_with_nothing_moved(make_account):
    ayse, berk = make_account(), make_account()
    grant(ayse, 120)
    first = pay(ayse, berk, 30, key="form-1")

    with CaptureQueriesContext(connection) as queries:
        again = pay(ayse, berk, 30, key="form-1")

    assert statements(queries) == ["SELECT", "INSERT", "SELECT"]  # the lock, the insert that did nothing, the lookup
    assert again.pk == first.pk
    assert balances(ayse, berk) == [90, 30]
    assert Transfer.objects.filter(idempotency_key="form-1").count() == 1


def test_an_anonymous_community_page_kept_in_the_page_cache_shows_a_new_transfer(
    client, make_account, settings, django_capture_on_commit_callbacks
):
    settings.NLU_PAGE_CACHE_SECONDS = 60
    ayse, commons = make_account(), commons_account()  # opened before: only the transfer is written below

    def given_in_all() -> str:
        page = parse(client.get("/en/timebank/community/"))
        return text(page.select_one("dl dd"))

    assert given_in_all() == given_in_all() == "0 min"  # the second from the page cache
    with django_capture_on_commit_callbacks(execute=True):
        pay(commons, ayse, 90, kind="grant")
    assert given_in_all() == "1 h 30 min"
