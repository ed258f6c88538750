"""The timebank's part of the host's load_demo (timebank.demo, the ``load_demo`` hook): a history the
demo users can look at, loaded once.

The host makes the demo users before it runs the hook; here they are made as the hook finds them (by
username). The whole NLU demo is tried in tests/nlu/test_timebank_in_host.py.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from tests.factories import UserFactory
from timebank import demo as timebank_demo
from timebank import services
from timebank.models import Account, ExchangeRequest, Offer, Transfer

from .conftest import wrong_balances_after

pytestmark = pytest.mark.django_db

# The demo users the hook needs, as the host makes them: the steward reads Turkish.
DEMO_MEMBERS = {"coordinator": {}, "tutor": {}, "steward": {"language": "tr"}, "researcher": {}}


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


def load(scale: int = 0) -> str:
    """The hook, as the host's load_demo runs it; what it reported."""
    out = io.StringIO()
    timebank_demo.load_demo(scale=scale, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_members(db) -> dict:
    return {username: UserFactory(username=username, **choices) for username, choices in DEMO_MEMBERS.items()}


@pytest.fixture
def demo_history(demo_members):
    """The demo users with the timebank's demo history."""
    load()
    return demo_members


def test_a_second_run_changes_nothing_and_the_ledger_is_sound(demo_members, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert load().startswith("Timebank: tutor credits, exchanges")
    first = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        load()

    assert snapshot() == first
    assert audit() == "ok\n"
    # Only the request still waiting is news: the steward is told of it, once, in Turkish.
    assert [(m.to, m.subject) for m in mail.outbox if "/timebank/" in m.body] == [
        (["steward@example.org"], "tutor sizden 1 sa onaylamanızı istiyor")
    ]


def test_without_the_demo_users_the_hook_loads_nothing_and_says_so(db):
    UserFactory(username="tutor")

    assert load() == "Timebank: the demo users are missing; nothing loaded."
    assert snapshot() == {"accounts": [], "transfers": [], "requests": [], "offers": []}


def test_each_demo_user_has_an_account_with_a_history(demo_history):
    balances = dict(Account.objects.filter(member__isnull=False).values_list("member__username", "balance"))
    kinds = set(Transfer.objects.values_list("kind", flat=True))

    assert balances == {"coordinator": 0, "tutor": 180, "steward": 90, "researcher": 120}
    assert {"tutoring", "exchange", "gift"} <= kinds
    # The history lies in the past, in the order it was written.
    dates = list(Transfer.objects.order_by("pk").values_list("created_at", flat=True))
    assert dates == sorted(dates)
    assert len(set(dates)) == len(dates)


def test_the_steward_has_a_request_to_confirm_from_the_tutor(demo_history):
    (waiting,) = ExchangeRequest.objects.filter(status="pending")

    assert (waiting.creditor.member.username, waiting.debtor.member.username, waiting.minutes) == (
        "tutor",
        "steward",
        60,
    )
    assert waiting.expires_at > waiting.created_at
    assert ExchangeRequest.objects.filter(status="confirmed").count() == 2


def test_the_board_has_offers_and_requests_in_english_and_turkish_across_categories(demo_history):
    offers = Offer.objects.all()

    assert 5 <= offers.count() <= 8
    assert set(offers.values_list("language", flat=True)) == {"en", "tr"}
    assert set(offers.values_list("kind", flat=True)) == {"offer", "request"}
    assert offers.values("category").distinct().count() >= 5
    assert offers.filter(status="closed").exists()


# --- load_demo --scale N: the timebank's hook alone, given members named as the host names them ---


def add_scaled_members(count: int) -> None:
    """The members the host's ``load_demo --scale`` adds, by the names the timebank finds them by."""
    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"member{n:06d}", email=f"member{n:06d}@example.org") for n in range(count)]
    )


def load_scaled(scale: int) -> None:
    load(scale)


def scaled_history() -> dict:
    """The scaled transfers, offers and balances by natural keys (no ids, no creation times)."""
    return {
        "transfers": sorted(
            Transfer.objects.filter(idempotency_key__startswith="demo-scale:").values_list(
                "idempotency_key",
                "payer__member__username",
                "payer__system_name",
                "payee__member__username",
                "minutes",
                "kind",
                "memo",
            ),
            key=repr,  # the commons has no member: None does not compare with str
        ),
        "offers": sorted(
            Offer.objects.filter(author__username__startswith="member").values_list(
                "author__username", "kind", "category", "language", "title", "description", "status"
            )
        ),
        "balances": sorted(
            Account.objects.filter(member__username__startswith="member").values_list("member__username", "balance")
        ),
    }


def test_each_unit_of_scale_adds_2000_transfers_and_100_posts_by_the_scaled_members(demo_history):
    add_scaled_members(1000)

    load_scaled(1)

    history = scaled_history()
    assert len(history["transfers"]) == 2000
    grants = [row for row in history["transfers"] if row[2] == "commons"]
    assert len(grants) == 200 and {row[5] for row in grants} == {"grant"}
    assert {row[5] for row in history["transfers"]} == {"grant", "exchange", "gift"}
    assert len(history["offers"]) == 100
    assert {row[1] for row in history["offers"]} == {"offer", "request"}
    assert {row[3] for row in history["offers"]} == {"en", "tr"}
    assert len({row[2] for row in history["offers"]}) >= 5
    assert {row[6] for row in history["offers"]} == {"active"}
    assert audit() == "ok\n"


def test_the_same_scale_builds_the_same_history_and_a_larger_one_only_adds(demo_history):
    add_scaled_members(2000)

    class Discard(Exception):
        pass

    with pytest.raises(Discard), transaction.atomic():
        load_scaled(1)
        first_build = scaled_history()
        raise Discard
    load_scaled(1)
    assert scaled_history() == first_build

    load_scaled(2)

    history = scaled_history()
    in_block_0 = [row for row in history["transfers"] if row[0].startswith("demo-scale:0:")]
    assert in_block_0 == first_build["transfers"]
    assert len(history["transfers"]) == 4000
    assert [row for row in history["offers"] if row[0] < "member001000"] == first_build["offers"]
    assert len(history["offers"]) == 200
    assert audit() == "ok\n"


def test_a_second_scaled_run_adds_nothing(demo_history):
    add_scaled_members(1000)
    load_scaled(1)
    first = snapshot()

    load_scaled(1)

    assert snapshot() == first
    assert audit() == "ok\n"


def test_without_the_scaled_members_nothing_scaled_is_added(demo_history):
    before = snapshot()

    load_scaled(1)

    assert snapshot() == before


def test_scaled_transfers_of_members_who_already_had_hours_store_the_right_balances_after(demo_history):
    add_scaled_members(1000)
    commons = services.commons_account()
    early = [services.account_for(user) for user in get_user_model().objects.filter(username__regex=r"^member0000")]
    for n, account in enumerate(early):  # 100 members with hours before the scaled history
        services.transfer_create(payer=commons, payee=account, minutes=60, kind="grant", idempotency_key=f"early-{n}")

    load_scaled(1)

    assert wrong_balances_after() == []
    assert audit() == "ok\n"
