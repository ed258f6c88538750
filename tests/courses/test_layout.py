"""Every course page sits in the host's own layout: courses/base.html extends SUITE_BASE_TEMPLATE."""

import datetime

import pytest
from django.utils import timezone

from courses.models import Enrolment
from suite.conf import suite_settings
from tests.factories import UserFactory
from tests.hosts.base import HOST_DIR

from .conftest import days_from_today, page_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def tutor_who_completed(make_module):
    """A member who tutors a running module and completed it too: every course page is theirs to see."""
    member = UserFactory()
    module = make_module(
        title="Organising online",
        units=2,
        start_date=days_from_today(-10),
        enrolment_closes=timezone.now() + datetime.timedelta(days=1),
        tutors=[member],
    )
    Enrolment.objects.create(module=module, member=member, status=Enrolment.Status.COMPLETED)
    return member, module


def course_pages(module) -> dict[str, str]:
    return {
        "index": page_url(module.get_parent().specific),
        "module": page_url(module),
        "unit": page_url(module, suffix="week/1/"),
        "roster": page_url(module, suffix="roster/"),
        "certificate": page_url(module, suffix="certificate/"),
        "dashboard": "/en/learning/",
    }


def test_every_page_extends_courses_base_and_the_hosts_base(client, tutor_who_completed):
    member, module = tutor_who_completed
    client.force_login(member)
    for name, url in course_pages(module).items():
        response = client.get(url)
        assert response.status_code == 200, name
        templates = [template.name for template in response.templates]
        assert "courses/base.html" in templates, name
        assert suite_settings.BASE_TEMPLATE in templates, name


@pytest.fixture
def another_layout(settings):
    """A host whose base template is another one (the bare hosts' suite_test/other_base.html)."""
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], HOST_DIR / "templates"]}
    settings.TEMPLATES = [engine]
    settings.SUITE_BASE_TEMPLATE = "suite_test/other_base.html"


def test_a_host_names_its_own_base_template(client, tutor_who_completed, another_layout):
    member, module = tutor_who_completed
    client.force_login(member)
    for name, url in course_pages(module).items():
        html = client.get(url).content.decode()
        assert '<body class="other-layout">' in html, name
        assert "Organising online" in html, name
