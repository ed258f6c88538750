"""Gifts and grants tell their receiver by mail, in the receiver's language, once; no one else."""

import datetime

import pytest
from django.core import mail

from tests.factories import UserFactory
from timebank.models import Transfer
from timebank.notifications import transfer_mail, transfer_mails_send_pending
from timebank.services import account_close, account_for, gift_create
from timebank.tasks import send_transfer_mail

from .conftest import grant
from .pages import flashed, parse

pytestmark = pytest.mark.django_db


def form_token(client, url: str) -> str:
    return parse(client.get(url)).select_one("input[name=form_token]")["value"]


def give_through_the_page(client, giver, fields: dict):
    """The giver sends the give/ form, as on the site; the mail goes when the gift commits."""
    client.force_login(giver)
    return client.post("/en/timebank/give/", {"form_token": form_token(client, "/en/timebank/give/")} | fields)


def grant_through_the_page(client, coordinator, fields: dict):
    client.force_login(coordinator)
    url = "/en/timebank/coordinate/grant/"
    return client.post(url, {"form_token": form_token(client, url)} | fields)


@pytest.fixture
def giver(db):
    user = UserFactory(username="giulia")
    grant(account_for(user), 600)
    return user


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("en", "giulia gave you 1 h 30 min", ["giulia gave you 1 h 30 min in the timebank.", "For the leaflet"]),
        ("tr", "giulia size 1 sa 30 dk verdi", ["giulia size zaman bankasında 1 sa 30 dk verdi.", "For the leaflet"]),
    ],
)
def test_a_gift_mails_its_receiver_once_in_their_language(
    client, giver, django_capture_on_commit_callbacks, language, subject, body
):
    receiver = UserFactory(username="ayse", language=language)

    with django_capture_on_commit_callbacks(execute=True):
        response = give_through_the_page(
            client,
            giver,
            {"recipient": "member", "member": "ayse", "hours": "1", "minutes": "30", "memo": "For the leaflet"},
        )

    assert "You gave 1 h 30 min to ayse." in flashed(response, 302)
    (message,) = mail.outbox
    assert (message.to, message.subject) == ([receiver.email], subject)
    for line in body:
        assert line in message.body
    assert f"/{language}/timebank/" in message.body


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        (
            "en",
            "2 h granted to you from the NLU commons",
            "coordinator-of-the-timebank, coordinating the timebank, granted you 2 h from the NLU commons, "
            "for: Organising the May Day stall",
        ),
        (
            "tr",
            "NLU ortak hesabından size 2 sa verildi",
            "Zaman bankasının koordinatörü coordinator-of-the-timebank, NLU ortak hesabından size 2 sa verdi; "
            "gerekçe: Organising the May Day stall",
        ),
    ],
)
def test_a_grant_mails_its_receiver_with_the_reason_in_their_language(
    client, coordinator, django_capture_on_commit_callbacks, language, subject, line
):
    receiver = UserFactory(username="ayse", language=language)

    with django_capture_on_commit_callbacks(execute=True):
        response = grant_through_the_page(
            client,
            coordinator,
            {"member": "ayse", "hours": "2", "minutes": "0", "memo": "Organising the May Day stall"},
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert (message.to, message.subject) == ([receiver.email], subject)
    assert line in message.body


def test_a_gift_to_the_commons_mails_no_one(client, giver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        give_through_the_page(client, giver, {"recipient": "commons", "hours": "1", "minutes": "0", "memo": ""})

    assert Transfer.objects.filter(kind="gift").count() == 1
    assert mail.outbox == []


def test_a_gift_to_a_closed_account_is_refused_and_mails_no_one(
    client, giver, coordinator, django_capture_on_commit_callbacks
):
    account_close(account=account_for(UserFactory(username="ayse")), by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = give_through_the_page(
            client, giver, {"recipient": "member", "member": "ayse", "hours": "1", "minutes": "0", "memo": ""}
        )

    assert response.status_code == 409
    assert mail.outbox == []


def test_an_account_closed_before_the_mail_went_is_not_told(giver, coordinator, django_capture_on_commit_callbacks):
    receiver = account_for(UserFactory(username="ayse"))
    with django_capture_on_commit_callbacks(execute=False):  # the broker has not run the task yet
        gift = gift_create(giver_member=giver, to=receiver, minutes=60, form_token="form-1")
    account_close(account=receiver, by=coordinator)

    assert transfer_mail(transfer_id=gift.pk) == 0
    assert mail.outbox == []


def test_the_same_gift_form_sent_twice_mails_once(giver, django_capture_on_commit_callbacks):
    receiver = account_for(UserFactory(username="ayse"))

    with django_capture_on_commit_callbacks(execute=True):
        gift_create(giver_member=giver, to=receiver, minutes=60, form_token="form-1")
    with django_capture_on_commit_callbacks(execute=True):
        gift_create(giver_member=giver, to=receiver, minutes=60, form_token="form-1")

    assert len(mail.outbox) == 1


def test_a_gift_whose_mail_could_not_be_enqueued_is_sent_by_the_sweep_once(
    giver, monkeypatch, django_capture_on_commit_callbacks
):
    receiver = UserFactory(username="ayse")

    def broker_down(**kwargs):
        raise OSError("broker down")

    with monkeypatch.context() as patched:
        patched.setattr(send_transfer_mail, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            gift_create(giver_member=giver, to=account_for(receiver), minutes=60, form_token="form-1")

    assert mail.outbox == []
    assert transfer_mails_send_pending(older_than=datetime.timedelta(0)) == 1
    assert transfer_mails_send_pending(older_than=datetime.timedelta(0)) == 0
    assert [m.to for m in mail.outbox] == [[receiver.email]]


def test_other_transfers_mail_no_one(giver):
    """Tutor credits, exchanges and reversals are told elsewhere (or not at all): no gift mail for them."""
    assert transfer_mails_send_pending(older_than=datetime.timedelta(0)) == 0  # the fixture's grant() too
    assert mail.outbox == []
