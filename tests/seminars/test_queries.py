"""Queries of the feeds and of the pages listing sessions do not grow with the number of sessions."""

import datetime
import itertools
import re

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


def add_sessions(module, tutor, count: int, **fields) -> None:
    """``count`` more sessions of ``module`` ahead, in several zones, every seventh cancelled; every third
    one tutored by ``tutor``."""
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
            **fields,
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

    assert counts[10] == counts[200]


def session_list_queries(client, member, *pages: str) -> dict[str, int]:
    client.logout()
    counts = {f"{page}, anonymous": count_queries(client, page) for page in pages}
    client.force_login(member)
    return counts | {f"{page}, signed in": count_queries(client, page) for page in pages}


def test_the_session_list_costs_the_same_with_10_and_500_sessions(client, make_module):
    module = make_module()
    member = UserFactory()
    Enrolment.objects.create(module=module, member=member, status=Enrolment.Status.ACTIVE)
    add_sessions(module, member, 10, audience="public")
    ten = session_list_queries(client, member, "/en/sessions/")
    add_sessions(module, member, 490, audience="public")
    pages = ["/en/sessions/", "/en/sessions/?page=2", "/en/sessions/?page=21"]
    five_hundred = session_list_queries(client, member, *pages)

    assert five_hundred == ten | {
        f"/en/sessions/?page={number}, {who}": ten[f"/en/sessions/, {who}"]
        for number in (2, 21)
        for who in ("anonymous", "signed in")
    }
    # The exact counts depend on the host (sessions, permissions kept or not): the NLU site pins its
    # own in tests/nlu/test_seminars_in_host.py.


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="card">\s*<h2><a href="[^"]*">([^<]*)</a>', html)


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ['aria-label="Pages"', "Page 2<", "Previous page", "Next page"]),
        ("tr", ['aria-label="Sayfalar"', "Sayfa 2<", "Önceki sayfa", "Sonraki sayfa"]),
    ],
)
def test_the_session_list_is_paged_in_each_language(client, make_module, language, labels):
    """45 sessions to come (and cancelled ones, not listed): 20, 20 and 5, soonest first."""
    add_sessions(make_module(), UserFactory(), 53, audience="public")
    listed = list(Webinar.objects.exclude(status=Webinar.Status.CANCELLED).order_by("starts_at", "pk"))
    assert len(listed) == 45
    pages = [client.get(f"/{language}/sessions/", {"page": n}).content.decode() for n in (1, 2, 3)]
    assert [cards(html) for html in pages] == [
        [w.title for w in listed[:20]],
        [w.title for w in listed[20:40]],
        [w.title for w in listed[40:]],
    ]
    nav = pages[1][pages[1].index('<nav class="pagination"') :]
    nav = nav[: nav.index("</nav>")]
    for label in labels:
        assert label in nav
    assert 'href="?page=1" rel="prev"' in nav
    assert 'href="?page=3" rel="next"' in nav
    assert 'rel="next"' not in pages[2]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "4", "99999999999999999999", "2.5", "²"])
def test_a_page_of_the_session_list_that_is_not_one_is_not_found(client, make_module, page):
    add_sessions(make_module(), UserFactory(), 53, audience="public")
    for language in ("en", "tr"):
        assert client.get(f"/{language}/sessions/", {"page": page}).status_code == 404
    assert client.get("/en/sessions/", {"page": "3"}).status_code == 200
    assert client.get("/en/sessions/", {"page": ""}).status_code == 200


def test_an_empty_session_list_has_no_pagination(client, db):
    assert not Webinar.objects.exists()
    html = client.get("/en/sessions/").content.decode()
    assert "No upcoming sessions." in html
    assert '<nav class="pagination"' not in html
