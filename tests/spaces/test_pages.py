"""A space's wiki pages: written from the space (``/wiki/+new/?space=<slug>``), owned by it (scope "space:<pk>"),
private exactly when the space is members-only, listed on its page, following the space when its visibility changes,
and each edit news in the space."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from spaces.models import Activity, Space
from tests.factories import UserFactory
from wiki.models import WikiPage
from wiki.services import page_create

from .conftest import BARE_HOST, enrol, page_text, signed_in, space_form, translated

pytestmark = pytest.mark.django_db


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def new_page(client, space_slug: str, title: str = "Reading list", text: str = "Books we read.\n", language="en"):
    return client.post(f"/{language}/wiki/+new/?space={space_slug}", {"title": title, "text": text, "save": "1"})


@pytest.fixture
def public(make_space):
    return make_space("Platform co-ops")


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_a_member_writes_a_page_inside_the_space(client, make_space, visibility):
    space = make_space("Platform co-ops", visibility=visibility)
    member = signed_in(client, enrol(space))

    form = member.get(f"/en/wiki/+new/?space={space.slug}")
    assert form.status_code == 200
    assert "Platform co-ops" in html(form).select_one(".wiki-scope").get_text()
    response = new_page(member, space.slug)
    assert response.status_code == 302

    page = WikiPage.objects.get(slug="reading-list")
    assert (page.scope, page.private) == (f"space:{space.pk}", visibility == "members")
    owner = html(member.get("/en/wiki/reading-list/")).select_one(".wiki-scope a")
    assert (owner.get_text(strip=True), owner["href"]) == ("Platform co-ops", f"/en/spaces/{space.slug}/")
    listed = html(member.get(f"/en/spaces/{space.slug}/")).select_one("#pages-heading").parent
    assert [(a.get_text(), a["href"]) for a in listed.select("li a")] == [("Reading list", "/en/wiki/reading-list/")]
    assert Client().get("/en/wiki/reading-list/").status_code == (404 if visibility == "members" else 200)


def test_the_space_page_offers_members_to_add_a_page(client, public):
    link = f"/en/wiki/+new/?space={public.slug}"
    page = html(signed_in(client, enrol(public)).get(f"/en/spaces/{public.slug}/"))
    assert link in [a["href"] for a in page.find_all("a")]
    assert link not in signed_in(client, UserFactory()).get(f"/en/spaces/{public.slug}/").content.decode()


def test_who_is_not_a_member_cannot_write_in_the_space(client, public, make_space):
    closed = make_space("Couriers organising", visibility=Space.Visibility.MEMBERS)
    outsider = signed_in(client, UserFactory())
    assert outsider.get(f"/en/wiki/+new/?space={closed.slug}").status_code == 404
    assert outsider.get(f"/en/wiki/+new/?space={public.slug}").status_code == 403
    assert outsider.get("/en/wiki/+new/?space=no-such-space").status_code == 404
    assert new_page(outsider, closed.slug, title="Sneaked in").status_code == 404
    assert new_page(outsider, public.slug, title="Sneaked in").status_code == 403
    visitor = signed_in(client, None)
    response = visitor.get(f"/en/wiki/+new/?space={public.slug}")
    assert response.status_code == 302 and "login" in response["Location"]
    assert new_page(visitor, closed.slug, title="Sneaked in").status_code in (302, 404)
    assert not WikiPage.objects.filter(slug="sneaked-in").exists()


def test_a_former_member_can_no_longer_write_there(client, public):
    member = enrol(public)
    from spaces.services import space_leave

    space_leave(space=public, member=member)
    assert new_page(signed_in(client, member), public.slug).status_code == 403
    assert not WikiPage.objects.exists()


def test_changing_the_spaces_visibility_hides_and_shows_its_pages(client, public, founder):
    coordinator = signed_in(client, founder)
    new_page(coordinator, public.slug, title="Strike fund plans", text="Where the money is.\n")
    assert Client().get("/en/wiki/strike-fund-plans/").status_code == 200

    response = coordinator.post(
        f"/en/spaces/{public.slug}/edit/", space_form(public, visibility="members", joining="invitation")
    )
    assert response.status_code == 302
    assert WikiPage.objects.get(slug="strike-fund-plans").private
    for reader in (Client(), signed_in(Client(), UserFactory())):
        assert reader.get("/en/wiki/strike-fund-plans/").status_code == 404
        assert "Strike fund plans" not in page_text(reader.get("/en/wiki/"))
        assert "Strike fund plans" not in page_text(reader.get("/en/wiki/+search/", {"q": "money"}))
    assert coordinator.get("/en/wiki/strike-fund-plans/").status_code == 200

    space = Space.objects.get(pk=public.pk)
    assert coordinator.post(f"/en/spaces/{space.slug}/edit/", space_form(space, visibility="public")).status_code == 302
    assert not WikiPage.objects.get(slug="strike-fund-plans").private
    assert Client().get("/en/wiki/strike-fund-plans/").status_code == 200
    assert "Strike fund plans" in page_text(Client().get("/en/wiki/+search/", {"q": "money"}))


def test_a_new_page_follows_the_spaces_visibility_when_it_is_saved(make_space, founder):
    """A form opened while the space was public and saved after it turned members-only makes a private page:
    the space's row is locked when the page is saved, as a change of visibility locks it (no window between)."""
    closed = make_space("Couriers organising", visibility=Space.Visibility.MEMBERS)
    page = page_create(
        title="Strike fund", language="en", text="Kept here.\n", author=founder, scope=closed.key, private=False
    )
    page.refresh_from_db()
    assert page.private is True
    opened = make_space("Platform co-ops")
    page = page_create(
        title="Reading list", language="en", text="Books.\n", author=founder, scope=opened.key, private=True
    )
    page.refresh_from_db()
    assert page.private is False


def test_each_edit_of_a_page_is_news_in_the_space(client, public):
    member = enrol(public, username="ayse")
    writer = signed_in(client, member)
    new_page(writer, public.slug, title="Reading list", text="Books.\n")
    edit = {"text": "Books, and films.\n", "summary": "", "base_number": 1}
    response = writer.post("/en/wiki/reading-list/edit/", edit)
    assert response.status_code == 302

    news = Activity.objects.filter(space=public, kind=Activity.Kind.PAGE)
    assert news.count() == 2 and {item.actor for item in news} == {member}
    lines = html(Client().get(f"/en/spaces/{public.slug}/")).select("ol.activity li")
    edits = [li for li in lines if "edited a page" in li.get_text()]
    assert len(edits) == 2
    assert all(
        li.a["href"] == "/en/wiki/reading-list/" and "ayse edited a page: Reading list" in li.a.get_text()
        for li in edits
    )


def test_an_edit_of_a_page_of_no_space_is_no_ones_news(client, public, founder):
    signed_in(client, founder).post("/en/wiki/+new/", {"title": "General", "text": "x\n", "save": "1"})
    assert WikiPage.objects.get(slug="general").scope == ""
    assert not Activity.objects.filter(kind=Activity.Kind.PAGE).exists()


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_non_member_is_told_to_join_first(client, public, language):
    response = signed_in(client, UserFactory()).get(f"/{language}/wiki/+new/?space={public.slug}")
    assert response.status_code == 403
    if not BARE_HOST:  # the bare host's 403 page is Django's own, which shows no reason
        assert translated("Join the space to add pages to it.", language) in page_text(response)
