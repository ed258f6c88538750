"""Closing an account cancels the exchange requests waiting on it, both ways, and tells both sides."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import UserFactory
from tests.threads import at_once
from timebank.errors import TransferError
from timebank.models import Account, ExchangeRequest
from timebank.services import account_close, account_for, exchange_confirm, exchange_request_create

from .conftest import balances
from .pages import flashed, parse, text

pytestmark = pytest.mark.django_db

Status = ExchangeRequest.Status


def ask(creditor, debtor, minutes=90, memo="Leaflet for the night shift") -> ExchangeRequest:
    return exchange_request_create(creditor_member=creditor, debtor_member=debtor, minutes=minutes, memo=memo)


@pytest.fixture
def members(db):
    """ayse (Turkish), whose account is closed; berk (English) asked her and was asked by her; cem is not in it."""
    ayse = UserFactory(username="ayse", language="tr")
    berk = UserFactory(username="berk", language="en")
    cem = UserFactory(username="cem", language="en")
    return ayse, berk, cem


def close_through_the_page(client, coordinator, account: Account):
    client.force_login(coordinator)
    return client.post(f"/en/timebank/coordinate/accounts/{account.pk}/status/", {"action": "close"})


def test_closing_cancels_the_requests_both_ways_and_tells_both_sides_in_their_language(
    client, coordinator, members, django_capture_on_commit_callbacks
):
    ayse, berk, cem = members
    asked_by_her = ask(ayse, berk, memo="Translated the leaflet")
    asked_of_her = ask(berk, ayse, memo="Childcare at the meeting")
    others = ask(berk, cem, memo="Not hers")
    mail.outbox.clear()  # the mails asking to confirm

    with django_capture_on_commit_callbacks(execute=True):
        response = close_through_the_page(client, coordinator, account_for(ayse))

    assert "The account is closed." in flashed(response, 302)
    statuses = dict(ExchangeRequest.objects.values_list("pk", "status"))
    assert statuses == {asked_by_her.pk: "closed", asked_of_her.pk: "closed", others.pk: "pending"}
    sent = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert sent == [
        (ayse.email, "berk kullanıcısından 1 sa 30 dk talebiniz iptal edildi"),
        (ayse.email, "berk kullanıcısının 1 sa 30 dk talebi iptal edildi"),
        (berk.email, "The request of ayse for 1 h 30 min is cancelled"),
        (berk.email, "Your request to ayse for 1 h 30 min is cancelled"),
    ]
    to_berk = {message.subject: message.body for message in mail.outbox if message.to == [berk.email]}
    assert (
        "A coordinator closed the timebank account of ayse, so this request can no longer be paid: "
        "Translated the leaflet" in to_berk["The request of ayse for 1 h 30 min is cancelled"]
    )
    to_ayse = {message.subject: message.body for message in mail.outbox if message.to == [ayse.email]}
    assert (
        "Bir koordinatör zaman bankası hesabınızı kapattı; bu talep artık ödenemez: Childcare at the meeting"
        in to_ayse["berk kullanıcısının 1 sa 30 dk talebi iptal edildi"]
    )


def test_after_closing_the_other_side_finds_nothing_waiting_and_cannot_confirm(client, coordinator, members):
    ayse, berk, _cem = members
    request = ask(ayse, berk)
    account_close(account=account_for(ayse), by=coordinator)

    client.force_login(berk)
    page = parse(client.get("/en/timebank/"))
    assert "Nothing is waiting for you." in text(page.main)

    response = client.post(f"/en/timebank/requests/{request.pk}/confirm/")
    assert response.status_code == 409
    assert "This request was cancelled: a coordinator closed an account in it, so it cannot be paid." in text(
        parse(response, 409).main
    )
    assert balances(account_for(ayse), account_for(berk)) == [0, 0]


def test_closing_twice_or_a_request_already_answered_mails_no_one_again(
    coordinator, members, django_capture_on_commit_callbacks
):
    ayse, berk, _cem = members
    expired = ask(berk, ayse)
    ExchangeRequest.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    account = account_for(ayse)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        account_close(account=account, by=coordinator)
        account_close(account=account, by=coordinator)

    assert mail.outbox == []  # past its date, the request is the expiry's: it says so itself
    assert ExchangeRequest.objects.get().status == Status.PENDING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_confirmation_racing_the_closing_either_pays_or_is_refused_never_both(coordinator, members):
    ayse, berk, _cem = members
    request = ask(berk, ayse, minutes=60)
    account = account_for(ayse)

    def act(what: str):
        if what == "close":
            return account_close(account=account, by=coordinator)
        try:
            exchange_confirm(request=request, by=ayse)
        except TransferError as error:
            return error.code
        return "paid"

    outcome, closed = at_once(act, ["confirm", "close"])

    assert isinstance(closed, Account) and closed.closed
    assert outcome in ("paid", "already_closed")

    request.refresh_from_db()
    if outcome == "paid":
        assert request.status == Status.CONFIRMED and balances(account) == [-60]
    else:
        assert request.status == Status.CLOSED and balances(account) == [0]
