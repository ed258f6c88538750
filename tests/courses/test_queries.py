"""Queries per page do not grow with the number of units, enrolments or sibling modules.

The counts are pinned here for the bare host of ``make test-plugin APP=courses`` (Django and
Wagtail as they come: the site, the walk down the page tree, the view restrictions, the session,
the user and the permissions are read on each request), and for the NLU site, which keeps routes,
sessions and permissions in its cache and adds other apps' sections, in
tests/nlu/test_courses_in_host.py.
"""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import CourseModulePage, Enrolment
from courses.selectors import MODULES_PER_PAGE, module_listing, new_listing_version
from courses.services import enrolment_create, unit_complete
from tests.factories import UserFactory

from .conftest import add_modules, days_from_today, page_url, unit_url

pytestmark = pytest.mark.django_db

BARE_HOST = settings.SETTINGS_MODULE == "tests.hosts.courses"
pinned_for_the_bare_host = pytest.mark.skipif(
    not BARE_HOST, reason="pinned for the bare host; this host's pins are in its own tests"
)


def count_queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warms the caches (site root paths, menus)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def running_module(make_index, make_module, *, name: str, units: int, enrolments: int):
    """A module in its own index with ``units`` units and ``enrolments`` active members, one of them
    the viewer, who has done week 1."""
    module = make_module(
        index=make_index(name),
        units=units,
        start_date=days_from_today(-3),
        enrolment_closes=timezone.now() + datetime.timedelta(days=1),
    )
    User = get_user_model()
    others = User.objects.bulk_create(
        [User(username=f"{name}-{n}", email=f"{name}-{n}@example.org") for n in range(enrolments - 1)]
    )
    Enrolment.objects.bulk_create([Enrolment(module=module, member=u, status="active") for u in others])
    viewer = UserFactory()
    enrolment_create(module=module, member=viewer)
    unit_complete(module=module, member=viewer, week=1)
    assert module.units.count() == units
    assert module.enrolments.count() == enrolments
    return module, viewer


def page_queries(client, module, viewer) -> dict[str, int]:
    client.force_login(viewer)
    return {
        "course index": count_queries(client, page_url(module.get_parent().specific)),
        "module page": count_queries(client, page_url(module)),
        "unit page": count_queries(client, page_url(module, suffix="week/1/")),
        "dashboard": count_queries(client, "/en/learning/"),
    }


SIZES = {"small": (7, 10), "units": (70, 10), "enrolments": (7, 1000)}


def test_queries_do_not_grow_with_units_or_enrolments(client, make_index, make_module):
    counts = {
        name: page_queries(
            client, *running_module(make_index, make_module, name=name, units=units, enrolments=enrolments)
        )
        for name, (units, enrolments) in SIZES.items()
    }
    assert counts["units"] == counts["small"]
    assert counts["enrolments"] == counts["small"]


@pinned_for_the_bare_host
def test_queries_per_page(client, make_index, make_module):
    """Pinned, so that a new query per page is a decision, not an accident. Of each page, four or
    five are Wagtail's (the site, the home page, the walk to the page, its view restrictions) and
    four Django's for a member (the session, the user, the user's and the groups' permissions, these
    only where the page asks whether the member coordinates). The course index's listing is kept
    (the second request reads it from the cache: three queries fewer)."""
    counts = page_queries(client, *running_module(make_index, make_module, name="small", units=7, enrolments=10))
    assert counts == {"course index": 5, "module page": 13, "unit page": 10, "dashboard": 5}


def test_dashboard_queries_do_not_grow_with_the_members_modules(client, make_module, member):
    client.force_login(member)
    counts = []
    for _ in range(2):
        for _ in range(3):
            enrolment_create(module=make_module(), member=member)
        counts.append(count_queries(client, "/en/learning/"))
    assert counts[0] == counts[1]


def test_the_dashboard_reads_its_units_without_their_texts(client, make_module, member):
    """It shows each unit's week and title; the bodies of dozens of units stay in the database."""
    enrolment_create(module=make_module(), member=member)
    client.force_login(member)
    client.get("/en/learning/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/en/learning/").content.decode()
    (units,) = [query["sql"] for query in queries.captured_queries if 'FROM "courses_courseunit"' in query["sql"]]
    assert '"courses_courseunit"."title_en"' in units
    assert "body" not in units and "summary" not in units
    assert "0 of 7 units done" in html


SIBLING_ZONES = ["UTC", "Europe/Istanbul", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Kiritimati"]


def add_siblings(index, count: int) -> None:
    """``count`` more modules beside the others: upcoming, running and finished, in several zones and lengths."""
    add_modules(
        index,
        [
            {
                "start_date": days_from_today(n % 60 - 40),
                "weeks": [7, 4, 12][n % 3],
                "timezone": SIBLING_ZONES[n % len(SIBLING_ZONES)],
            }
            for n in range(count)
        ],
    )


def signed_in_and_anonymous_queries(client, module, viewer, language: str) -> dict[str, int]:
    index = module.get_parent().specific
    last_page = (CourseModulePage.objects.child_of(index).count() - 1) // MODULES_PER_PAGE + 1
    pages = {
        "course index": page_url(index, language),
        "course index, last page": page_url(index, language) + f"?page={last_page}",
        "module page": page_url(module, language),
        "unit page": unit_url(module, language),
    }
    client.logout()
    counts = {f"{name}, anonymous": count_queries(client, url) for name, url in pages.items()}
    client.force_login(viewer)
    counts |= {f"{name}, signed in": count_queries(client, url) for name, url in pages.items()}
    counts["dashboard"] = count_queries(client, f"/{language}/learning/")
    return counts


@pytest.mark.parametrize("language", ["en", "tr"])
def test_queries_are_the_same_with_10_and_200_sibling_modules(client, make_index, make_module, language):
    """Routing to a module, and listing the index, cost the same with ten or two hundred siblings."""
    module, viewer = running_module(make_index, make_module, name=f"siblings-{language}", units=7, enrolments=10)
    index = module.get_parent().specific
    counts = {}
    for size in (10, 200):
        add_siblings(index, size - CourseModulePage.objects.child_of(index).count())
        counts[size] = signed_in_and_anonymous_queries(client, module, viewer, language)
    assert counts[10] == counts[200]


def test_a_listing_read_afresh_costs_three_queries(make_index, make_module):
    """The zones and lengths in use, the count per section, the page; as after any change to a module."""
    module, _viewer = running_module(make_index, make_module, name="afresh", units=7, enrolments=10)
    index = module.get_parent().specific
    for size in (10, 200):
        add_siblings(index, size - CourseModulePage.objects.child_of(index).count())
        new_listing_version()
        with CaptureQueriesContext(connection) as listing:
            module_listing(index=index)
        assert len(listing) == 3


@pinned_for_the_bare_host
@pytest.mark.parametrize("language", ["en", "tr"])
def test_queries_per_page_signed_in_and_anonymous(client, make_index, make_module, language):
    """Pinned, so that a new query per page is a decision, not an accident. The viewer is enrolled,
    so the module page does not count the places taken (one query fewer than for anyone else)."""
    module, viewer = running_module(make_index, make_module, name=f"pinned-{language}", units=7, enrolments=10)
    add_siblings(module.get_parent().specific, 9)
    assert signed_in_and_anonymous_queries(client, module, viewer, language) == {
        "course index, anonymous": 5,
        "course index, last page, anonymous": 5,
        "module page, anonymous": 8,
        "unit page, anonymous": 7,
        "course index, signed in": 5,
        "course index, last page, signed in": 5,
        "module page, signed in": 13,
        "unit page, signed in": 10,
        "dashboard": 5,
    }


@pytest.mark.parametrize("tutor", [False, True])
def test_the_module_page_asks_once_whether_the_member_tutors_it(client, make_module, tutor):
    """The enrolment box and the live sessions both need to know; the module answers both."""
    module = make_module(start_date=days_from_today(-3))
    member = UserFactory()
    if tutor:
        module.tutors.add(member)
        module.save()
    client.force_login(member)
    client.get(page_url(module))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(page_url(module)).content.decode()
    assert len([query for query in queries if "coursemodulepage_tutors" in query["sql"]]) == 1
    assert (f'href="{page_url(module)}roster/"' in html) is tutor  # the enrolment box's link for tutors
