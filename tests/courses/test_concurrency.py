"""Many members clicking at once: the module's lock keeps a cohort from over-filling.

``serialized_rollback`` restores Wagtail's root page and locales after the transactional flush.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from courses.models import Enrolment
from courses.selectors import waitlist_position
from courses.services import EnrolmentError, enrolment_create, enrolment_withdraw
from tests.factories import UserFactory
from tests.threads import at_once

from .conftest import page_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

Status = Enrolment.Status


def waitlist(module) -> list[Enrolment]:
    return list(module.enrolments.filter(status=Status.WAITLISTED).order_by("waitlist_number"))


def test_fifty_enrol_at_once_in_twenty_places_then_five_withdraw(make_module):
    module = make_module(capacity=20)
    members = UserFactory.create_batch(50)
    mail.outbox.clear()  # the demo's own enrolment

    results = at_once(lambda member: enrolment_create(module=module, member=member), members)

    assert [r for r in results if not isinstance(r, Enrolment)] == []
    assert module.enrolments.filter(status=Status.ACTIVE).count() == 20
    waiting = waitlist(module)
    assert [waitlist_position(e) for e in waiting] == list(range(1, 31))
    # Each member was mailed once, and each waitlist mail names a different position.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    positions = [int(re.search(r"at position (\d+)\.", m.body)[1]) for m in mail.outbox if "waitlist" in m.subject]
    assert sorted(positions) == list(range(1, 31))

    leaving = [e.member for e in module.enrolments.filter(status=Status.ACTIVE)[:5]]
    results = at_once(lambda member: enrolment_withdraw(module=module, member=member), leaving)

    assert [r for r in results if not isinstance(r, Enrolment)] == []
    assert module.enrolments.filter(status=Status.ACTIVE).count() == 20
    assert module.enrolments.filter(status=Status.WITHDRAWN).count() == 5
    promoted = Enrolment.objects.filter(pk__in=[e.pk for e in waiting[:5]])
    assert {e.status for e in promoted} == {Status.ACTIVE}
    still_waiting = waitlist(module)
    assert [e.pk for e in still_waiting] == [e.pk for e in waiting[5:]]
    assert [waitlist_position(e) for e in still_waiting] == list(range(1, 26))


def test_one_member_clicking_enrol_five_times_at_once(make_module):
    module = make_module(capacity=20)
    member = UserFactory()
    clients = [Client() for _ in range(5)]
    for client in clients:
        client.force_login(member)
    url = page_url(module, suffix="enrol/")

    responses = at_once(lambda client: client.post(url), clients)

    assert sorted(r.status_code for r in responses) == [302, 409, 409, 409, 409]
    for refusal in (r for r in responses if r.status_code == 409):
        assert "You are already enrolled in this module." in refusal.content.decode()
    assert Enrolment.objects.filter(module=module, member=member).count() == 1


def test_same_member_through_the_service_gets_already_enrolled(make_module):
    module = make_module()
    member = UserFactory()

    results = at_once(lambda _: enrolment_create(module=module, member=member), range(5))

    assert sorted(getattr(r, "code", "created") for r in results) == ["already_enrolled"] * 4 + ["created"]
    assert all(isinstance(r, Enrolment | EnrolmentError) for r in results)
    assert Enrolment.objects.filter(module=module, member=member, status__in=Enrolment.LIVE).count() == 1
