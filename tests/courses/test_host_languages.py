"""A host may speak more languages than courses' translated fields hold (a wagtail start site has
Django's hundred): the pages read only the fields modeltranslation made (MODELTRANSLATION_LANGUAGES)."""

import datetime

from django.test import override_settings
from django.utils import timezone

from courses.services import enrolment_create

from .conftest import days_from_today, page_url

DJANGO_LANGUAGES = [("en", "English"), ("tr", "Türkçe"), ("zh-hant", "Traditional Chinese"), ("de", "German")]


@override_settings(LANGUAGES=DJANGO_LANGUAGES)
def test_a_members_dashboard_and_module_pages_serve_in_a_host_with_more_languages(member_client, make_module, member):
    module = make_module(
        title="Running now",
        start_date=days_from_today(-3),
        enrolment_closes=timezone.now() + datetime.timedelta(days=1),
    )
    enrolment_create(module=module, member=member)

    dashboard = member_client.get("/en/learning/")
    unit = member_client.get(page_url(module, suffix="week/1/"))

    assert dashboard.status_code == 200 and "Running now" in dashboard.content.decode()
    assert unit.status_code == 200
