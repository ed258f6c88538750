"""A unit's page names its module's next live session, in the reader's zone, through courses'
``course_unit_sections`` hook; its link is one the host saves with the unit for offline reading."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from courses.models import Enrolment
from seminars.models import Webinar
from tests.courses.conftest import days_from_today, unit_url
from tests.factories import UserFactory

from .test_session_time import MemberZoneMiddleware, reader  # noqa: F401 (the fixture, and its middleware)

pytestmark = pytest.mark.django_db

# 09:00 UTC: 12:00 in Istanbul, 06:00 in São Paulo.
STARTS_AT = datetime.datetime(2099, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def running_module(make_module):
    module = make_module(start_date=days_from_today(-3), enrolment_closes=timezone.now() + datetime.timedelta(days=3))
    Webinar.objects.create(title="Much later", module=module, timezone="UTC", starts_at=STARTS_AT.replace(year=2100))
    Webinar.objects.create(title="Weekly session", module=module, timezone="Europe/Istanbul", starts_at=STARTS_AT)
    return module


def enrolled(module, zone: str):
    member = UserFactory(timezone=zone)
    Enrolment.objects.create(module=module, member=member, status=Enrolment.Status.ACTIVE)
    return member


@pytest.mark.parametrize(("zone", "shown"), [("Europe/Istanbul", "12:00"), ("America/Sao_Paulo", "06:00")])
def test_a_unit_names_the_next_session_in_the_readers_zone(reader, running_module, zone, shown):  # noqa: F811
    page = BeautifulSoup(reader(enrolled(running_module, zone)).get(unit_url(running_module)).content, "html.parser")

    line = page.select_one(".next-session")
    link = line.find("a")
    assert link.get_text() == "Weekly session"
    assert link["href"] == f"/en/sessions/{Webinar.objects.get(title='Weekly session').pk}/"
    assert link.has_attr("data-offline-include")
    time = line.find("time")
    assert datetime.datetime.fromisoformat(time["datetime"]) == STARTS_AT
    assert shown in time.get_text() and zone in time.get_text()


def test_a_module_without_sessions_to_come_names_none(reader, make_module):  # noqa: F811
    module = make_module(start_date=days_from_today(-3), enrolment_closes=timezone.now() + datetime.timedelta(days=3))
    Webinar.objects.create(
        title="Over", module=module, timezone="UTC", starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    response = reader(enrolled(module, "UTC")).get(unit_url(module))
    page = BeautifulSoup(response.content, "html.parser")

    assert response.status_code == 200
    assert page.h1.get_text() == f"Week 1: Unit 1 of {module.title}"  # the unit itself, only without the line
    assert page.select_one(".next-session") is None


def test_the_next_session_on_a_unit_has_no_word_that_ages_in_a_saved_copy(reader, make_module):  # noqa: F811
    """The unit is what a member saves for offline reading: "tomorrow" would be wrong the day after."""
    module = make_module(start_date=days_from_today(-3), enrolment_closes=timezone.now() + datetime.timedelta(days=3))
    Webinar.objects.create(
        title="Tomorrow's", module=module, timezone="UTC", starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    page = BeautifulSoup(reader(enrolled(module, "UTC")).get(unit_url(module)).content, "html.parser")

    shown = page.select_one(".next-session time").get_text()
    assert "tomorrow" not in shown and "(UTC)" in shown
