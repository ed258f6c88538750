"""Course pages built for each test from the app's own models: a home page, a course index, modules.

Nothing here needs the host's demo, so these fixtures work in any host that installs courses
(the bare hosts of tests/hosts/, seminars' included, and the NLU site).
"""

import datetime
import itertools

import pytest
from django.utils import timezone, translation
from wagtail.models import Page, Site

from courses.demo import add_children
from courses.models import CourseIndexPage, CourseModulePage, CourseUnit
from tests.factories import UserFactory

_numbers = itertools.count(1)

INDEX_SLUGS = {"slug": "courses", "slug_en": "courses", "slug_tr": "kurslar"}


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def page_url(page, language: str = "en", suffix: str = "") -> str:
    """The page's path in ``language``, e.g. /tr/kurslar/modul-3/week/1/."""
    with translation.override(language):
        return page.get_url() + suffix


def unit_url(module, language: str = "en", week: int = 1) -> str:
    """A unit's path as its module links it in ``language``: /en/courses/m/week/1/, /tr/kurslar/m/hafta/1/."""
    with translation.override(language):
        return module.unit_url(week)


def messages_of(response) -> list[str]:
    """The messages a response carries for the member (django.contrib.messages), as the host shows them."""
    return [str(message) for message in response.context["messages"]]


def publish_child(parent: Page, page: Page) -> Page:
    with translation.override("en"):
        page = parent.add_child(instance=page)
        page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def site_home() -> Page:
    """The default site's home page, the one below Wagtail's root that every new Wagtail site has."""
    return Site.objects.get(is_default_site=True).root_page


# Other apps' tests import the fixtures below by name (seminars: course_index, make_index,
# make_module), so they ask for no fixture of this module but each other and pytest-django's.
@pytest.fixture
def course_index(db) -> CourseIndexPage:
    """The course index at /en/courses/ and /tr/kurslar/, below the home page.

    Where the site's own index is there already (a host's demo loaded before), it is that one.
    """
    existing = CourseIndexPage.objects.filter(slug_en=INDEX_SLUGS["slug_en"]).order_by("path").first()
    if existing is not None:
        return existing
    return publish_child(
        site_home(),
        CourseIndexPage(
            title="Courses", title_en="Courses", title_tr="Kurslar", intro_en="Learn together.", **INDEX_SLUGS
        ),
    )


@pytest.fixture
def make_index(course_index):
    """Another course index beside the first, for listings that must not see other modules."""

    def make(slug: str) -> CourseIndexPage:
        index = CourseIndexPage(title=slug, title_en=slug, title_tr=slug, slug=slug, slug_en=slug, slug_tr=slug)
        return publish_child(course_index.get_parent(), index)

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
        module = CourseModulePage(
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
        return publish_child(index or course_index, module)

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
