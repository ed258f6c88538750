"""What every member sees alike of the wiki is rendered once and kept in the cache: recent changes,
a page's text, tags and other languages, a page's history. Every write shows on the next read, at once."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.wiki.zones import zone_of
from wiki.services import page_create, page_protect, page_revert

pytestmark = pytest.mark.django_db


def recent_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("wiki:recent")


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_read_is_served_from_the_cache(member_client, make_page):
    make_page(title="Courier interviews")
    assert "Courier interviews" in read(member_client, recent_url())
    with CaptureQueriesContext(connection) as queries:
        assert "Courier interviews" in read(member_client, recent_url())
    assert not [q for q in queries.captured_queries if "wiki_revision" in q["sql"]]


def test_a_save_shows_at_once(member_client, make_page, edit):
    page = make_page(title="Courier interviews")
    read(member_client, recent_url())
    edit(page, "A new paragraph.\n", summary="Added the Ankara group")
    html = read(member_client, recent_url())
    assert "Added the Ankara group" in html
    assert "to=2" in html  # the row links to the changes of revision 2


def test_a_new_page_and_a_rename_show_at_once(member_client, make_page):
    page = make_page(title="Courier interviews")
    read(member_client, recent_url())
    make_page(title="Warehouse strikes")
    page.title = "Courier interviews, 2026"
    page.save(update_fields=["title"])
    html = read(member_client, recent_url())
    assert "Warehouse strikes" in html
    assert "Courier interviews, 2026" in html


def test_a_deleted_page_leaves_at_once(member_client, make_page):
    page = make_page(title="Courier interviews")
    assert "Courier interviews" in read(member_client, recent_url())
    page.delete()
    assert "Courier interviews" not in read(member_client, recent_url())


def test_a_member_renamed_shows_at_once(member_client, make_page):
    """Members are named as ``str()`` names them, whatever the user model: here by their username."""
    author = UserFactory(username="ayse-y")
    make_page(title="Courier interviews", author=author)
    assert str(author) in read(member_client, recent_url())
    author.username = "ayse-yilmaz"
    author.save()
    assert "ayse-yilmaz" in str(author)
    assert str(author) in read(member_client, recent_url())
    author.delete()
    assert "a former member" in read(member_client, recent_url())


def test_a_save_inside_a_transaction_shows_at_once_and_after_commit(member_client, make_page, edit):
    page = make_page(title="Courier interviews")
    read(member_client, recent_url())
    with transaction.atomic():
        edit(page, "A new paragraph.\n", summary="Added the Ankara group")
        assert "Added the Ankara group" in read(member_client, recent_url())
    assert "Added the Ankara group" in read(member_client, recent_url())


def read_as(client, member, url: str) -> str:
    client.force_login(member)
    with zone_of(member):
        return read(client, url)


def test_each_language_and_time_zone_has_its_own_rows(client, make_page):
    make_page(title="Courier interviews")
    istanbul = UserFactory(language="en", timezone="Europe/Istanbul")
    assert "Time (Europe/Istanbul)" in read_as(client, istanbul, recent_url())
    html = read_as(client, UserFactory(language="en", timezone="America/Bogota"), recent_url())
    assert "Time (America/Bogota)" in html
    assert "Europe/Istanbul" not in html
    html = read_as(client, UserFactory(language="tr", timezone="Europe/Istanbul"), recent_url("tr"))
    assert "Time (Europe/Istanbul)" not in html  # the Turkish heading
    assert "Courier interviews" in html


def test_filters_and_pages_are_kept_apart(member_client, make_page, member):
    make_page(title="Courier interviews")
    make_page(title="Kurye görüşmeleri", language="tr")
    assert "Kurye görüşmeleri" in read(member_client, recent_url())
    html = read(member_client, recent_url() + "?language=en")
    assert "Courier interviews" in html and "Kurye görüşmeleri" not in html
    html = read(member_client, recent_url() + "?language=tr")
    assert "Kurye görüşmeleri" in html and "Courier interviews" not in html
    response = member_client.get(recent_url() + "?member=nobody-of-that-name")
    assert response.status_code == 400
    assert "No changes to show." in response.content.decode()


def page_url(page, name: str = "page") -> str:
    with translation.override(page.language):
        return reverse(f"wiki:{name}", args=[page.slug])


def test_a_page_shows_its_new_tags_translation_and_links_at_once(member_client, make_page, member):
    page = make_page(title="Courier interviews", text="See [[Interview guide]].\n")
    html = read(member_client, page_url(page))
    assert "wiki-missing" in html and "Create this page in Türkçe" in html
    page.tags.set(["platform work"])
    assert "platform work" in read(member_client, page_url(page))
    page.tags.set(["organising"])
    assert "platform work" not in read(member_client, page_url(page))
    page_create(title="Interview guide", language="en", text="Ask about pay.\n", author=member)
    assert "wiki-missing" not in read(member_client, page_url(page))  # the red link turned blue
    page_create(title="Kurye görüşmeleri", language="tr", text="Metin.\n", author=member, translation_of=page)
    html = read(member_client, page_url(page))
    assert "Kurye görüşmeleri" in html and "Create this page in Türkçe" not in html


def test_a_page_shows_its_new_text_at_once(member_client, make_page, edit):
    page = make_page(title="Courier interviews")
    read(member_client, page_url(page))
    edit(page, "See the notes.\n", summary="Pointed to the notes")
    html = read(member_client, page_url(page))
    assert "See the notes." in html and "Revision 2" in html and "Pointed to the notes" in html


def test_a_history_shows_a_save_at_once(member_client, make_page, edit):
    page = make_page(title="Courier interviews")
    assert "Added the Ankara group" not in read(member_client, page_url(page, "history"))
    edit(page, "A new paragraph.\n", summary="Added the Ankara group")
    html = read(member_client, page_url(page, "history"))
    assert "Added the Ankara group" in html
    assert 'id="revert-1"' in html and 'id="revert-2"' not in html  # the current revision is not reverted to


def test_a_history_offers_reverting_only_to_who_may_edit(client, make_page, edit, member, coordinator):
    page = make_page(title="Courier interviews")
    edit(page, "A new paragraph.\n")
    page_protect(page=page, protected=True, by=coordinator)
    client.force_login(coordinator)
    html = read(client, page_url(page, "history"))
    assert 'form="revert-1"' in html and 'id="revert-1"' in html and "csrfmiddlewaretoken" in html
    client.force_login(member)
    html = read(client, page_url(page, "history"))
    assert "revert-1" not in html
    client.force_login(coordinator)
    page_revert(page=page, number=1, author=coordinator)
    html = read(client, page_url(page, "history"))
    assert "?revision=3" in html
    assert 'id="revert-1"' in html and 'id="revert-2"' in html and 'id="revert-3"' not in html
