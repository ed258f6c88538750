"""Exchanges: the member who helped asks, the member helped confirms (then the hours move), declines,
or lets it expire; the asker may withdraw. Every refusal writes nothing."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from tests.factories import UserFactory
from tests.threads import at_once
from timebank.errors import TransferError
from timebank.models import Account, ExchangeRequest, Transfer
from timebank.notifications import exchange_mails_send_pending, exchange_request_mail
from timebank.services import (
    account_for,
    exchange_cancel,
    exchange_confirm,
    exchange_decline,
    exchange_expire_due,
    exchange_request_create,
    offer_create,
)
from timebank.tasks import send_exchange_mail
from timebank.views.refusals import refusal_field, refusal_status

from .conftest import balances, grant, refused

pytestmark = pytest.mark.django_db

Status = ExchangeRequest.Status


@pytest.fixture
def helper(db):
    """The member who helped: asks to be paid."""
    return UserFactory(username="Giulia")


@pytest.fixture
def helped(db):
    """The member who was helped: asked to pay."""
    return UserFactory(username="Ayşe", language="tr", timezone="Europe/Istanbul")


def ask(helper, helped, minutes=120, memo="Translated the week 5 reading", **fields) -> ExchangeRequest:
    return exchange_request_create(creditor_member=helper, debtor_member=helped, minutes=minutes, memo=memo, **fields)


def expire(request: ExchangeRequest) -> None:
    """As if the request's fourteen days had passed."""
    ExchangeRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))


# --- Asking ---------------------------------------------------------------------------------------


def test_asking_records_a_pending_request_for_fourteen_days_and_pays_nothing(helper, helped):
    request = ask(helper, helped, memo="  Translated the week 5 reading ")

    request.refresh_from_db()
    assert (request.creditor.member, request.debtor.member, request.minutes) == (helper, helped, 120)
    assert (request.memo, request.status, request.transfer) == ("Translated the week 5 reading", "pending", None)
    assert request.expires_at - request.created_at == datetime.timedelta(days=14)
    assert Transfer.objects.count() == 0
    assert balances(account_for(helper), account_for(helped)) == [0, 0]


def test_the_member_asked_to_pay_is_mailed_in_their_language_with_a_link_to_their_account(
    helper, helped, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(helper, helped, minutes=150)

    (message,) = mail.outbox
    assert message.to == [helped.email]
    assert message.subject == "Giulia sizden 2 sa 30 dk onaylamanızı istiyor"
    assert "Translated the week 5 reading" in message.body
    assert "Siz onaylayana kadar hiçbir ödeme yapılmaz." in message.body
    with translation.override("tr"):
        assert settings.SITE_URL + reverse("timebank:account") in message.body
    assert "(Europe/Istanbul)" in message.body


def test_the_link_in_a_mail_is_on_the_sites_address(helper, helped, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://hours.example.org/"

    with django_capture_on_commit_callbacks(execute=True):
        ask(helper, helped)

    (message,) = mail.outbox
    assert "https://hours.example.org/tr/timebank/\n" in message.body


def test_a_request_is_made_even_when_its_mail_cannot_be_enqueued_and_the_sweep_sends_it_later(
    helper, helped, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(**kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(send_exchange_mail, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            request = ask(helper, helped)

    assert ExchangeRequest.objects.get(pk=request.pk).notified_at is None
    assert mail.outbox == []
    assert exchange_mails_send_pending(older_than=datetime.timedelta(0)) == 1
    assert [m.to for m in mail.outbox] == [[helped.email]]


def test_a_request_made_for_an_offer_is_linked_to_it_and_named_after_it_without_a_memo(helper, helped):
    offer = offer_create(author=helper, kind="offer", category="translation", title="EN–TR translation", language="en")

    request = ask(helper, helped, memo="", offer=offer)

    assert (request.offer, request.memo) == (offer, "EN–TR translation")


@pytest.mark.parametrize("minutes", [0, -60, 1.5, 90.0, "90", True, None, 10**9], ids=repr)
def test_an_amount_that_is_not_a_positive_whole_number_of_minutes_is_refused(helper, helped, minutes):
    error = refused(lambda: ask(helper, helped, minutes=minutes))

    assert (error.code, refusal_status(error), refusal_field(error)) == ("bad_amount", 400, None)
    assert error.message == "Give a whole number of minutes from 1 to 1000000."


def test_asking_oneself_is_refused(helper):
    error = refused(lambda: ask(helper, helper))

    assert (error.code, refusal_status(error), error.message) == (
        "self_payment",
        400,
        "You cannot ask yourself for hours.",
    )


@pytest.mark.parametrize(
    ("memo", "code", "message"),
    [
        ("  ", "no_memo", "Say what the hours were for."),
        ("x" * 501, "long_memo", "Keep this to 500 characters (it has 501)."),
    ],
    ids=["empty", "too long"],
)
def test_a_request_must_say_briefly_what_it_is_for(helper, helped, memo, code, message):
    error = refused(lambda: ask(helper, helped, memo=memo))

    assert (error.code, refusal_status(error), refusal_field(error), error.message) == (code, 400, "memo", message)


def test_an_offer_of_a_third_member_is_refused(helper, helped):
    offer = offer_create(author=UserFactory(), kind="offer", category="other", title="Someone else's", language="en")

    error = refused(lambda: ask(helper, helped, offer=offer))

    assert (error.code, refusal_status(error), refusal_field(error)) == ("bad_offer", 400, "offer")


@pytest.mark.parametrize("closed", ["helper", "helped"])
def test_no_request_to_or_from_a_closed_account(helper, helped, closed):
    member = {"helper": helper, "helped": helped}[closed]
    Account.objects.filter(pk=account_for(member).pk).update(closed=True)

    error = refused(lambda: ask(helper, helped))

    assert (error.code, refusal_status(error)) == ("account_closed", 409)
    expected = "Your account is closed." if closed == "helper" else "The account of Ayşe is closed."
    assert error.message == expected


def test_more_than_the_member_asked_could_pay_today_is_refused_without_telling_their_balance(helper, helped):
    grant(account_for(helped), 45)  # may go down to -10 h: can pay 10 h 45 min at most

    assert ask(helper, helped, minutes=645).minutes == 645
    error = refused(lambda: ask(helper, helped, minutes=646))

    assert (error.code, refusal_status(error)) == ("below_minimum", 409)
    assert error.message == (
        "Ayşe cannot pay 10 h 46 min now: it would take their account below its limit. "
        "Ask for less, or ask again later."
    )


def test_more_than_the_asker_may_hold_is_refused(helper, helped):
    Account.objects.filter(pk=account_for(helper).pk).update(max_balance=60)

    error = refused(lambda: ask(helper, helped, minutes=61))

    assert (error.code, refusal_status(error)) == ("above_maximum", 409)
    assert error.message == "You cannot receive that much: your account has 0 min and may hold at most 1 h."


def test_one_member_may_have_only_so_many_requests_waiting(helper, helped, settings):
    settings.TIMEBANK_MAX_PENDING_REQUESTS = 2
    ask(helper, helped)
    ask(helper, UserFactory())

    error = refused(lambda: ask(helper, helped))

    assert (error.code, refusal_status(error)) == ("too_many_pending", 429)


def test_a_stale_form_resubmitted_is_the_same_request_and_mails_once(
    helper, helped, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = ask(helper, helped, form_token="form-1")
        again = ask(helper, helped, form_token="form-1")

    assert again == first
    assert ExchangeRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_same_form_token_for_a_different_request_is_refused(helper, helped):
    ask(helper, helped, form_token="form-1")

    error = refused(lambda: ask(helper, helped, minutes=60, form_token="form-1"))

    assert (error.code, refusal_status(error)) == ("key_reused", 409)


def test_two_members_may_use_the_same_form_token(helper, helped):
    ask(helper, helped, form_token="form-1")
    ask(helped, helper, form_token="form-1")

    assert ExchangeRequest.objects.count() == 2


# --- Confirming -------------------------------------------------------------------------------------


def test_confirming_pays_the_hours_once_and_records_who_and_what(helper, helped):
    request = ask(helper, helped)

    transfer = exchange_confirm(request=request, by=helped)

    transfer.refresh_from_db()
    request.refresh_from_db()
    assert (transfer.payer.member, transfer.payee.member, transfer.minutes, transfer.kind) == (
        helped,
        helper,
        120,
        "exchange",
    )
    assert (transfer.memo, transfer.reference, transfer.recorded_by) == (
        "Translated the week 5 reading",
        f"timebank.exchangerequest:{request.pk}",
        helped,
    )
    assert (request.status, request.transfer, request.decided_at is not None) == ("confirmed", transfer, True)
    assert balances(account_for(helped), account_for(helper)) == [-120, 120]


def test_the_asker_is_mailed_when_it_is_confirmed(helper, helped, django_capture_on_commit_callbacks):
    request = ask(helper, helped)

    with django_capture_on_commit_callbacks(execute=True):
        exchange_confirm(request=request, by=helped)

    (message,) = mail.outbox
    assert (message.to, message.subject) == ([helper.email], "Ayşe confirmed 2 h")
    assert "Ayşe confirmed your request and paid you 2 h for: Translated the week 5 reading" in message.body


def test_the_asker_is_mailed_the_outcome_in_their_own_language(helped, django_capture_on_commit_callbacks):
    helper = UserFactory(username="Giulia-tr", language="tr")
    request = ask(helper, helped)

    with django_capture_on_commit_callbacks(execute=True):
        exchange_decline(request=request, by=helped, reason="Bir saat demiştik")

    (message,) = mail.outbox
    assert (message.to, message.subject) == ([helper.email], "Ayşe 2 sa talebinizi reddetti")
    assert "/tr/timebank/" in message.body


def test_confirming_twice_gives_the_same_transfer_and_pays_nothing_more(helper, helped):
    request = ask(helper, helped)
    first = exchange_confirm(request=request, by=helped)

    again = exchange_confirm(request=request, by=helped)

    assert again == first
    assert Transfer.objects.count() == 1
    assert balances(account_for(helped), account_for(helper)) == [-120, 120]


@pytest.mark.parametrize("who", ["the asker", "a third member"])
def test_only_the_member_asked_to_pay_can_confirm(helper, helped, who):
    request = ask(helper, helped)
    by = helper if who == "the asker" else UserFactory()

    error = refused(lambda: exchange_confirm(request=request, by=by))

    assert (error.code, refusal_status(error)) == ("forbidden", 403)
    assert error.message == "Only the member asked to pay can answer this request."


def test_a_confirmation_the_payer_can_no_longer_afford_is_refused_and_the_request_stays(helper, helped):
    request = ask(helper, helped, minutes=600)
    # Meanwhile Ayşe paid someone else: she can no longer go 10 h below zero for this.
    exchange_confirm(request=ask(UserFactory(), helped, minutes=60), by=helped)

    error = refused(lambda: exchange_confirm(request=request, by=helped))

    assert (error.code, refusal_status(error)) == ("below_minimum", 409)
    assert ExchangeRequest.objects.get(pk=request.pk).status == "pending"


def test_a_confirmation_to_an_account_closed_since_is_refused(helper, helped):
    request = ask(helper, helped)
    Account.objects.filter(pk=account_for(helper).pk).update(closed=True)

    error = refused(lambda: exchange_confirm(request=request, by=helped))

    assert (error.code, refusal_status(error)) == ("account_closed", 409)


def test_an_expired_request_cannot_be_confirmed_and_is_marked_expired(helper, helped):
    request = ask(helper, helped)
    expire(request)

    with pytest.raises(TransferError) as refusal:
        exchange_confirm(request=request, by=helped)

    assert (refusal.value.code, refusal_status(refusal.value)) == ("already_expired", 409)
    assert refusal.value.message == "This request expired unconfirmed after 14 days; the member can ask again."
    assert ExchangeRequest.objects.get(pk=request.pk).status == "expired"
    assert Transfer.objects.count() == 0
    assert balances(account_for(helped), account_for(helper)) == [0, 0]


# --- Declining and withdrawing ------------------------------------------------------------------------


def test_declining_pays_nothing_and_the_asker_reads_why(helper, helped, django_capture_on_commit_callbacks):
    request = ask(helper, helped)

    with django_capture_on_commit_callbacks(execute=True):
        exchange_decline(request=request, by=helped, reason=" We agreed on one hour ")

    request.refresh_from_db()
    assert (request.status, request.decline_reason, request.transfer) == ("declined", "We agreed on one hour", None)
    assert Transfer.objects.count() == 0
    (message,) = mail.outbox
    assert (message.to, message.subject) == ([helper.email], "Ayşe declined your request for 2 h")
    assert "Their reason: We agreed on one hour" in message.body


def test_a_confirmed_request_cannot_be_declined(helper, helped):
    request = ask(helper, helped)
    exchange_confirm(request=request, by=helped)

    error = refused(lambda: exchange_decline(request=request, by=helped))

    assert (error.code, refusal_status(error)) == ("already_confirmed", 409)
    assert error.message == ("This request is already confirmed; if that was a mistake, a coordinator can reverse it.")


def test_a_declined_request_cannot_be_confirmed(helper, helped):
    request = ask(helper, helped)
    exchange_decline(request=request, by=helped)

    error = refused(lambda: exchange_confirm(request=request, by=helped))

    assert (error.code, refusal_status(error), error.message) == ("already_declined", 409, "This request was declined.")


def test_only_the_member_asked_to_pay_can_decline(helper, helped):
    request = ask(helper, helped)

    assert refusal_status(refused(lambda: exchange_decline(request=request, by=helper))) == 403


def test_a_reason_for_declining_is_kept_short(helper, helped):
    request = ask(helper, helped)

    error = refused(lambda: exchange_decline(request=request, by=helped, reason="x" * 501))

    assert (error.code, refusal_status(error), refusal_field(error)) == ("long_reason", 400, "reason")


def test_the_asker_withdraws_and_then_it_cannot_be_confirmed(helper, helped, django_capture_on_commit_callbacks):
    request = ask(helper, helped)

    with django_capture_on_commit_callbacks(execute=True):
        exchange_cancel(request=request, by=helper)

    assert ExchangeRequest.objects.get(pk=request.pk).status == "cancelled"
    assert mail.outbox == []  # the asker knows; the other was not yet mailed, and need not be now
    error = refused(lambda: exchange_confirm(request=request, by=helped))
    assert (error.code, error.message) == ("already_cancelled", "This request was withdrawn by the member who made it.")


def test_only_the_asker_can_withdraw(helper, helped):
    request = ask(helper, helped)

    error = refused(lambda: exchange_cancel(request=request, by=helped))

    assert (refusal_status(error), error.message) == (403, "Only the member who made this request can withdraw it.")


def test_refusals_are_in_the_members_language(helper, helped):
    request = ask(helper, helped)
    exchange_decline(request=request, by=helped)

    with translation.override("tr"):
        assert refused(lambda: exchange_confirm(request=request, by=helped)).message == "Bu talep reddedildi."


# --- Expiry -----------------------------------------------------------------------------------------


def test_requests_left_unanswered_for_fourteen_days_expire_once(helper, helped, django_capture_on_commit_callbacks):
    waiting = ask(helper, helped)
    confirmed = ask(helper, helped, minutes=60)
    exchange_confirm(request=confirmed, by=helped)
    later = waiting.expires_at

    assert exchange_expire_due(now=later - datetime.timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert exchange_expire_due(now=later) == 1
    assert exchange_expire_due(now=later) == 0

    assert dict(ExchangeRequest.objects.values_list("pk", "status")) == {
        waiting.pk: "expired",
        confirmed.pk: "confirmed",
    }
    (message,) = [m for m in mail.outbox if "expired" in m.subject]
    assert (message.to, message.subject) == ([helper.email], "Your request to Ayşe for 2 h expired")


def test_the_hourly_task_expires_what_is_due(helper, helped):
    from timebank.tasks import expire_exchange_requests

    request = ask(helper, helped)
    expire(request)

    expire_exchange_requests.delay()

    assert ExchangeRequest.objects.get(pk=request.pk).status == "expired"


# --- Mail outbox ----------------------------------------------------------------------------------------


def test_a_mail_is_sent_once_however_often_its_task_runs(helper, helped):
    request = ask(helper, helped)

    assert exchange_request_mail(request_id=request.pk) == 1
    assert exchange_request_mail(request_id=request.pk) == 0
    assert len(mail.outbox) == 1


def test_mails_a_broker_outage_kept_back_are_sent_by_the_sweep(helper, helped):
    # No on-commit callbacks run here, as if the broker had been down when the requests were made.
    ask(helper, helped)
    decided = ask(helper, helped, minutes=60)
    exchange_decline(request=decided, by=helped)

    assert exchange_mails_send_pending(older_than=datetime.timedelta(0)) == 2
    assert exchange_mails_send_pending(older_than=datetime.timedelta(0)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [helped.email, helper.email]


def test_a_member_without_an_email_address_is_not_mailed(helper, helped):
    type(helped).objects.filter(pk=helped.pk).update(email="")
    request = ask(helper, helped)

    assert exchange_request_mail(request_id=request.pk) == 0
    assert ExchangeRequest.objects.get(pk=request.pk).notified_at is not None


# --- At once ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_confirmations_of_the_same_request_at_once_pay_once(helper, helped):
    request = ask(helper, helped)

    results = at_once(lambda _: exchange_confirm(request=request, by=helped), range(10))

    assert [r for r in results if not isinstance(r, Transfer)] == []
    assert {r.pk for r in results} == {Transfer.objects.get().pk}
    assert balances(account_for(helped), account_for(helper)) == [-120, 120]
    assert ExchangeRequest.objects.get(pk=request.pk).status == "confirmed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_confirming_declining_and_withdrawing_at_once_settle_on_one_outcome(helper, helped):
    request = ask(helper, helped)
    answers = [
        lambda: exchange_confirm(request=request, by=helped),
        lambda: exchange_decline(request=request, by=helped),
        lambda: exchange_cancel(request=request, by=helper),
        lambda: exchange_expire_due(now=request.expires_at),
    ] * 3

    results = at_once(lambda answer: answer(), answers)

    assert [r for r in results if not isinstance(r, Transfer | ExchangeRequest | int | TransferError)] == []
    outcome = ExchangeRequest.objects.get(pk=request.pk)
    refusals = {r.code for r in results if isinstance(r, TransferError)}
    assert refusals <= {f"already_{outcome.status}"}
    assert Transfer.objects.count() == (1 if outcome.status == "confirmed" else 0)
    assert sum(balances(account_for(helped), account_for(helper))) == 0


def test_the_deadline_in_a_mail_is_the_same_moment_in_english_and_in_turkish(helper, helped):
    """Thursday 7 January 2027, 07:58 in Istanbul, written to an English and a Turkish member there."""
    english = UserFactory(username="Grace", language="en", timezone="Europe/Istanbul")
    deadline = datetime.datetime(2027, 1, 7, 4, 58, tzinfo=datetime.UTC)
    for debtor in (helped, english):
        request = ask(helper, debtor)
        ExchangeRequest.objects.filter(pk=request.pk).update(expires_at=deadline)
        exchange_request_mail(request_id=request.pk)

    sent = {message.to[0]: message.body for message in mail.outbox}
    assert "by Thu 7 Jan 2027, 07:58 (Europe/Istanbul)" in sent[english.email]
    assert "7 Oca 2027 Prş, 07:58 (Europe/Istanbul)" in sent[helped.email]
