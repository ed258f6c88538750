"""What a transfer asks of the database: the lock, one insert that knows its key, one update.

And what it still tells the rest of the site: the anonymous pages kept in the page cache show it.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from timebank.models import Transfer
from timebank.services import account_for, commons_account

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


def test_the_give_hours_form_names_the_recipient_without_asking_again_after_paying(client, make_account):
    ayse, berk = make_account(), account_for(UserFactory(username="Berk Y."))
    grant(ayse, 120)
    client.force_login(ayse.member)
    form = {"recipient": "member", "member": berk.member.username, "hours": 0, "minutes": 30, "memo": ""}

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/en/timebank/give/", form | {"form_token": "6f0c6a9e-2d1b-4c55-9a3e-1b2c3d4e5f60"})

    assert response.status_code == 302
    verbs = [q["sql"].split(" ", 1)[0] for q in queries.captured_queries]
    after_paying = verbs[verbs.index("UPDATE") + 1 :]
    assert set(after_paying) <= {"RELEASE"}, after_paying  # the message's name was at hand
    page = parse(client.get(response["Location"]))
    assert "You gave 30 min to Berk Y." in text(page)
    assert balances(ayse, berk) == [90, 30]
