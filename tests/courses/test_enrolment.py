"""Enrolment refusals and edge cases, through HTTP where a member would click."""

import datetime
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.models import Enrolment, EnrolmentEvent
from courses.selectors import waitlist_position
from courses.services import EnrolmentError, enrolment_create, enrolment_promote, enrolment_withdraw
from suite.errors import Refusal
from tests.factories import UserFactory

from .conftest import days_from_today, page_url, unit_url

pytestmark = pytest.mark.django_db

Status = Enrolment.Status


def snapshot():
    """Everything an enrolment request may change."""
    return (
        list(Enrolment.objects.order_by("pk").values_list("pk", "member_id", "status", "waitlist_number")),
        EnrolmentEvent.objects.count(),
    )


def in_turkish(msgid: str) -> str:
    with translation.override("tr"):
        return gettext(msgid)


def test_enrol_when_signed_out_goes_to_login_and_back(client, make_module, member):
    """To the host's sign-in page (settings.LOGIN_URL), which comes back to the module once signed in."""
    module = make_module()
    response = client.post(page_url(module, suffix="enrol/"))
    assert response.status_code == 302
    login = urlparse(response.url)
    with translation.override("en"):
        assert login.path == resolve_url(settings.LOGIN_URL)
    assert parse_qs(login.query)["next"] == [page_url(module)]
    assert not Enrolment.objects.filter(module=module).exists()


def test_a_visitor_is_asked_to_sign_in_to_enrol(client, make_module):
    """A link to the host's sign-in page and back, not the form (a visitor's page has no CSRF token)."""
    module = make_module()
    html = client.get(page_url(module, "tr")).content.decode()
    with translation.override("tr"):
        sign_in = f"{resolve_url(settings.LOGIN_URL)}?next={page_url(module, 'tr')}"
    assert f'<a class="button" href="{sign_in}">{in_turkish("Sign in to enrol")}</a>' in html
    assert "/enrol/" not in html


@pytest.mark.parametrize("language", ["en", "tr"])
def test_enrol_when_closed_is_refused_with_a_translated_message(client, make_module, member, language):
    module = make_module(enrolment_closes=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(member)
    before = snapshot()
    response = client.post(page_url(module, language, "enrol/"))
    assert response.status_code == 403
    with translation.override(language):
        assert gettext("Enrolment for this module has closed.") in response.content.decode()
    assert snapshot() == before


def test_enrol_after_the_start_date_is_refused(member_client, make_module):
    module = make_module(start_date=days_from_today(-1))
    response = member_client.post(page_url(module, suffix="enrol/"))
    assert response.status_code == 403
    assert "Enrolment for this module has closed." in response.content.decode()
    assert not Enrolment.objects.filter(module=module).exists()


def test_enrol_before_enrolment_opens_is_refused(member_client, make_module):
    module = make_module(enrolment_opens=timezone.now() + datetime.timedelta(days=2))
    before = snapshot()
    response = member_client.post(page_url(module, "tr", "enrol/"))
    assert response.status_code == 403
    assert in_turkish("Enrolment for this module has not opened yet.") in response.content.decode()
    assert snapshot() == before


def test_enrol_twice_is_refused_with_409(member_client, make_module, member):
    module = make_module()
    assert member_client.post(page_url(module, suffix="enrol/")).status_code == 302
    before = snapshot()
    response = member_client.post(page_url(module, suffix="enrol/"))
    assert response.status_code == 409
    assert "You are already enrolled in this module." in response.content.decode()
    assert snapshot() == before


def test_enrol_without_the_prerequisite_names_it(member_client, make_module, member):
    first = make_module(title="Organising basics")
    second = make_module(prerequisites=[first])
    before = snapshot()
    response = member_client.post(page_url(second, suffix="enrol/"))
    assert response.status_code == 403
    assert "Organising basics" in response.content.decode()
    assert snapshot() == before


def test_enrol_with_the_prerequisite_completed_succeeds(member_client, make_module, member):
    first = make_module(title="Organising basics")
    Enrolment.objects.create(module=first, member=member, status=Status.COMPLETED)
    second = make_module(prerequisites=[first])
    assert member_client.post(page_url(second, suffix="enrol/")).status_code == 302
    assert Enrolment.objects.get(module=second, member=member).status == Status.ACTIVE


def test_withdraw_twice_is_refused_with_409(member_client, make_module, member):
    module = make_module()
    member_client.post(page_url(module, suffix="enrol/"))
    assert member_client.post(page_url(module, suffix="withdraw/")).status_code == 302
    assert Enrolment.objects.get(member=member).status == Status.WITHDRAWN
    before = snapshot()
    response = member_client.post(page_url(module, "tr", "withdraw/"))
    assert response.status_code == 409
    assert in_turkish("You are not enrolled in this module.") in response.content.decode()
    assert snapshot() == before


def test_enrol_again_after_withdrawing(member_client, make_module, member):
    module = make_module()
    member_client.post(page_url(module, suffix="enrol/"))
    member_client.post(page_url(module, suffix="withdraw/"))
    assert member_client.post(page_url(module, suffix="enrol/")).status_code == 302
    statuses = Enrolment.objects.filter(member=member).order_by("pk").values_list("status", flat=True)
    assert list(statuses) == [Status.WITHDRAWN, Status.ACTIVE]


@pytest.mark.parametrize("action", ["enrol/", "withdraw/", "week/1/done/"])
def test_get_on_an_action_is_405(member_client, make_module, action):
    module = make_module()
    before = snapshot()
    assert member_client.get(page_url(module, suffix=action)).status_code == 405
    assert snapshot() == before


def test_capacity_lowered_below_the_active_count_removes_no_one(member_client, make_module, member):
    module = make_module(capacity=3)
    holders = UserFactory.create_batch(3)
    for holder in holders:
        enrolment_create(module=module, member=holder)
    module.capacity = 1
    module.save_revision().publish()
    assert enrolment_promote(module=module) == []
    assert Enrolment.objects.filter(module=module, status=Status.ACTIVE).count() == 3

    response = member_client.post(page_url(module, suffix="enrol/"), follow=True)
    assert response.status_code == 200
    mine = Enrolment.objects.get(member=member)
    assert mine.status == Status.WAITLISTED
    assert waitlist_position(mine) == 1

    # A place freed while still over capacity lets no one in.
    enrolment_withdraw(module=module, member=holders[0])
    mine.refresh_from_db()
    assert mine.status == Status.WAITLISTED
    assert Enrolment.objects.filter(module=module, status=Status.ACTIVE).count() == 2


def test_capacity_raised_lets_the_waitlist_in_first_come_first_served(make_module):
    module = make_module(capacity=1)
    members = UserFactory.create_batch(5)
    for each in members:
        enrolment_create(module=module, member=each)
    module.capacity = 3
    module.save_revision().publish()
    promoted = enrolment_promote(module=module)
    assert [e.member for e in promoted] == members[1:3]
    active = Enrolment.objects.filter(module=module, status=Status.ACTIVE).values_list("member", flat=True)
    assert set(active) == {m.pk for m in members[:3]}
    waiting = Enrolment.objects.filter(module=module, status=Status.WAITLISTED).order_by("waitlist_number")
    assert [(e.member, waitlist_position(e)) for e in waiting] == [(members[3], 1), (members[4], 2)]


def test_capacity_removed_lets_everyone_in(make_module):
    module = make_module(capacity=1)
    for each in UserFactory.create_batch(4):
        enrolment_create(module=module, member=each)
    module.capacity = None
    module.save_revision().publish()
    assert len(enrolment_promote(module=module)) == 3
    assert not Enrolment.objects.filter(module=module, status=Status.WAITLISTED).exists()


def test_module_without_units(member_client, make_module, member):
    module = make_module(units=0)
    response = member_client.get(page_url(module))
    assert response.status_code == 200
    assert "The units of this module have not been published yet." in response.content.decode()
    assert member_client.post(page_url(module, suffix="enrol/")).status_code == 302
    for language in ("en", "tr"):
        assert member_client.get(f"/{language}/learning/").status_code == 200
        assert member_client.get(page_url(module, language)).status_code == 200
    assert member_client.get(page_url(module, suffix="week/1/")).status_code == 404


def test_unit_page_of_a_week_that_does_not_exist_is_404(member_client, make_module):
    module = make_module()
    assert member_client.get(page_url(module, suffix="week/8/")).status_code == 404


@pytest.mark.parametrize("viewer", ["tutor", "learner_after_start"])
def test_unit_without_turkish_text_shows_english(client, make_module, member, viewer):
    """The host may say so (the NLU site's note: tests/nlu/test_courses_in_host.py); the page names the unit."""
    if viewer == "tutor":
        module = make_module(units=[("Only in English", "")], tutors=[member])
    else:
        module = make_module(
            units=[("Only in English", "")],
            start_date=days_from_today(-2),
            enrolment_closes=timezone.now() + datetime.timedelta(days=1),
        )
        enrolment_create(module=module, member=member)
    client.force_login(member)
    response = client.get(unit_url(module, "tr"))
    assert response.status_code == 200
    assert "Only in English" in response.content.decode()
    assert response.context["translated_object"].title_en == "Only in English"


def test_translated_unit_has_no_fallback_note(client, make_module, member):
    module = make_module(units=[("In English", "Türkçe başlık")], tutors=[member])
    client.force_login(member)
    html = client.get(unit_url(module, "tr")).content.decode()
    assert "Türkçe başlık" in html
    assert '<p class="note" role="note">' not in html


def test_locked_unit_tells_learners_when_it_opens(member_client, make_module, member):
    module = make_module()
    enrolment_create(module=module, member=member)
    response = member_client.get(page_url(module, suffix="week/2/"))
    assert response.status_code == 403
    html = response.content.decode()
    # Week 2 opens five weeks from today (the module starts in 30 days): a weekday, a 24-hour clock, the zone.
    assert re.search(
        r'This unit opens <time datetime="[0-9T:+-]+">\w{3} \d{1,2} \w{3} \d{4}, 00:00 \(UTC\)</time>\.', html
    )
    assert "Mark as done" not in html


def test_waitlisted_member_sees_their_position_move_up(client, make_module):
    module = make_module(capacity=1)
    holder, first, second = UserFactory.create_batch(3)
    for each in (holder, first, second):
        enrolment_create(module=module, member=each)
    client.force_login(second)
    assert "You are number 2 on the waitlist." in client.get("/en/learning/").content.decode()

    enrolment_withdraw(module=module, member=first)  # leaving the waitlist frees no place
    assert Enrolment.objects.get(member=holder).status == Status.ACTIVE
    assert "You are number 1 on the waitlist." in client.get("/en/learning/").content.decode()
    assert "You are number 1 on the waitlist." in client.get(page_url(module)).content.decode()


@pytest.mark.parametrize("who", ["tutor", "coordinator"])
def test_tutors_and_coordinators_see_a_locked_unit(client, make_module, who):
    viewer = UserFactory(is_superuser=who == "coordinator")
    module = make_module(tutors=[viewer] if who == "tutor" else [])
    client.force_login(viewer)
    response = client.get(page_url(module, suffix="week/3/"))
    assert response.status_code == 200
    assert "Learners see this unit from" in response.content.decode()


def test_enrol_without_csrf_token_is_refused(make_module, member):
    module = make_module()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(page_url(module, suffix="enrol/")).status_code == 403
    assert not Enrolment.objects.filter(module=module).exists()


def test_someone_elses_completion_does_not_satisfy_my_prerequisite(member_client, make_module, member):
    first = make_module(title="Organising basics")
    Enrolment.objects.create(module=first, member=member, status=Status.WITHDRAWN)
    Enrolment.objects.create(module=first, member=UserFactory(), status=Status.COMPLETED)
    second = make_module(prerequisites=[first])
    response = member_client.post(page_url(second, suffix="enrol/"))
    assert response.status_code == 403
    assert "Organising basics" in response.content.decode()
    assert not Enrolment.objects.filter(module=second).exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"enrolment_opens": timezone.now() + datetime.timedelta(days=1)}, "not_open"),
        ({"enrolment_closes": timezone.now() - datetime.timedelta(days=1)}, "closed"),
    ],
)
def test_a_refusal_has_a_code_and_a_translated_message_and_no_http_status(make_module, member, fields, code):
    """The view decides the status from the code (403 for these, 409 for a conflict)."""
    module = make_module(**fields)
    with pytest.raises(EnrolmentError) as refusal:
        enrolment_create(module=module, member=member)
    assert isinstance(refusal.value, Refusal)
    assert refusal.value.code == code
    assert str(refusal.value.message) != in_turkish(str(refusal.value.message))
    assert not hasattr(refusal.value, "status")
