"""A unit's page declares what to save for offline reading, in markup only: the host's script does the
saving (docs/plugins.md, "Offline reading"); in a host without one, the box stays hidden."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.utils import timezone

from courses.services import enrolment_create

from .conftest import days_from_today, unit_url

pytestmark = pytest.mark.django_db


def save_box(client, url):
    return BeautifulSoup(client.get(url).content, "html.parser").select_one("[data-offline-save]")


def test_an_open_unit_declares_itself_and_its_wiki_page_for_saving(member_client, member, make_module):
    module = make_module(start_date=days_from_today(-3), enrolment_closes=timezone.now() + datetime.timedelta(days=1))
    module.units.filter(week=1).update(wiki_page="Organising online")
    enrolment_create(module=module, member=member)

    box = save_box(member_client, unit_url(module))

    assert box.has_attr("hidden")
    assert box["data-offline-title"] == "Unit 1 of " + module.title
    unit, *wiki = box["data-offline-urls"].split()
    assert unit == unit_url(module)
    # The wiki page's address, where a wiki app provides "wiki:page" (the NLU host does; courses' bare host not).
    assert len(wiki) == apps.is_installed("wiki") and all(url.startswith("/en/wiki/") for url in wiki)
    assert box.find("button", type="button").get_text() == "Save this unit for offline"
    assert box.select_one("[data-offline-status]") is not None


def test_a_unit_not_yet_open_offers_nothing_to_save(member_client, member, make_module):
    module = make_module(start_date=days_from_today(20), enrolment_closes=timezone.now() + datetime.timedelta(days=1))
    enrolment_create(module=module, member=member)
    response = member_client.get(unit_url(module, week=1))
    page = BeautifulSoup(response.content, "html.parser")

    assert response.status_code == 403  # the unit's page, locked: "This unit opens …"
    assert page.h1.get_text() == f"Week 1: Unit 1 of {module.title}"
    assert page.select_one(".note[role=status]") is not None
    assert page.select_one("[data-offline-save]") is None
