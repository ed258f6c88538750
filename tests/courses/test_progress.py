"""Progress: marking units done, the progress bar, completion and the certificate."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.models import Enrolment, UnitCompletion
from courses.services import ProgressError, enrolment_create, unit_complete

from .conftest import days_from_today, messages_of, page_url, unit_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_module(make_module):
    """Started 45 days ago (all seven units open) and still open for late enrolment."""
    return make_module(
        title="Organising online",
        title_tr="Çevrimiçi örgütlenme",
        start_date=days_from_today(-45),
        enrolment_closes=timezone.now() + datetime.timedelta(days=3),
    )


@pytest.fixture
def learner(member, running_module):
    enrolment_create(module=running_module, member=member)
    return member


def mark_done(client, module, week, language="en"):
    return client.post(unit_url(module, language, week) + "done/", follow=True)


def test_marking_a_unit_done_shows_on_the_module_page_and_dashboard(client, running_module, learner):
    client.force_login(learner)
    response = mark_done(client, running_module, 1)
    assert response.status_code == 200
    assert "Unit marked as done." in messages_of(response)
    for url in (page_url(running_module), "/en/learning/"):
        html = client.get(url).content.decode()
        assert '<progress max="7" value="1"' in html
        assert "1 of 7 units done" in html


def test_marking_twice_is_idempotent(client, running_module, learner):
    client.force_login(learner)
    mark_done(client, running_module, 3)
    response = mark_done(client, running_module, 3)
    assert response.status_code == 200
    assert UnitCompletion.objects.filter(member=learner).count() == 1
    assert "1 of 7 units done" in response.content.decode()


def test_marking_a_locked_unit_is_refused(client, make_module, member):
    module = make_module(start_date=days_from_today(-2), enrolment_closes=timezone.now() + datetime.timedelta(days=1))
    enrolment_create(module=module, member=member)
    client.force_login(member)
    response = mark_done(client, module, 2, "tr")
    assert response.status_code == 403
    with translation.override("tr"):
        assert gettext("This unit has not opened yet.") in messages_of(response)
    assert not UnitCompletion.objects.exists()


def test_marking_without_enrolment_is_refused(member_client, running_module):
    response = mark_done(member_client, running_module, 1)
    assert "Enrol in this module to record your progress." in messages_of(response)
    assert not UnitCompletion.objects.exists()


def test_completing_every_unit_completes_the_module_and_gives_a_certificate(client, running_module, learner):
    client.force_login(learner)
    for week in range(1, 8):
        mark_done(client, running_module, week)
    assert Enrolment.objects.get(member=learner, module=running_module).status == Enrolment.Status.COMPLETED
    assert "You have completed this module." in client.get(page_url(running_module)).content.decode()
    for language in ("en", "tr"):
        response = client.get(page_url(running_module, language, "certificate/"))
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        assert "Organising online" in html
        assert "Çevrimiçi örgütlenme" in html


def test_certificate_before_completion_is_403(client, running_module, learner):
    client.force_login(learner)
    mark_done(client, running_module, 1)
    assert client.get(page_url(running_module, suffix="certificate/")).status_code == 403


def test_certificate_when_signed_out_goes_to_login(client, running_module):
    response = client.get(page_url(running_module, suffix="certificate/"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_a_unit_opens_at_midnight_in_the_cohorts_zone_across_dst(make_module, member):
    # Rome moves to summer time on Sunday 28 March 2027: week 2 still opens at local midnight.
    module = make_module(start_date=datetime.date(2027, 3, 22), timezone="Europe/Rome")
    enrolment_create(module=module, member=member, now=datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC))
    opens = datetime.datetime(2027, 3, 28, 22, 0, tzinfo=datetime.UTC)  # 29 March 00:00 CEST
    with pytest.raises(ProgressError) as refusal:
        unit_complete(module=module, member=member, week=2, now=opens - datetime.timedelta(seconds=1))
    assert refusal.value.code == "unit_locked"
    assert unit_complete(module=module, member=member, week=2, now=opens) is True
    week_one = datetime.datetime(2027, 3, 21, 23, 0, tzinfo=datetime.UTC)  # 22 March 00:00 CET
    with pytest.raises(ProgressError):
        unit_complete(module=module, member=member, week=1, now=week_one - datetime.timedelta(seconds=1))
    assert unit_complete(module=module, member=member, week=1, now=week_one) is True


def test_dashboard_lists_running_modules_first(member_client, make_module, member):
    late = timezone.now() + datetime.timedelta(days=1)
    finished = make_module(title="Finished last year", start_date=days_from_today(-365), enrolment_closes=late)
    running = make_module(title="Running this week", start_date=days_from_today(-3), enrolment_closes=late)
    upcoming = make_module(title="Starting next month")
    for module in (upcoming, finished, running):
        enrolment_create(module=module, member=member)
    html = member_client.get("/en/learning/").content.decode()
    assert html.index("Running this week") < html.index("Starting next month")
    assert html.index("Running this week") < html.index("Finished last year")


def test_a_unit_names_the_wiki_page_it_is_built_from(client, make_module):
    module = make_module(start_date=days_from_today(-3), enrolment_closes=timezone.now() + datetime.timedelta(days=1))
    module.units.filter(week=1).update(wiki_page="Organising online")
    html = client.get(page_url(module, suffix="week/1/")).content.decode()
    assert "Organising online" in html
