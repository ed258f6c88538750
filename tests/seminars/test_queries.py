"""Queries of the feeds and of the pages listing sessions do not grow with the number of sessions."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Enrolment
from seminars.models import CalendarFeed, Webinar
from tests.courses.conftest import page_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ZONES = itertools.cycle(["Europe/Istanbul", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata"])


def add_sessions(module, tutor, count: int) -> None:
    """``count`` more sessions of ``module`` ahead, in several zones; every third one tutored by ``tutor``."""
    first = timezone.now() + datetime.timedelta(days=1)
    offset = Webinar.objects.filter(module=module).count()
    webinars = Webinar.objects.bulk_create(
        Webinar(
            title=f"Session {n}",
            title_en=f"Session {n}",
            module=module,
            starts_at=first + datetime.timedelta(days=n),
            timezone=next(ZONES),
            status=Webinar.Status.CANCELLED if n % 7 == 0 else Webinar.Status.SCHEDULED,
        )
        for n in range(offset, offset + count)
    )
    Webinar.tutors.through.objects.bulk_create(
        Webinar.tutors.through(webinar_id=w.pk, user_id=tutor.pk) for w in webinars[::3]
    )


def count_queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warms the caches (site root paths, menus)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_are_the_same_for_10_and_200_sessions(client, make_module):
    module = make_module()
    member = UserFactory()  # enrolled in the module, and tutor of some of its sessions
    Enrolment.objects.create(module=module, member=member, status=Enrolment.Status.ACTIVE)
    personal = f"/en/sessions/calendar/{CalendarFeed.objects.create(member=member).token}.ics"
    client.force_login(member)

    counts = {}
    for size in (10, 200):
        add_sessions(module, member, size - Webinar.objects.filter(module=module).count())
        counts[size] = {
            "personal feed": count_queries(client, personal),
            "module feed": count_queries(client, f"/en/sessions/module/{module.pk}.ics"),
            "sessions page": count_queries(client, "/en/sessions/"),
            "module page": count_queries(client, page_url(module)),  # with its live sessions
        }
        assert client.get("/en/sessions/").content.decode().count('<li class="card">') >= size * 6 // 7

    assert counts[10] == counts[200]
