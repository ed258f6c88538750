"""What a transfer asks of the database: the lock, one insert that knows its key, one update.

(That the NLU host's page cache still shows a new transfer is tried in tests/nlu/test_timebank_in_host.py.)
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from timebank.models import Transfer
from timebank.services import account_for

from .conftest import balances, grant, pay
from .pages import flashed

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
    assert "You gave 30 min to Berk Y." in flashed(client.get(response["Location"]))
    assert balances(ayse, berk) == [90, 30]
