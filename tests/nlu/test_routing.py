"""Page routes are remembered, and any change to the page tree or the sites shows at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import PageViewRestriction, Site

from courses.models import CourseModulePage
from nlu.models import HomePage, StandardPage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_page(parent, slug: str, **fields) -> StandardPage:
    with translation.override("en"):
        title = fields.pop("title", slug.title())
        page = parent.add_child(instance=StandardPage(title=title, slug=slug, slug_tr=f"{slug}-tr", **fields))
        page.save_revision().publish()
    return StandardPage.objects.get(pk=page.pk)


@pytest.fixture
def home(demo):
    return HomePage.objects.get()


@pytest.fixture
def member_client(client):
    """Signed in, as the members whose pages are routed on every request (a visitor's come from the page cache)."""
    client.force_login(UserFactory())
    return client


def queries_of(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries]


def test_a_known_route_costs_one_query_for_the_page_and_none_for_the_site(member_client, home):
    notes = add_page(home, "notes")
    leaf = add_page(add_page(notes, "deeper"), "leaf", title="The leaf")
    assert member_client.get("/en/").status_code == 200  # Wagtail's own caches (the sites' root paths) filled
    first, walked = queries_of(member_client, "/en/notes/deeper/leaf/")
    again, remembered = queries_of(member_client, "/en/notes/deeper/leaf/")

    assert first.status_code == again.status_code == 200
    assert "The leaf" in again.text
    assert any("wagtailcore_site" in sql for sql in walked)
    assert not any("wagtailcore_site" in sql for sql in remembered)
    page_rows = [sql for sql in remembered if 'FROM "nlu_standardpage"' in sql]
    assert len(page_rows) == 1 and f"= {leaf.pk}" in page_rows[0]
    # The walk: the site, the home page, then each level's children and the specific page found
    # there (three levels), and the view restrictions (two); remembered, one query for the page by its key.
    assert len(walked) - len(remembered) == 1 + 1 + 3 * 2 + 2 - 1


def test_a_module_and_its_units_are_served_from_the_remembered_module(member_client, demo):
    module = CourseModulePage.objects.get(slug_en="module-1")
    units = "/en/courses/module-1/week/1/"
    statuses = [member_client.get(units).status_code for _ in range(2)]
    assert statuses[0] == statuses[1] in (200, 403)  # 403 until week 1 opens
    assert member_client.get("/en/courses/module-1/").status_code == 200
    assert member_client.get("/en/courses/module-1/").context["page"] == module
    assert member_client.get("/en/courses/module-1/week/99/").status_code == 404
    assert member_client.get("/en/courses/module-1/no-such-view/").status_code == 404


def test_each_language_has_its_own_route(member_client, home):
    add_page(home, "pay", title="Pay and hours", title_tr="Ücret ve saatler")
    for _ in range(2):
        assert "Pay and hours" in member_client.get("/en/pay/").text
        assert "Ücret ve saatler" in member_client.get("/tr/pay-tr/").text
    assert member_client.get("/tr/pay/").status_code == 404
    assert member_client.get("/en/pay-tr/").status_code == 404


def test_a_new_slug_moves_the_url_at_once(member_client, home):
    page = add_page(home, "old-name")
    assert member_client.get("/en/old-name/").status_code == 200
    page.slug = page.slug_en = "new-name"
    page.save_revision().publish()
    assert member_client.get("/en/old-name/").status_code == 404
    assert member_client.get("/en/new-name/").status_code == 200


def test_a_parents_new_slug_moves_its_childrens_urls(member_client, home):
    parent = add_page(home, "before")
    add_page(parent, "child", title="The child")
    assert member_client.get("/en/before/child/").status_code == 200
    parent.slug = parent.slug_en = "after"
    parent.save_revision().publish()
    assert member_client.get("/en/before/child/").status_code == 404
    assert "The child" in member_client.get("/en/after/child/").text


def test_an_unpublished_page_is_not_found_at_once_and_found_again_when_published(member_client, home):
    page = add_page(home, "draft-soon")
    assert member_client.get("/en/draft-soon/").status_code == 200
    page.unpublish()
    assert member_client.get("/en/draft-soon/").status_code == 404
    page.save_revision().publish()
    assert member_client.get("/en/draft-soon/").status_code == 200


def test_a_moved_branch_is_found_at_its_new_place_only(member_client, home):
    left, right = add_page(home, "left"), add_page(home, "right")
    add_page(add_page(left, "branch"), "twig", title="The twig")
    assert member_client.get("/en/left/branch/twig/").status_code == 200
    StandardPage.objects.get(slug_en="branch").move(right, pos="last-child")
    assert "The twig" in member_client.get("/en/right/branch/twig/").text
    # Wagtail keeps a redirect from the old place, and nothing is served there any more.
    old_place = member_client.get("/en/left/branch/twig/")
    assert (old_place.status_code, old_place["Location"]) == (301, "/en/right/branch/twig/")


def test_a_deleted_page_is_not_found(member_client, home):
    page = add_page(home, "gone-soon")
    assert member_client.get("/en/gone-soon/").status_code == 200
    page.delete()
    assert member_client.get("/en/gone-soon/").status_code == 404


def test_a_page_made_private_asks_visitors_to_sign_in_though_its_route_is_known(client, home):
    add_page(home, "members-only")
    assert client.get("/en/members-only/").status_code == 200
    PageViewRestriction.objects.create(page=StandardPage.objects.get(slug_en="members-only"), restriction_type="login")
    response = client.get("/en/members-only/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_each_site_routes_from_its_own_root(member_client, home):
    add_page(home, "shared-name", title="On the main site")
    other_root = add_page(home, "other-root")
    add_page(other_root, "shared-name", title="On the other site")
    assert "On the main site" in member_client.get("/en/shared-name/").text
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    assert "On the other site" in member_client.get("/en/shared-name/", HTTP_HOST="other.example").text
    assert "On the main site" in member_client.get("/en/shared-name/").text


def test_a_group_restriction_lifted_or_changed_shows_at_once(member_client, home):
    page = add_page(home, "organisers")
    organisers = Group.objects.create(name="Organisers")
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(organisers)
    assert member_client.get("/en/organisers/").status_code == 302
    assert member_client.get("/en/organisers/").status_code == 302  # the remembered route keeps the restriction
    member = member_client.get("/en/").wsgi_request.user
    member.groups.add(organisers)
    assert member_client.get("/en/organisers/").status_code == 200
    restriction.groups.remove(organisers)
    assert member_client.get("/en/organisers/").status_code == 302
    restriction.delete()
    assert member_client.get("/en/organisers/").status_code == 200
