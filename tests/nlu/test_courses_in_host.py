"""Courses inside the NLU site: its demo, navigation, sign-in, layout, 404 page, beat schedule and query pins.

What courses does alone is tested in tests/courses (which also runs in the app's bare host); here
is what it does with what only this host gives it.
"""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from celery import current_app
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.models import CourseModulePage, Enrolment
from courses.services import enrolment_create
from tests.courses import conftest as courses_fixtures
from tests.courses.conftest import days_from_today, page_url, unit_url
from tests.courses.test_queries import add_siblings, page_queries, running_module, signed_in_and_anonymous_queries
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# The course pages of the app's own tests, built without the demo (the demo's index where it is loaded).
course_index, make_index, make_module = (
    courses_fixtures.course_index,
    courses_fixtures.make_index,
    courses_fixtures.make_module,
)
member = courses_fixtures.member


def in_turkish(msgid: str) -> str:
    with translation.override("tr"):
        return gettext(msgid)


def test_the_demo_modules_turkish_url(client, demo):
    response = client.get("/tr/kurslar/modul-1/")
    assert response.status_code == 200
    assert "Modül 1: Sendikacılar" in response.text
    assert client.get("/tr/kurslar/modul-1/hafta/1/").status_code in (200, 403)  # 403 until week 1 opens


@pytest.mark.parametrize(("language", "path"), [("en", "/en/courses/"), ("tr", "/tr/kurslar/")])
def test_main_navigation_links_the_course_index(client, demo, language, path):
    html = client.get(f"/{language}/").content.decode()
    nav = html[html.index('<nav class="main-nav"') :]
    assert f'href="{path}"' in nav[: nav.index("</nav>")]


def test_the_course_fixtures_use_the_demos_index_once_it_is_loaded(demo, course_index, make_module):
    assert page_url(course_index, "tr") == "/tr/kurslar/"
    assert make_module().get_parent().pk == course_index.pk


def test_enrol_when_signed_out_signs_in_and_comes_back(client, make_module, member):
    module = make_module()
    response = client.post(page_url(module, suffix="enrol/"))
    login = urlparse(response.url)
    assert login.path == "/en/accounts/login/"
    assert parse_qs(login.query)["next"] == [page_url(module)]

    response = client.post(response.url, {"login": member.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == page_url(module)


@pytest.mark.parametrize("language", ["en", "tr"])
def test_course_pages_are_in_the_sites_layout_and_language(client, make_module, language):
    module = make_module(start_date=days_from_today(-3), enrolment_closes=timezone.now() + datetime.timedelta(days=2))
    client.force_login(UserFactory(language=language))
    urls = [page_url(module.get_parent().specific, language), page_url(module, language)]
    urls += [unit_url(module, language), f"/{language}/learning/"]
    for url in urls:
        html = client.get(url).content.decode()
        assert f'<html lang="{language}"' in html, url
        assert '<nav class="main-nav"' in html, url  # the site's header, around the course page


def test_what_happened_is_shown_on_the_page(client, make_module, member):
    client.force_login(member)
    module = make_module()
    response = client.post(page_url(module, "tr", "enrol/"), follow=True)
    assert Enrolment.objects.get(member=member).status == Enrolment.Status.ACTIVE
    assert f'<li class="message success">{in_turkish("You are enrolled. Welcome!")}</li>' in response.text


@pytest.mark.parametrize("viewer", ["tutor", "learner_after_start"])
def test_unit_without_turkish_text_shows_english_with_a_note(client, make_module, member, viewer):
    if viewer == "tutor":
        module = make_module(units=[("Only in English", "")], tutors=[member])
    else:
        module = make_module(
            units=[("Only in English", "")],
            start_date=days_from_today(-2),
            enrolment_closes=timezone.now() + datetime.timedelta(days=1),
        )
        enrolment_create(module=module, member=member)
    client.force_login(member)
    html = client.get(unit_url(module, "tr")).content.decode()
    assert "Only in English" in html
    assert '<p class="note" role="note">' in html
    assert in_turkish("Not yet translated: parts of this page are shown in English.") in html


def test_translated_unit_has_no_fallback_note(client, make_module, member):
    module = make_module(units=[("In English", "Türkçe başlık")], tutors=[member])
    client.force_login(member)
    html = client.get(unit_url(module, "tr")).content.decode()
    assert "Türkçe başlık" in html
    assert '<p class="note" role="note">' not in html


@pytest.mark.parametrize("page", ["abc", "0", "99999999999999999999"])
def test_a_page_number_of_no_page_is_the_sites_not_found_page(client, make_index, page):
    index = make_index("not-found")
    response = client.get(page_url(index), {"page": page})
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_sweep_for_unsent_mails_is_scheduled():
    tasks = {entry["task"] for entry in current_app.conf.beat_schedule.values()}
    assert "courses.tasks.send_pending_enrolment_mails" in tasks


@pytest.mark.parametrize("tutor", [False, True])
def test_the_module_page_and_its_live_sessions_ask_once_whether_the_member_tutors_it(client, make_module, tutor):
    """The enrolment box and seminars' live sessions both need to know; the module answers both."""
    module = make_module(start_date=days_from_today(-3))
    viewer = UserFactory()
    if tutor:
        module.tutors.add(viewer)
        module.save()
    client.force_login(viewer)
    client.get(page_url(module))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(page_url(module)).content.decode()
    assert len([query for query in queries if "coursemodulepage_tutors" in query["sql"]]) == 1
    assert ("?module=" in html) is tutor  # the tutor's "Schedule a session" link


def test_queries_per_page(client, make_index, make_module):
    """Pinned, so that a new query per page is a decision, not an accident. The course index's
    listing is kept (the second request reads it from the cache: three queries fewer), and so is
    every page's route and view restrictions (nlu.routing: the page by its key, not a walk down the
    tree), and the member's permissions (nlu.backends), and the session (nlu.settings: cached_db).
    The module page and the dashboard include seminars' sections; the dashboard also spaces' (the
    member's spaces), and seminars asks the host's SEMINARS_AUDIENCES (spaces) for the member's groups.
    The unit page asks seminars for the module's next session (course_unit_sections)."""
    counts = page_queries(client, *running_module(make_index, make_module, name="small", units=7, enrolments=10))
    assert counts == {"course index": 4, "module page": 9, "unit page": 7, "dashboard": 10}


@pytest.mark.parametrize("language", ["en", "tr"])
def test_queries_per_page_signed_in_and_anonymous(client, make_index, make_module, language):
    """As above. The viewer is enrolled, so the module page does not count the places taken (one
    query fewer than for anyone else)."""
    module, viewer = running_module(make_index, make_module, name=f"pinned-{language}", units=7, enrolments=10)
    index = module.get_parent().specific
    add_siblings(index, 10 - CourseModulePage.objects.child_of(index).count())
    assert signed_in_and_anonymous_queries(client, module, viewer, language) == {
        "course index, anonymous": 3,
        "course index, last page, anonymous": 3,
        "module page, anonymous": 7,
        "unit page, anonymous": 5,
        "course index, signed in": 4,
        "course index, last page, signed in": 4,
        "module page, signed in": 9,
        "unit page, signed in": 7,
        "dashboard": 10,
    }
