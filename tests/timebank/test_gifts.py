"""Gifts between members and to the commons, the coordinators' grants, limits and closing of accounts."""

import pytest
from django.utils import translation

from tests.factories import UserFactory
from timebank.errors import AccountError
from timebank.models import Account, Transfer
from timebank.services import (
    account_close,
    account_for,
    account_reopen,
    account_set_limits,
    commons_account,
    gift_create,
    grant_create,
)
from timebank.views.refusals import refusal_field, refusal_status

from .conftest import balances, grant, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def giver(db):
    return UserFactory(username="Ayşe")


def give(giver, to: Account, minutes=60, memo="Thank you for the leaflet", form_token="form-1") -> Transfer:
    return gift_create(giver_member=giver, to=to, minutes=minutes, memo=memo, form_token=form_token)


# --- Gifts --------------------------------------------------------------------------------------------


def test_a_member_gives_hours_to_another(giver):
    friend = account_for(UserFactory())

    gift = give(giver, friend)

    gift.refresh_from_db()
    assert (gift.payer.member, gift.payee, gift.minutes, gift.kind) == (giver, friend, 60, "gift")
    assert (gift.memo, gift.recorded_by) == ("Thank you for the leaflet", giver)
    assert balances(account_for(giver), friend) == [-60, 60]


def test_a_member_gives_hours_back_to_the_commons(giver):
    grant(account_for(giver), 120)

    give(giver, commons_account(), minutes=30, memo="")

    assert balances(account_for(giver), commons_account()) == [90, -90]


def test_a_stale_gift_form_resubmitted_gives_once(giver):
    friend = account_for(UserFactory())

    first = give(giver, friend)
    again = give(giver, friend)

    assert again == first
    assert Transfer.objects.count() == 1
    assert balances(account_for(giver), friend) == [-60, 60]


def test_another_members_form_token_cannot_block_a_gift(giver):
    """The key is the giver's and the token's: a token seen in someone's page blocks nothing."""
    friend = account_for(UserFactory())
    give(UserFactory(), friend, minutes=15, form_token="form-1")

    give(giver, friend, form_token="form-1")

    assert balances(friend) == [75]


def test_the_same_gift_form_used_for_another_amount_is_refused(giver):
    friend = account_for(UserFactory())
    give(giver, friend)

    error = refused(lambda: give(giver, friend, minutes=90))

    assert (error.code, refusal_status(error)) == ("key_reused", 409)


@pytest.mark.parametrize("minutes", [0, -60, 1.5, "60", 10**9], ids=repr)
def test_a_gift_of_no_whole_positive_minutes_is_refused(giver, minutes):
    friend = account_for(UserFactory())

    error = refused(lambda: give(giver, friend, minutes=minutes))

    assert (error.code, refusal_status(error)) == ("bad_amount", 400)


def test_more_than_the_giver_may_go_below_zero_is_refused(giver):
    friend = account_for(UserFactory())

    error = refused(lambda: give(giver, friend, minutes=601))

    assert (error.code, refusal_status(error)) == ("below_minimum", 409)
    assert error.message == "Not enough credit: Ayşe has 0 min and may not go below −10 h."


def test_giving_to_oneself_is_refused(giver):
    own = account_for(giver)

    error = refused(lambda: give(giver, own))

    assert (error.code, refusal_status(error)) == ("self_payment", 400)


def test_giving_to_a_closed_account_is_refused(giver):
    friend = account_for(UserFactory(username="Berk"))
    Account.objects.filter(pk=friend.pk).update(closed=True)

    error = refused(lambda: give(giver, friend))

    assert (error.code, refusal_status(error), error.message) == (
        "account_closed",
        409,
        "The account of Berk is closed.",
    )


@pytest.mark.parametrize("form_token", ["", "x" * 101, None], ids=["empty", "too long", "none"])
def test_a_gift_without_its_form_token_is_refused(giver, form_token):
    friend = account_for(UserFactory())

    error = refused(lambda: give(giver, friend, form_token=form_token))

    assert (error.code, refusal_status(error)) == ("bad_request", 400)


def test_a_gift_memo_is_kept_short(giver):
    friend = account_for(UserFactory())

    error = refused(lambda: give(giver, friend, memo="x" * 501))

    assert (error.code, refusal_status(error), refusal_field(error)) == ("long_memo", 400, "memo")


# --- Grants -------------------------------------------------------------------------------------------


def test_a_coordinator_grants_credit_from_the_commons(coordinator):
    member = account_for(UserFactory())

    credit = grant_create(
        to=member, minutes=90, memo="Interpreting at the May assembly", by=coordinator, form_token="g1"
    )

    assert (credit.payer, credit.payee, credit.kind, credit.recorded_by) == (
        commons_account(),
        member,
        "grant",
        coordinator,
    )
    assert (
        grant_create(to=member, minutes=90, memo="Interpreting at the May assembly", by=coordinator, form_token="g1")
        == credit
    )
    assert balances(member, commons_account()) == [90, -90]


def test_a_member_cannot_grant_credit():
    member, other = UserFactory(), account_for(UserFactory())

    error = refused(lambda: grant_create(to=other, minutes=90, memo="For free", by=member, form_token="g1"))

    assert (error.code, refusal_status(error), error.message) == (
        "forbidden",
        403,
        "Only a coordinator can grant credit.",
    )


def test_a_grant_says_what_it_is_for_and_goes_to_a_member(coordinator):
    member = account_for(UserFactory())

    commons = commons_account()

    no_memo = refused(lambda: grant_create(to=member, minutes=90, memo=" ", by=coordinator, form_token="g1"))
    to_commons = refused(lambda: grant_create(to=commons, minutes=90, memo="Loop", by=coordinator, form_token="g2"))

    assert (no_memo.code, no_memo.message) == ("no_memo", "Say what the credit is for.")
    assert (to_commons.code, refusal_status(to_commons)) == ("bad_payee", 400)


def test_a_grant_over_the_members_maximum_is_refused(coordinator):
    member = account_for(UserFactory())

    error = refused(lambda: grant_create(to=member, minutes=6001, memo="Too much", by=coordinator, form_token="g1"))

    assert (error.code, refusal_status(error)) == ("above_maximum", 409)


# --- Limits, closing -------------------------------------------------------------------------------------


def test_a_coordinator_sets_new_limits_or_none(coordinator):
    account = account_for(UserFactory())

    account_set_limits(account=account, min_balance=-1200, max_balance=None, by=coordinator)

    account.refresh_from_db()
    assert (account.min_balance, account.max_balance) == (-1200, None)


def test_limits_the_balance_already_breaks_are_refused(coordinator):
    account = account_for(UserFactory(username="Berk"))
    grant(account, 300)

    too_low_a_maximum = refused(
        lambda: account_set_limits(account=account, min_balance=-600, max_balance=299, by=coordinator), AccountError
    )
    too_high_a_minimum = refused(
        lambda: account_set_limits(account=account, min_balance=301, max_balance=None, by=coordinator), AccountError
    )

    assert (too_low_a_maximum.code, refusal_field(too_low_a_maximum)) == ("max_balance_broken", "max_hours")
    assert too_low_a_maximum.message == "Berk has 5 h, already above that maximum."
    assert (too_high_a_minimum.code, refusal_field(too_high_a_minimum)) == ("min_balance_broken", "min_hours")
    account_set_limits(account=account, min_balance=300, max_balance=300, by=coordinator)  # exactly the balance is fine


@pytest.mark.parametrize(
    ("low", "high", "code", "field"),
    [
        (-60.5, 600, "bad_min_balance", "min_hours"),
        (-60, "600", "bad_max_balance", "max_hours"),
        (-60, 10**9, "bad_max_balance", "max_hours"),
        (600, -60, "min_above_max", "min_hours"),
    ],
    ids=["fraction", "text", "absurd", "min above max"],
)
def test_limits_that_are_not_whole_minutes_in_order_are_refused(coordinator, low, high, code, field):
    account = account_for(UserFactory())

    error = refused(
        lambda: account_set_limits(account=account, min_balance=low, max_balance=high, by=coordinator), AccountError
    )

    assert (error.code, refusal_status(error), refusal_field(error)) == (code, 400, field)


def test_only_a_coordinator_changes_an_account(giver):
    account = account_for(giver)

    for change in (
        lambda: account_set_limits(account=account, min_balance=-6000, max_balance=None, by=giver),
        lambda: account_close(account=account, by=giver),
    ):
        assert refusal_status(refused(change, AccountError)) == 403


def test_the_commons_has_no_limits_and_stays_open(coordinator):
    commons = commons_account()

    for change in (
        lambda: account_set_limits(account=commons, min_balance=0, max_balance=0, by=coordinator),
        lambda: account_close(account=commons, by=coordinator),
    ):
        assert refused(change, AccountError).code == "system_account"


def test_a_closed_account_keeps_its_balance_takes_no_payment_and_can_be_reopened(coordinator, giver):
    account = account_for(UserFactory())
    grant(account, 60)

    account_close(account=account, by=coordinator)
    assert refused(lambda: give(giver, account)).code == "account_closed"
    assert balances(account) == [60]

    account_reopen(account=account, by=coordinator)
    give(giver, account)
    assert balances(account) == [120]


def test_refusals_are_translated(giver):
    friend = account_for(UserFactory())

    with translation.override("tr"):
        error = refused(lambda: give(giver, friend, minutes=601))

    assert error.message == "Yetersiz kredi: Ayşe hesabında 0 dk var; bakiye en az −10 sa olabilir."
