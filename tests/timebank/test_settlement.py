"""Tutor credits: ``timebank.services.tutoring_award``, the hook a host names in seminars'
SEMINARS_SETTLEMENT_HOOKS. timebank knows no seminars: the hook takes any session with a ``pk``, a
``title``, a ``duration_minutes`` and ``tutors`` (``.all()``), as seminars' Webinar has them.

Seminars calling it through the setting is tried in the NLU host (tests/nlu/test_timebank_in_host.py).
"""

import logging
from dataclasses import dataclass

import pytest

from tests.factories import UserFactory
from timebank.models import Account, Transfer
from timebank.services import account_for, commons_account, tutoring_award

pytestmark = pytest.mark.django_db


class Tutors:
    def __init__(self, members):
        self.members = list(members)

    def all(self):
        return self.members


@dataclass
class Session:
    """What seminars hands the hook: a session that has ended."""

    pk: int
    tutors: Tutors
    title: str = "Organising platform workers"
    duration_minutes: int = 90


def credits(session: Session) -> list[tuple]:
    awards = Transfer.objects.filter(reference=f"seminars.webinar:{session.pk}").order_by("payee__member_id")
    return [(t.payer.system_name, t.payee.member, t.minutes, t.kind, t.memo) for t in awards]


def test_each_tutor_earns_the_sessions_length_from_the_commons_once_however_often_the_hook_runs():
    tutors = UserFactory.create_batch(2)
    session = Session(pk=42, tutors=Tutors(tutors))

    first = tutoring_award(webinar=session)
    again = tutoring_award(webinar=session)

    expected = [("commons", tutor, 90, "tutoring", "Organising platform workers") for tutor in tutors]
    assert credits(session) == expected
    assert [t.pk for t in again] == [t.pk for t in first]
    assert [account_for(tutor).balance for tutor in tutors] == [90, 90]
    assert commons_account().balance == -180
    assert Transfer.objects.count() == 2


def test_another_session_of_the_same_tutor_is_paid_too():
    tutor = UserFactory()

    tutoring_award(webinar=Session(pk=1, tutors=Tutors([tutor])))
    tutoring_award(webinar=Session(pk=2, tutors=Tutors([tutor]), duration_minutes=60))

    assert account_for(tutor).balance == 150


def test_a_tutor_whose_account_refuses_the_credit_is_skipped_and_the_others_are_paid(caplog):
    full, other = UserFactory.create_batch(2)
    Account.objects.filter(pk=account_for(full).pk).update(max_balance=60)
    session = Session(pk=7, tutors=Tutors([full, other]))

    with caplog.at_level(logging.WARNING, logger="timebank.services"):
        tutoring_award(webinar=session)

    assert credits(session) == [("commons", other, 90, "tutoring", "Organising platform workers")]
    assert f"No tutoring credit for user {full.pk} from webinar 7: above_maximum" in caplog.text


def test_the_hook_is_importable_by_the_name_hosts_give_it():
    from django.utils.module_loading import import_string

    assert import_string("timebank.services.tutoring_award") is tutoring_award
