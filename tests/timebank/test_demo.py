"""The timebank's part of load_demo: a history the demo users can look at, loaded once."""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from timebank.models import Account, ExchangeRequest, Offer, Transfer

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "accounts": list(Account.objects.order_by("pk").values()),
        "transfers": list(Transfer.objects.order_by("pk").values()),
        "requests": list(ExchangeRequest.objects.order_by("pk").values()),
        "offers": list(Offer.objects.order_by("pk").values()),
    }


def audit() -> str:
    out = io.StringIO()
    call_command("timebank_audit", stdout=out)
    return out.getvalue()


def test_a_second_run_changes_nothing_and_the_ledger_is_sound(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    first = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())

    assert snapshot() == first
    assert audit() == "ok\n"
    # Only the request still waiting is news: the steward is told of it, once.
    assert [(m.to, m.subject) for m in mail.outbox if "/timebank/" in m.body] == [
        (["steward@example.org"], "Giulia (tutor) sizden 1 sa onaylamanızı istiyor")
    ]


def test_each_demo_user_has_an_account_with_a_history(demo):
    balances = dict(Account.objects.filter(member__isnull=False).values_list("member__username", "balance"))
    kinds = set(Transfer.objects.values_list("kind", flat=True))

    assert balances == {"coordinator": 0, "tutor": 180, "steward": 90, "researcher": 120}
    assert {"tutoring", "exchange", "gift"} <= kinds
    # The history lies in the past, in the order it was written.
    dates = list(Transfer.objects.order_by("pk").values_list("created_at", flat=True))
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)


def test_the_steward_has_a_request_to_confirm_from_the_tutor(demo):
    (waiting,) = ExchangeRequest.objects.filter(status="pending")

    assert (waiting.creditor.member.username, waiting.debtor.member.username, waiting.minutes) == (
        "tutor",
        "steward",
        60,
    )
    assert waiting.expires_at > waiting.created_at
    assert ExchangeRequest.objects.filter(status="confirmed").count() == 2


def test_the_board_has_offers_and_requests_in_english_and_turkish_across_categories(demo):
    offers = Offer.objects.all()

    assert 5 <= offers.count() <= 8
    assert set(offers.values_list("language", flat=True)) == {"en", "tr"}
    assert set(offers.values_list("kind", flat=True)) == {"offer", "request"}
    assert offers.values("category").distinct().count() >= 5
    assert offers.filter(status="closed").exists()
