"""load_demo --scale N: the same data every time, nothing doubled, a sound page tree, same queries per page.

The benchmarks (bench/run) rely on this: they compare runs at different N and over time.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Page

from courses.models import CourseModulePage, CourseUnit, Enrolment
from seminars.models import CalendarFeed, Webinar
from timebank.models import Account, Offer, Transfer

pytestmark = pytest.mark.django_db


def load(scale: int = 1) -> None:
    call_command("load_demo", scale=scale, stdout=io.StringIO())


def rows(queryset) -> list:
    return sorted(queryset, key=repr)  # some values are None, which does not compare with str


def snapshot() -> dict:
    """The scaled data by natural keys (no ids, no creation times, no password salts)."""
    return {
        "members": rows(
            get_user_model().objects.values_list("username", "email", "display_name", "timezone", "language")
        ),
        "modules": rows(
            CourseModulePage.objects.values_list(
                "slug_en",
                "slug_tr",
                "title_en",
                "title_tr",
                "start_date",
                "timezone",
                "capacity",
                "path",
                "url_path_en",
                "url_path_tr",
                "live",
            )
        ),
        "units": rows(CourseUnit.objects.values_list("module__slug_en", "week", "title_en", "title_tr")),
        "module tutors": rows(
            CourseModulePage.tutors.through.objects.values_list("coursemodulepage__slug_en", "user__username")
        ),
        "enrolments": rows(
            Enrolment.objects.values_list("module__slug_en", "member__username", "status", "waitlist_number")
        ),
        # Only the scaled ones: the demo's drop-in session starts at the minute load_demo runs.
        "scaled sessions": rows(
            Webinar.objects.filter(module__slug_en__startswith="scale-").values_list(
                "title_en",
                "title_tr",
                "module__slug_en",
                "unit__week",
                "starts_at",
                "timezone",
                "status",
                "audience",
                "meeting_id",
            )
        ),
        "session tutors": rows(
            Webinar.tutors.through.objects.filter(webinar__module__slug_en__startswith="scale-").values_list(
                "webinar__title_en", "user__username"
            )
        ),
        "accounts": rows(Account.objects.values_list("member__username", "system_name", "balance")),
        # Only the scaled ones: the timebank's own demo history is beside them.
        "scaled transfers": rows(
            Transfer.objects.filter(idempotency_key__startswith="demo-scale:").values_list(
                "payer__member__username", "payee__member__username", "minutes", "kind", "memo", "idempotency_key"
            )
        ),
        "scaled offers": rows(
            Offer.objects.filter(author__username__regex=r"^member[0-9]{6}$").values_list(
                "author__username", "kind", "category", "language", "title", "description", "status"
            )
        ),
    }


def test_scale_1_builds_the_same_data_every_time():
    class Discard(Exception):
        pass

    with pytest.raises(Discard), transaction.atomic():
        load()
        first = snapshot()
        raise Discard

    load()

    assert snapshot() == first
    assert len(first["members"]) == 1000 + 4
    assert len(first["modules"]) == 10 + 1
    assert len(first["units"]) == 11 * 7
    assert len(first["enrolments"]) == 10 * (100 + 1) + 1  # the steward follows the first ten, and Module 1
    assert len(first["scaled sessions"]) == 200
    assert len(first["scaled transfers"]) == 2000
    assert len(first["scaled offers"]) == 100


def test_running_it_again_doubles_nothing_and_the_ledger_adds_up():
    load()
    first = snapshot()

    with translation.override("tr"):  # e.g. left active by a Turkish request: slugs must still match
        load()

    assert snapshot() == first
    out = io.StringIO()
    call_command("timebank_audit", stdout=out)
    assert out.getvalue().strip() == "ok"


def test_the_page_tree_is_sound_and_pages_are_served_in_both_languages(client):
    load()

    assert Page.find_problems() == ([], [], [], [], [])
    assert client.get("/en/courses/scale-00003/").status_code == 200
    response = client.get("/tr/kurslar/olcek-00003/")
    assert response.status_code == 200
    assert "Göçmen işçilerin hakları (4. dönem)" in response.text


def count_queries(client, url: str) -> tuple[int, int]:
    """The status and the number of queries of the second request (the first warms the caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries)


def page_queries(client) -> dict[str, tuple[int, int]]:
    """Queries of the pages bench/run measures, anonymous and as the steward (Module 1's unit is
    not open yet: a 403 page)."""
    steward = get_user_model().objects.get(username="steward")
    feed = CalendarFeed.objects.get_or_create(member=steward)[0]
    pages = {
        "home": "/en/",
        "course index": "/en/courses/",
        "module page": "/en/courses/module-1/",
        "unit page": "/en/courses/module-1/week/1/",
        "session list": "/en/sessions/",
    }
    counts = {f"{name}, anonymous": count_queries(client, url) for name, url in pages.items()}
    counts["personal feed"] = count_queries(client, f"/en/sessions/calendar/{feed.token}.ics")
    client.force_login(steward)
    counts |= {f"{name}, signed in": count_queries(client, url) for name, url in pages.items()}
    counts["dashboard"] = count_queries(client, "/en/learning/")
    client.logout()
    return counts


def test_scaled_data_does_not_change_the_queries_per_page(client):
    load(scale=0)
    before = page_queries(client)

    load(scale=1)

    assert page_queries(client) == before
    assert {status for status, _queries in before.values()} == {200, 403}
