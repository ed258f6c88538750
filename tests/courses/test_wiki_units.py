"""The units built from a wiki page are found by its title in any case, through an index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CourseUnit
from courses.selectors import units_using_wiki_page
from tests.plans import sqlite_plan

from .conftest import add_modules

pytestmark = pytest.mark.django_db


def test_units_are_found_by_the_title_in_any_case_and_only_in_live_modules(make_module, course_index):
    live, (draft,) = make_module(), add_modules(course_index, [{"live": False}])
    live.units.filter(week=3).update(wiki_page="Organising Online")
    draft.units.filter(week=1).update(wiki_page="organising online")
    assert [(unit.module_id, unit.week) for unit in units_using_wiki_page("  ORGANISING online ")] == [(live.pk, 3)]
    assert units_using_wiki_page("Organising") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL picks the index by the table's size")
@pytest.mark.parametrize("analyzed", [False, True], ids=["without statistics", "after ANALYZE"])
def test_the_lookup_uses_the_index_of_folded_titles(make_module, course_index, analyzed):
    """Also when nearly every unit names no page, as in the scaled demo, once load_demo has run ANALYZE."""
    make_module().units.filter(week=1).update(wiki_page="Organising online")
    CourseUnit.objects.bulk_create(
        CourseUnit(module=module, week=week, title=f"Week {week}")
        for module in add_modules(course_index, [{} for _ in range(30)])
        for week in range(1, 8)
    )
    if analyzed:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        units_using_wiki_page("organising ONLINE")
    (query,) = queries.captured_queries
    plan = sqlite_plan(query["sql"])
    assert "USING INDEX courses_unit_named_wiki_page" in plan
    assert "SCAN" not in plan
