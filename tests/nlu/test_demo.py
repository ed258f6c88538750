"""load_demo: the demo site and users; running it again changes nothing."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Page, PageLogEntry, Revision, Site

from nlu.models import HomePage
from tests.nlu.screen import parse, text

DEMO_USERNAMES = ["coordinator", "tutor", "steward", "researcher"]


def snapshot() -> dict:
    """Everything load_demo writes, in a form that shows any change."""
    return {
        "users": sorted(get_user_model().objects.values_list("username", "password", "timezone", "language")),
        "email addresses": sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
        "pages": sorted(Page.objects.values_list("id", "url_path", "latest_revision_id", "live")),
        "revisions": Revision.objects.count(),
        "page log entries": PageLogEntry.objects.count(),
        "sites": sorted(Site.objects.values_list("hostname", "port", "root_page_id", "is_default_site")),
    }


def test_second_run_changes_nothing(db):
    call_command("load_demo", stdout=io.StringIO())
    first = snapshot()

    call_command("load_demo", stdout=io.StringIO())

    assert snapshot() == first


def test_a_load_empties_the_cache(demo):
    """Bulk inserts (--scale) send no signal: nothing read from the database before may be served after."""
    cache.set("read-before-the-load", "stale", None)
    call_command("load_demo", stdout=io.StringIO())
    assert cache.get("read-before-the-load") is None


def test_demo_has_the_four_users_and_the_home_page_as_site_root(demo):
    assert set(DEMO_USERNAMES) <= set(get_user_model().objects.values_list("username", flat=True))
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_demo_users_sign_in_with_the_demo_password(client, demo, username):
    response = client.post("/en/accounts/login/", {"login": username, "password": "nlu-demo"})

    assert response.status_code == 302
    assert client.get("/en/profile/").status_code == 200


def test_home_page_has_an_english_and_a_turkish_title(client, demo):
    home = HomePage.objects.get()

    assert home.title_en
    assert home.title_tr
    assert home.title_tr != home.title_en
    for language in ("en", "tr"):
        with translation.override(language):
            title = home.title
        assert text(parse(client.get(f"/{language}/")).h1) == title
