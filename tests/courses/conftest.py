import datetime
import itertools

import pytest
from django.utils import timezone, translation

from courses.demo import add_children
from courses.models import CourseIndexPage, CourseModulePage, CourseUnit
from tests.factories import UserFactory

_numbers = itertools.count(1)


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def page_url(page, language: str = "en", suffix: str = "") -> str:
    """The page's path in ``language``, e.g. /tr/kurslar/modul-3/week/1/."""
    with translation.override(language):
        return page.get_url() + suffix


@pytest.fixture
def course_index(demo) -> CourseIndexPage:
    """The demo's course index (/en/courses/, /tr/kurslar/); it also holds Module 1."""
    return CourseIndexPage.objects.get(slug_en="courses")


@pytest.fixture
def make_index(demo):
    """Another course index under the home page, for listings that must not see other modules."""

    def make(slug: str) -> CourseIndexPage:
        home = CourseIndexPage.objects.get(slug_en="courses").get_parent()
        with translation.override("en"):
            index = home.add_child(
                instance=CourseIndexPage(
                    title=slug, title_en=slug, title_tr=slug, slug=slug, slug_en=slug, slug_tr=slug
                )
            )
            index.save_revision().publish()
        return CourseIndexPage.objects.get(pk=index.pk)

    return make


@pytest.fixture
def make_module(course_index):
    """A published module: by default 7 weeks from a month ahead, units titled in EN and TR.

    ``units`` is a count, or a list of (English title, Turkish title) pairs ("" = untranslated).
    """

    def make(*, units=7, index=None, title=None, title_tr=None, **fields) -> CourseModulePage:
        number = next(_numbers)
        title = title or f"Test module {number}"
        if isinstance(units, int):
            units = [(f"Unit {week} of {title}", f"Ünite {week}: Türkçe") for week in range(1, units + 1)]
        fields.setdefault("start_date", days_from_today(30))
        fields.setdefault("delivery_languages", "en,tr")
        with translation.override("en"):
            module = (index or course_index).add_child(
                instance=CourseModulePage(
                    title=title,
                    title_en=title,
                    title_tr=title_tr or f"Deneme modülü {number}",
                    slug=f"test-module-{number}",
                    slug_en=f"test-module-{number}",
                    slug_tr=f"test-modul-{number}",
                    units=[
                        CourseUnit(week=week, sort_order=week, title=en, title_en=en, title_tr=tr)
                        for week, (en, tr) in enumerate(units, start=1)
                    ],
                    **fields,
                )
            )
            module.save_revision().publish()
        return CourseModulePage.objects.get(pk=module.pk)

    return make


def add_modules(index: CourseIndexPage, modules: list[dict]) -> list[CourseModulePage]:
    """Live modules without units below ``index``, one per dict of fields (default: a month ahead).

    Saved as ``load_demo --scale`` saves its modules, in time that does not grow with the siblings,
    so tests can put hundreds beside each other.
    """
    pages = []
    for fields in modules:
        number = next(_numbers)
        defaults = {
            "title": f"Bulk module {number}",
            "title_en": f"Bulk module {number}",
            "title_tr": f"Toplu modül {number}",
            "slug": f"bulk-module-{number}",
            "slug_en": f"bulk-module-{number}",
            "slug_tr": f"toplu-modul-{number}",
            "start_date": days_from_today(30),
            "delivery_languages": "en,tr",
            "live": True,
        }
        pages.append(CourseModulePage(**(defaults | fields)))
    with translation.override("en"):
        return add_children(index, pages)


@pytest.fixture
def member(db):
    return UserFactory(language="en")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
