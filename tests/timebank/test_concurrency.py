"""Many transfers at once, in threads against the real database (SQLite or PostgreSQL).

``serialized_rollback`` restores Wagtail's root page and locales after the transactional flush.
"""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models import Q

from tests.factories import UserFactory
from tests.threads import at_once
from timebank.errors import TransferError
from timebank.models import Account, Transfer
from timebank.services import (
    account_for,
    commons_account,
    transfer_create,
    transfer_reverse,
    tutoring_award,
)

from .conftest import balances, coordinator_with, wrong_balances_after

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def audit() -> str:
    out = io.StringIO()
    call_command("timebank_audit", stdout=out)
    return out.getvalue()


def test_forty_transfers_out_of_an_account_that_can_afford_ten():
    # Payees opened before and after the payer: the locks are taken in both orders of the pair.
    early = [account_for(UserFactory()) for _ in range(2)]
    payer = account_for(UserFactory())  # balance 0, minimum -600: ten payments of 60
    payees = early + [account_for(UserFactory()) for _ in range(2)]

    results = at_once(
        lambda i: transfer_create(
            payer=payer, payee=payees[i % 4], minutes=60, kind="exchange", idempotency_key=f"exchange-{i}"
        ),
        range(40),
    )

    paid = [r for r in results if isinstance(r, Transfer)]
    refused = [r for r in results if isinstance(r, TransferError)]
    assert (len(paid), len(refused)) == (10, 30), [r for r in results if not isinstance(r, Transfer | TransferError)]
    assert {r.code for r in refused} == {"below_minimum"}
    assert balances(payer) == [-600]
    assert sum(balances(*payees)) == 600
    assert Transfer.objects.count() == 10
    assert wrong_balances_after() == []
    assert audit() == "ok\n"


def test_twenty_deliveries_of_the_same_session_end_pay_each_tutor_once():
    tutors = UserFactory.create_batch(2)
    # What the seminars app hands the hook, duck-typed: timebank knows no Webinar.
    session = SimpleNamespace(
        pk=42, title="Organising platform workers", duration_minutes=90, tutors=SimpleNamespace(all=lambda: tutors)
    )

    results = at_once(lambda _: tutoring_award(webinar=session), range(20))

    assert [r for r in results if not isinstance(r, list)] == []
    awards = Transfer.objects.order_by("payee__member_id")
    assert [(t.payee.member, t.minutes, t.kind, t.reference) for t in awards] == [
        (tutor, 90, "tutoring", "seminars.webinar:42") for tutor in tutors
    ]
    assert all(sorted(t.pk for t in result) == sorted(t.pk for t in awards) for result in results)
    assert balances(*(Account.objects.get(member=tutor) for tutor in tutors)) == [90, 90]
    assert commons_account().balance == -180
    assert wrong_balances_after() == []
    assert audit() == "ok\n"


def test_one_form_submitted_ten_times_at_once_pays_once():
    payer, payee = account_for(UserFactory()), account_for(UserFactory())

    results = at_once(
        lambda _: transfer_create(payer=payer, payee=payee, minutes=60, kind="gift", idempotency_key="form-1234"),
        range(10),
    )

    assert [r for r in results if not isinstance(r, Transfer)] == []
    assert {r.pk for r in results} == {Transfer.objects.get().pk}
    assert balances(payer, payee) == [-60, 60]
    assert wrong_balances_after() == []
    assert audit() == "ok\n"


def test_balances_after_stay_exact_with_payments_both_ways_and_reversals_at_once():
    coordinator = coordinator_with("reverse_transfer", username="coordinator-at-once")
    commons = commons_account()
    members = [account_for(UserFactory()) for _ in range(4)]
    grants = [
        transfer_create(payer=commons, payee=m, minutes=300, kind="grant", idempotency_key=f"grant-{n}")
        for n, m in enumerate(members)
    ]

    def work(i):
        if i < 4:  # four reversals of the grants, racing the payments that spend them
            return transfer_reverse(transfer=grants[i], reason="Granted twice", recorded_by=coordinator)
        payer, payee = members[i % 4], members[(3 * (i % 4) + 1) % 4] if i % 5 else commons
        return transfer_create(payer=payer, payee=payee, minutes=10 + i, kind="gift", idempotency_key=f"gift-{i}")

    results = at_once(work, range(40))

    assert [r for r in results if not isinstance(r, Transfer | TransferError)] == []
    assert wrong_balances_after() == []
    for account in (commons, *members):
        account.refresh_from_db()
        newest = Transfer.objects.filter(Q(payer=account) | Q(payee=account)).latest("pk")
        stored = newest.payer_balance_after if newest.payer_id == account.pk else newest.payee_balance_after
        assert stored == account.balance
    assert audit() == "ok\n"
