"""Transfers and reversals through the services: what is written, and what is refused with nothing written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import UserFactory
from timebank.models import Account, Transfer
from timebank.services import account_for, commons_account, transfer_reverse
from timebank.views.refusals import refusal_status

from .conftest import balances, grant, pay, refused

pytestmark = pytest.mark.django_db


# --- Accounts ---------------------------------------------------------------------------------


def test_a_member_gets_one_account_on_first_need_with_the_limits_from_settings(settings):
    settings.TIMEBANK_MIN_BALANCE_MINUTES, settings.TIMEBANK_MAX_BALANCE_MINUTES = -120, 900
    member = UserFactory()

    account = account_for(member)

    assert account_for(member) == account
    assert (account.member, account.balance, account.min_balance, account.max_balance) == (member, 0, -120, 900)


def test_the_commons_account_has_no_limits():
    commons = commons_account()

    assert commons_account() == commons
    assert (commons.system_name, commons.min_balance, commons.max_balance) == ("commons", None, None)


# --- Transfers --------------------------------------------------------------------------------


def test_a_transfer_moves_the_minutes_from_payer_to_payee(make_account):
    payer, payee = make_account(), make_account()
    recorder = payer.member

    transfer = pay(payer, payee, 90, memo="Helped with a leaflet", reference="offers.offer:7", recorded_by=recorder)

    transfer.refresh_from_db()
    assert (transfer.payer, transfer.payee, transfer.minutes, transfer.kind) == (payer, payee, 90, "exchange")
    assert (transfer.memo, transfer.reference, transfer.recorded_by) == (
        "Helped with a leaflet",
        "offers.offer:7",
        recorder,
    )
    assert balances(payer, payee) == [-90, 90]


@pytest.mark.parametrize("minutes", [0, -60, 1.5, 60.0, "60", True, 10**9], ids=repr)
def test_an_amount_that_is_not_a_positive_whole_number_of_minutes_is_refused(make_account, minutes):
    payer, payee = make_account(), make_account()

    error = refused(lambda: pay(payer, payee, minutes))

    assert (error.code, refusal_status(error)) == ("bad_amount", 400)
    assert error.message == "Give a whole number of minutes from 1 to 1000000."


def test_the_payer_may_go_down_to_its_minimum_and_not_one_minute_further(make_account):
    payer, payee = make_account(), make_account()  # from zero, at most 600 minutes below

    pay(payer, payee, 600)
    error = refused(lambda: pay(payer, payee, 1))

    assert balances(payer, payee) == [-600, 600]
    assert (error.code, refusal_status(error)) == ("below_minimum", 409)
    assert error.message == (f"Not enough credit: {payer.member} has −10 h and may not go below −10 h.")


def test_an_absurd_amount_over_the_limits_is_refused(make_account):
    payer, payee, _commons = make_account(), make_account(), commons_account()

    assert refused(lambda: pay(payer, payee, 100_000)).code == "below_minimum"
    assert refused(lambda: grant(payee, 6001)).code == "above_maximum"


def test_the_payee_may_go_up_to_its_maximum_and_not_one_minute_further(make_account):
    payee = make_account(max_balance=120)

    grant(payee, 120)
    error = refused(lambda: grant(payee, 1))

    assert balances(payee) == [120]
    assert (error.code, refusal_status(error)) == ("above_maximum", 409)
    assert error.message == (f"{payee.member} cannot receive that much: it has 2 h and may hold at most 2 h.")


def test_paying_oneself_is_refused(make_account):
    account = make_account()

    error = refused(lambda: pay(account, account, 60))

    assert (error.code, refusal_status(error), error.message) == (
        "self_payment",
        400,
        "You cannot pay your own account.",
    )


@pytest.mark.parametrize("closed", ["payer", "payee"])
def test_a_closed_account_neither_pays_nor_is_paid(make_account, closed):
    accounts = {"payer": make_account(), "payee": make_account()}
    Account.objects.filter(pk=accounts[closed].pk).update(closed=True)

    error = refused(lambda: pay(accounts["payer"], accounts["payee"], 60))

    assert (error.code, refusal_status(error)) == ("account_closed", 409)
    assert error.message == f"The account of {accounts[closed].member} is closed."


@pytest.mark.parametrize("kind", ["reversal", "bribe", ""])
def test_a_kind_other_than_tutoring_exchange_gift_or_grant_is_refused(make_account, kind):
    payer, payee = make_account(), make_account()

    error = refused(lambda: pay(payer, payee, 60, kind=kind))

    assert (error.code, refusal_status(error)) == ("bad_kind", 400)


def test_a_stale_form_resubmitted_gets_the_same_transfer_and_nothing_is_written(make_account):
    payer, payee = make_account(), make_account()
    first = pay(payer, payee, 60, key="form-1234", memo="Translation of a leaflet")

    again = pay(payer, payee, 60, key="form-1234", memo="Translation of a leaflet")

    assert again == first
    assert Transfer.objects.count() == 1
    assert balances(payer, payee) == [-60, 60]


def test_a_resubmission_stays_the_same_transfer_after_the_account_was_closed(make_account):
    payer, payee = make_account(), make_account()
    first = pay(payer, payee, 60, key="form-1234")
    Account.objects.filter(pk=payee.pk).update(closed=True)

    assert pay(payer, payee, 60, key="form-1234") == first
    assert Transfer.objects.count() == 1


def test_a_key_reused_for_a_different_transfer_is_refused(make_account):
    payer, payee = make_account(), make_account()
    pay(payer, payee, 60, key="form-1234")

    error = refused(lambda: pay(payer, payee, 90, key="form-1234"))

    assert (error.code, refusal_status(error)) == ("key_reused", 409)
    assert error.message == "This request was already used for a different transfer."


def test_a_request_without_an_idempotency_key_is_refused(make_account):
    payer, payee = make_account(), make_account()

    error = refused(lambda: pay(payer, payee, 60, key=""))

    assert (error.code, refusal_status(error)) == ("bad_request", 400)


def test_refusals_are_translated(make_account):
    payer, payee = make_account(), make_account()

    with translation.override("tr"):
        assert str(refused(lambda: pay(payer, payer, 60)).message) == "Kendi hesabınıza ödeme yapamazsınız."
        assert str(refused(lambda: pay(payer, payee, 601)).message) == (
            f"Yetersiz kredi: {payer.member} hesabında 0 dk var; bakiye en az −10 sa olabilir."
        )


# --- Reversals --------------------------------------------------------------------------------


def test_a_coordinator_reverses_a_transfer_with_a_new_one_the_other_way(make_account, coordinator):
    payer, payee = make_account(), make_account()
    transfer = pay(payer, payee, 90, reference="offers.offer:7")

    reversal = transfer_reverse(transfer=transfer, reason="  Recorded twice by mistake ", recorded_by=coordinator)

    reversal.refresh_from_db()
    assert (reversal.payer, reversal.payee, reversal.minutes, reversal.kind) == (payee, payer, 90, "reversal")
    assert (reversal.reverses, reversal.memo, reversal.reference) == (
        transfer,
        "Recorded twice by mistake",
        "offers.offer:7",
    )
    assert reversal.recorded_by == coordinator
    assert balances(payer, payee) == [0, 0]
    assert Transfer.objects.count() == 2  # append-only: the original stays


def test_a_member_who_is_not_a_coordinator_cannot_reverse(make_account):
    payer, payee = make_account(), make_account()
    transfer = pay(payer, payee, 90)

    error = refused(lambda: transfer_reverse(transfer=transfer, reason="I changed my mind", recorded_by=payer.member))

    assert (error.code, refusal_status(error)) == ("forbidden", 403)
    assert error.message == "Only a coordinator can reverse a transfer."


def test_a_reversal_needs_a_reason(make_account, coordinator):
    transfer = pay(make_account(), make_account(), 90)

    error = refused(lambda: transfer_reverse(transfer=transfer, reason="  ", recorded_by=coordinator))

    assert (error.code, refusal_status(error)) == ("no_reason", 400)


def test_a_transfer_is_reversed_once_only(make_account, coordinator):
    transfer = pay(make_account(), make_account(), 90)
    transfer_reverse(transfer=transfer, reason="Recorded twice", recorded_by=coordinator)

    error = refused(lambda: transfer_reverse(transfer=transfer, reason="Recorded twice", recorded_by=coordinator))

    assert (error.code, refusal_status(error)) == ("already_reversed", 409)
    assert error.message == "This transfer has already been reversed."


def test_a_reversal_cannot_be_reversed(make_account, coordinator):
    transfer = pay(make_account(), make_account(), 90)
    reversal = transfer_reverse(transfer=transfer, reason="Recorded twice", recorded_by=coordinator)

    error = refused(lambda: transfer_reverse(transfer=reversal, reason="Undo the undo", recorded_by=coordinator))

    assert (error.code, refusal_status(error)) == ("reversal_of_reversal", 409)
    assert error.message == "A reversal cannot be reversed; record a new transfer instead."


def test_a_reversal_that_would_take_the_payee_below_its_minimum_is_refused(make_account, coordinator):
    payer, payee, third = make_account(), make_account(), make_account()
    transfer = pay(payer, payee, 300)
    pay(payee, third, 900)  # the 300 minutes are spent, and 600 more: the payee is at its minimum

    error = refused(lambda: transfer_reverse(transfer=transfer, reason="Recorded twice", recorded_by=coordinator))

    assert (error.code, refusal_status(error)) == ("below_minimum", 409)
    assert error.message == (f"Not enough credit: {payee.member} has −10 h and may not go below −10 h.")


# --- Round trips ------------------------------------------------------------------------------


def test_a_transfer_locks_both_accounts_in_one_query_and_moves_both_balances_in_one_update(make_account):
    ayse, berk = make_account(), make_account()
    grant(ayse, 120)

    with CaptureQueriesContext(connection) as queries:
        pay(berk, ayse, 30)  # the payee's pk is the lower: the locks are still taken in pk order

    on_accounts = [q["sql"] for q in queries.captured_queries if '"timebank_account"' in q["sql"]]
    assert len(on_accounts) == 2, on_accounts
    lock, update = on_accounts
    assert lock.startswith("SELECT") and lock.endswith(('ORDER BY "timebank_account"."id" ASC FOR UPDATE', "ASC"))
    assert update.startswith('UPDATE "timebank_account"') and "CASE WHEN" in update
    assert balances(ayse, berk) == [150, -30]
