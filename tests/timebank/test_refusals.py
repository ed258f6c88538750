"""Refusals carry a code and a message only; the views decide the HTTP status and the form field."""

import pytest

from suite.errors import Refusal
from tests.factories import UserFactory
from timebank.errors import AccountError, OfferError, TransferError
from timebank.services import account_close, account_for, commons_account, offer_create, transfer_create
from timebank.views.refusals import refusal_field, refusal_status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [TransferError, AccountError, OfferError])
def test_each_refusal_of_the_timebank_is_a_suite_refusal_with_a_code_and_a_message_only(kind):
    error = kind("Not now.", code="too_soon")

    assert isinstance(error, Refusal)
    assert (error.code, error.message, str(error)) == ("too_soon", "Not now.", "Not now.")
    assert not hasattr(error, "status") and not hasattr(error, "field")


@pytest.mark.parametrize(
    ("code", "status", "field"),
    [
        ("bad_amount", 400, None),
        ("long_memo", 400, "memo"),
        ("no_title", 400, "title"),
        ("bad_min_balance", 400, "min_hours"),
        ("forbidden", 403, None),
        ("too_many_pending", 429, None),
        ("below_minimum", 409, None),
        ("max_balance_broken", 409, "max_hours"),
        ("already_confirmed", 409, None),
        ("a_code_no_view_knows", 409, None),
    ],
)
def test_the_views_map_a_code_to_its_status_and_its_form_field(code, status, field):
    error = TransferError("Refused.", code=code)

    assert (refusal_status(error), refusal_field(error)) == (status, field)


def test_an_offer_refuses_with_an_offer_error_not_a_transfer_error():
    with pytest.raises(OfferError) as refusal:
        offer_create(author=UserFactory(), kind="sell", category="other", title="Shoes", language="en")

    assert not isinstance(refusal.value, TransferError)
    assert refusal.value.code == "bad_kind"


def test_a_coordinators_change_to_an_account_refuses_with_an_account_error():
    with pytest.raises(AccountError) as refusal:
        account_close(account=commons_account(), by=UserFactory())

    assert refusal.value.code == "forbidden"


def test_a_payment_refuses_with_a_transfer_error():
    payer, payee = account_for(UserFactory()), account_for(UserFactory())

    with pytest.raises(TransferError) as refusal:
        transfer_create(payer=payer, payee=payee, minutes=601, kind="exchange", idempotency_key="k-1")

    assert refusal.value.code == "below_minimum"
