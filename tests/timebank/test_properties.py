"""Random sequences of transfers and reversals: whatever is refused, the ledger stays whole.

Hypothesis runs many examples inside one test, while pytest-django's database fixture is set up
once per test; so each example runs in a transaction of its own and rolls it back.
"""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Sum
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory
from timebank.errors import TransferError
from timebank.models import Account, Transfer
from timebank.selectors import ledger_discrepancies
from timebank.services import account_for, commons_account, transfer_create, transfer_reverse

pytestmark = pytest.mark.django_db

ACCOUNTS = 4  # the commons, two members with the default limits, one with tight limits
transfers = st.tuples(
    st.just("transfer"),
    st.integers(0, ACCOUNTS - 1),  # payer
    st.integers(0, ACCOUNTS - 1),  # payee
    st.integers(-5, 700),  # minutes, some of them refused
    st.integers(0, 15),  # idempotency key: a few repeat, as resubmitted forms do
    st.sampled_from(["exchange", "gift", "grant"]),
)
reversals = st.tuples(st.just("reverse"), st.integers(0, 40))  # which of the transfers made so far
operations = st.lists(st.one_of(transfers, reversals), max_size=30)


def total(**where) -> int:
    return Transfer.objects.filter(**where).aggregate(total=Sum("minutes"))["total"] or 0


def assert_ledger_whole() -> None:
    stored = dict(Account.objects.values_list("pk", "balance"))
    assert sum(stored.values()) == 0
    for pk, balance in stored.items():
        assert balance == total(payee_id=pk) - total(payer_id=pk)
    assert list(ledger_discrepancies()) == []


def apply(operation, accounts: list[Account], made: list[Transfer], coordinator) -> Transfer:
    if operation[0] == "transfer":
        _op, payer, payee, minutes, key, kind = operation
        return transfer_create(
            payer=accounts[payer], payee=accounts[payee], minutes=minutes, kind=kind, idempotency_key=f"key-{key}"
        )
    return transfer_reverse(transfer=made[operation[1] % len(made)], reason="Property test", recorded_by=coordinator)


@settings(max_examples=60, deadline=None)
@given(operations=operations)
def test_the_ledger_sums_to_zero_and_every_balance_to_its_transfers(operations):
    with transaction.atomic():
        coordinator = UserFactory()
        coordinator.user_permissions.add(Permission.objects.get(codename="reverse_transfer"))
        tight = account_for(UserFactory())
        Account.objects.filter(pk=tight.pk).update(min_balance=-60, max_balance=120)
        accounts = [commons_account(), account_for(UserFactory()), account_for(UserFactory()), tight]
        made: list[Transfer] = []
        for operation in operations:
            if operation[0] == "reverse" and not made:
                continue
            written = Transfer.objects.count()
            try:
                transfer = apply(operation, accounts, made, coordinator)
            except TransferError as refusal:
                event(f"refused: {refusal.code}")
                assert Transfer.objects.count() == written  # a refusal writes nothing
            else:
                assert Transfer.objects.count() in (written, written + 1)  # a repeated key writes nothing
                event(f"{transfer.kind}")
                made.append(transfer)
            assert_ledger_whole()
        transaction.set_rollback(True)
