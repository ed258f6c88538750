"""Anonymous pages come from the cache, and any change to the content shows at once."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from courses.models import CourseModulePage, Enrolment
from courses.services import enrolment_create
from nlu.models import HomePage, StandardPage
from nlu.page_cache import GENERATION_KEY, content_generation
from seminars.models import CalendarFeed
from tests.factories import UserFactory
from wiki.services import page_create, page_save


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.NLU_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...``: what the block writes is committed (the test's transaction stays open)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def read_twice(client, url: str, django_assert_num_queries, **headers):
    """The page, read once to fill the cache and once more from it (no query at all)."""
    first = client.get(url, **headers)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url, **headers)
    assert second.content == first.content
    return second


def test_a_visitor_reads_the_home_page_from_the_cache(client, demo, django_assert_num_queries):
    page = read_twice(client, "/en/", django_assert_num_queries)
    assert page["Content-Language"] == "en"
    assert "Networked Labour University" in page.content.decode()
    assert "Üye ol" in read_twice(client, "/tr/", django_assert_num_queries).content.decode()  # the Turkish "Join"


def test_a_published_change_shows_at_once(client, demo, django_assert_num_queries, committed):
    read_twice(client, "/en/", django_assert_num_queries)
    home = HomePage.objects.get(depth=2)
    home.intro_en = "Courses start again in spring."
    with committed():
        home.save_revision().publish()
    assert "Courses start again in spring." in client.get("/en/").content.decode()


def test_a_wiki_edit_shows_to_readers_at_once(client, demo, django_assert_num_queries, committed):
    author = get_user_model().objects.get(username="researcher")
    with translation.override("en"):
        page = page_create(title="Strike funds", language="en", text="First notes.\n", author=author)
    url = f"/en/wiki/{page.slug}/"
    assert "First notes." in read_twice(client, url, django_assert_num_queries).content.decode()
    with committed():
        page_save(page=page, text="First notes.\n\nA second paragraph.\n", author=author, base_number=1)
    assert "A second paragraph." in client.get(url).content.decode()


def test_each_time_zone_has_its_own_copy(client, demo, django_assert_num_queries):
    client.cookies["nlu_tz"] = "Europe/Istanbul"
    assert "Europe/Istanbul" in read_twice(client, "/en/", django_assert_num_queries).content.decode()
    client.cookies["nlu_tz"] = "America/Sao_Paulo"
    assert "America/Sao_Paulo" in client.get("/en/").content.decode()


def test_signed_in_members_are_never_served_from_the_cache(client, demo, django_assert_num_queries):
    read_twice(client, "/en/", django_assert_num_queries)
    member = UserFactory(username="berk", language="en")
    client.force_login(member)
    page = client.get("/en/").content.decode()
    assert "berk" in page
    assert "Sign out" in page


def test_a_page_with_a_form_token_is_not_kept(client, demo):
    """The sign-in form carries a CSRF token: every visitor gets their own, and its cookie."""
    for _ in range(2):
        client.cookies.clear()
        answer = client.get("/en/accounts/login/")
        assert answer.status_code == 200
        assert "csrftoken" in answer.cookies


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, demo, django_assert_num_queries):
    """Signing out leaves "You have signed out." in a cookie: the cached home page would not show it."""
    read_twice(client, "/en/", django_assert_num_queries)
    client.force_login(get_user_model().objects.get(username="steward"))
    home = client.post("/en/accounts/logout/", follow=True)
    assert home.redirect_chain[-1][0] == "/en/"
    assert "You have signed out." in home.content.decode()


def test_a_write_moves_the_generation_when_it_commits(demo, django_capture_on_commit_callbacks):
    """Not before: a page rendered between the write and the commit read the old rows."""
    before = content_generation()
    with django_capture_on_commit_callbacks() as at_commit:
        UserFactory(username="deniz")
        assert cache.get(GENERATION_KEY) == before
    for callback in at_commit:
        callback()
    assert cache.get(GENERATION_KEY) != before


def test_a_write_rolled_back_keeps_the_generation(demo, django_capture_on_commit_callbacks):
    before = content_generation()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            UserFactory(username="deniz")
            raise RuntimeError("refused")
    assert cache.get(GENERATION_KEY) == before


def test_sessions_do_not_empty_the_cache(client, demo, django_assert_num_queries):
    read_twice(client, "/en/", django_assert_num_queries)
    before = cache.get(GENERATION_KEY)
    other = type(client)()
    other.force_login(get_user_model().objects.get(username="steward"))  # writes a session row
    assert cache.get(GENERATION_KEY) == before


def test_the_default_cache_is_shared_between_processes(tmp_path):
    """Without Redis the web server's processes and the Celery worker share one cache (files under var/)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nlu.settings.dev",
        "NLU_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    code = (
        "import django, sys; django.setup(); from django.core.cache import cache; "
        "from nlu.page_cache import GENERATION_KEY, new_generation; "
        "sys.argv[1:] == ['write'] and new_generation(); print(cache.get(GENERATION_KEY))"
    )
    run = [sys.executable, "-c", code]
    written = subprocess.run([*run, "write"], env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True)
    read = subprocess.run(run, env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    assert len(written.stdout.strip()) == 32
    assert read.stdout == written.stdout


def menu(client) -> list[str]:
    page = client.get("/en/").content.decode()
    nav = page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    return [label.split(">")[-1] for label in nav.split("</a>")[:-1]]


def test_the_menu_is_kept_per_member_until_the_site_changes(client, demo, django_assert_max_num_queries, committed):
    client.force_login(get_user_model().objects.get(username="steward"))
    with CaptureQueriesContext(connection) as first:
        assert "My hours" in menu(client)
    with django_assert_max_num_queries(len(first) - 2):  # the site's menu pages and the course index
        assert "My hours" in menu(client)
    assert "My hours" not in menu(type(client)())  # a visitor's menu is their own

    about = StandardPage.objects.get(slug_en="about")
    about.show_in_menus = False
    with committed():
        about.save_revision().publish()
    assert "About NLU" not in menu(client)


def test_a_visitor_sees_places_taken_change_on_an_open_module(client, demo, django_assert_num_queries, committed):
    """The open module's page has no form for a visitor (a sign-in link instead), so it is kept."""
    module = CourseModulePage.objects.get(slug_en="module-1")
    page = read_twice(client, "/en/courses/module-1/", django_assert_num_queries).content.decode()
    assert 'href="/en/accounts/login/?next=/en/courses/module-1/"' in page
    taken = module.enrolments.filter(status=Enrolment.Status.ACTIVE).count()
    assert f"{taken} of {module.capacity} places taken." in page

    with committed():
        enrolment_create(module=module, member=UserFactory())
    assert f"{taken + 1} of {module.capacity} places taken." in client.get("/en/courses/module-1/").content.decode()


def test_a_calendar_program_polls_the_feed_from_the_cache(client, demo, django_assert_num_queries):
    """A calendar has no session: its feed is kept like a visitor's page, and still answered with 304s."""
    token = CalendarFeed.objects.create(member=get_user_model().objects.get(username="steward")).token
    url = f"/en/sessions/calendar/{token}.ics"
    feed = read_twice(client, url, django_assert_num_queries)
    assert feed["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in feed.content
    with django_assert_num_queries(0):
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=feed["ETag"])
    assert unchanged.status_code == 304
    assert unchanged.content == b""


def test_a_browser_that_has_the_page_gets_a_304(client, demo):
    first = client.get("/en/")
    assert first.has_header("ETag")
    again = client.get("/en/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_visitor_reads_a_public_space_from_the_cache(client, demo, django_assert_num_queries):
    """A visitor is asked to sign in by a link, not by a join form (its token would keep the page out)."""
    page = read_twice(client, "/en/spaces/p2p-commons-critique/", django_assert_num_queries).content.decode()
    assert 'href="/en/accounts/login/?next=/en/spaces/p2p-commons-critique/"' in page
    assert "/join/" not in page
