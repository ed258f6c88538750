"""A member's walk through a module, in each language, without a browser."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from courses.models import Enrolment
from tests.factories import UserFactory

from .conftest import days_from_today, messages_of, page_url

pytestmark = pytest.mark.django_db


def get(client, url, language):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'<html lang="{language}"' in html, url
    return html


@pytest.mark.parametrize("language", ["en", "tr"])
def test_index_module_enrol_dashboard_unit_done(client, course_index, make_module, language):
    module = make_module(
        title="Organising online",
        title_tr="Çevrimiçi örgütlenme",
        start_date=days_from_today(-3),
        enrolment_closes=timezone.now() + datetime.timedelta(days=2),
    )
    title = {"en": "Organising online", "tr": "Çevrimiçi örgütlenme"}[language]
    member = UserFactory(language=language)
    client.force_login(member)

    index = get(client, page_url(course_index, language), language)
    module_url = page_url(module, language)
    assert f'href="{module_url}"' in index
    assert title in index

    html = get(client, module_url, language)
    assert title in html
    enrol_url = re.search(r'<form method="post" action="([^"]+/enrol/)"', html)[1]
    response = client.post(enrol_url, follow=True)
    assert response.redirect_chain == [(module_url, 302)]
    assert Enrolment.objects.get(member=member).status == Enrolment.Status.ACTIVE
    with translation.override(language):
        assert translation.gettext("You are enrolled. Welcome!") in messages_of(response)

    dashboard = get(client, f"/{language}/learning/", language)
    assert title in dashboard
    unit_url = f"{module_url}{'hafta' if language == 'tr' else 'week'}/1/"
    assert f'href="{unit_url}"' in dashboard  # this week's unit

    unit = get(client, unit_url, language)
    assert {"en": "Unit 1 of Organising online", "tr": "Ünite 1: Türkçe"}[language] in unit
    done_url = re.search(r'<form method="post" action="([^"]+/done/)"', unit)[1]
    assert client.post(done_url).status_code == 302

    for url in (unit_url, module_url, f"/{language}/learning/"):
        assert '<progress max="7" value="1"' in get(client, url, language)
