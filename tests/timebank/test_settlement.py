"""Tutor credits from the seminars settlement (the hook named in SEMINARS_SETTLEMENT_HOOKS).

The timebank app imports no other app; its tests may, to show the two work together.
"""

import datetime
import logging

import pytest
from django.utils import timezone

from seminars.models import Webinar
from seminars.services import webinar_end, webinar_settle
from tests.factories import UserFactory
from timebank.models import Account, Transfer
from timebank.services import account_for, commons_account, tutoring_award

pytestmark = pytest.mark.django_db


def webinar_with(tutors, status=Webinar.Status.ENDED) -> Webinar:
    webinar = Webinar.objects.create(
        title="Organising platform workers",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        timezone="Europe/Istanbul",
        duration_minutes=90,
        status=status,
        ended_at=timezone.now() if status == Webinar.Status.ENDED else None,
    )
    webinar.tutors.set(tutors)
    return webinar


def credits(webinar: Webinar) -> list[tuple]:
    awards = Transfer.objects.filter(reference=f"seminars.webinar:{webinar.pk}").order_by("payee__member_id")
    return [(t.payer.system_name, t.payee.member, t.minutes, t.kind, t.memo) for t in awards]


def test_settling_an_ended_session_credits_each_tutor_once_from_the_commons(settings):
    assert settings.SEMINARS_SETTLEMENT_HOOKS == ["timebank.services.tutoring_award"]
    tutors = UserFactory.create_batch(2)
    webinar = webinar_with(tutors)

    assert webinar_settle(webinar_id=webinar.pk) is True

    expected = [("commons", tutor, 90, "tutoring", "Organising platform workers") for tutor in tutors]
    assert credits(webinar) == expected
    assert [account_for(tutor).balance for tutor in tutors] == [90, 90]
    assert commons_account().balance == -180

    assert webinar_settle(webinar_id=webinar.pk) is False
    tutoring_award(webinar=webinar)  # the hook itself, reached again however: still once per tutor
    assert credits(webinar) == expected
    assert Transfer.objects.count() == 2
    assert commons_account().balance == -180


def test_a_session_ended_by_bbb_is_settled_once_its_end_is_committed(django_capture_on_commit_callbacks):
    tutor = UserFactory()
    webinar = webinar_with([tutor], status=Webinar.Status.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        webinar_end(webinar=webinar)
        assert credits(webinar) == []  # not before the end is committed

    assert credits(webinar) == [("commons", tutor, 90, "tutoring", "Organising platform workers")]


def test_a_tutor_whose_account_refuses_the_credit_is_skipped_and_the_others_are_paid(caplog):
    full, other = UserFactory.create_batch(2)
    Account.objects.filter(pk=account_for(full).pk).update(max_balance=60)
    webinar = webinar_with([full, other])

    with caplog.at_level(logging.WARNING, logger="timebank.services"):
        webinar_settle(webinar_id=webinar.pk)

    assert credits(webinar) == [("commons", other, 90, "tutoring", "Organising platform workers")]
    assert f"No tutoring credit for user {full.pk} from webinar {webinar.pk}: above_maximum" in caplog.text
