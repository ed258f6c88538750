"""``timebank_audit`` recomputes every balance from the transfers (DESIGN §5)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from timebank.models import Account
from timebank.services import commons_account, transfer_reverse

from .conftest import grant, pay

pytestmark = pytest.mark.django_db


def audit() -> str:
    out = io.StringIO()
    call_command("timebank_audit", stdout=out)
    return out.getvalue()


def test_an_empty_ledger_is_ok():
    assert audit() == "ok\n"


def test_a_healthy_ledger_is_ok(make_account, coordinator):
    tutor, steward = make_account(), make_account()
    grant(tutor, 120)
    transfer = pay(tutor, steward, 90)
    pay(steward, tutor, 30)
    transfer_reverse(transfer=transfer, reason="Recorded for the wrong person", recorded_by=coordinator)

    assert audit() == "ok\n"


def test_a_balance_changed_behind_the_services_back_is_reported_with_its_account(make_account):
    tutor, steward = make_account(), make_account()
    grant(tutor, 120)
    pay(tutor, steward, 90)
    Account.objects.filter(pk=steward.pk).update(balance=F("balance") + 30)  # within its limits
    out = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("timebank_audit", stdout=out)

    assert failure.value.returncode == 1
    assert out.getvalue().splitlines() == [
        f"account {steward.pk} ({steward.member}): balance 120 but its transfers sum to 90 (90 in, 0 out)",
        "the balances sum to 30, not 0",
    ]
    assert commons_account().balance == -120  # the others are untouched and not reported
