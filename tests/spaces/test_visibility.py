"""A members-only space is not there for anyone else: every address inside it is 404 to non-members, signed
in or not, and its words show on no address they can reach (a crawl of the site from its lists).
A public space is everyone's to read."""

import datetime
import re
from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone
from wagtail.documents import get_document_model

from seminars.models import CalendarFeed
from spaces import services
from spaces.models import Space
from tests.factories import UserFactory
from wiki.services import page_create

from .conftest import BARE_HOST, enrol, page_text, signed_in, translated, upload

pytestmark = pytest.mark.django_db

# Words only the members-only space has: in its name, its purpose, its page and its file's title.
NAME_WORD, PURPOSE_WORD, PAGE_WORD, FILE_WORD = "Quillfeather", "vrrmbleplex", "zorblaxian", "Glimmerquartz"
SECRETS = (NAME_WORD, PURPOSE_WORD, PAGE_WORD, FILE_WORD)
PAGE_TITLE = "Strike fund plans"


def first_meeting_day() -> datetime.datetime:
    day = (timezone.now() + datetime.timedelta(days=3)).date()
    return datetime.datetime.combine(day, datetime.time(16, 0))


@pytest.fixture
def hidden(make_space, founder):
    """A members-only space with a page, a file, a meeting series and a member; and what it holds."""
    space = make_space(
        f"{NAME_WORD} couriers",
        visibility=Space.Visibility.MEMBERS,
        purpose=f"Organising the {PURPOSE_WORD} riders of the city.",
        translations={"purpose_en": f"Organising the {PURPOSE_WORD} riders of the city."},
    )
    member = enrol(space, username="insider")
    page = page_create(
        title=PAGE_TITLE,
        language="en",
        text=f"Where the {PAGE_WORD} money of the couriers is kept.\n",
        author=founder,
        scope=space.key,
        private=True,
    )
    document = services.file_add(space=space, by=founder, upload=upload("ledger.pdf"), title=f"{FILE_WORD} ledger")
    meetings = services.meeting_schedule(
        space=space, by=founder, start_local=first_meeting_day(), timezone_name="Europe/Berlin", occurrences=3
    )
    return {"space": space, "member": member, "page": page, "document": document, "meetings": meetings}


@pytest.fixture
def public(make_space, founder):
    """A public space with a page of its own, whose words anyone may read."""
    space = make_space("Open couriers circle", purpose="Riders of the city read together.")
    page = page_create(
        title="Open reading list", language="en", text="Couriers read about money.\n", author=founder, scope=space.key
    )
    services.meeting_schedule(
        space=space, by=founder, start_local=first_meeting_day(), timezone_name="Europe/Berlin", occurrences=1
    )
    return {"space": space, "page": page}


def inside(hidden) -> list[str]:
    """Every address inside the members-only space: its own pages, its wiki page's, its meetings'."""
    space, page, document = hidden["space"], hidden["page"], hidden["document"]
    own = [
        f"/{language}/spaces/{space.slug}/{tail}"
        for language in ("en", "tr")
        for tail in (
            "",
            "members/",
            "files/",
            f"files/{document.pk}/{document.filename}",
            "meeting/",
            "edit/",
            "activity.atom",
            "activity.atom?token=not-a-token",
        )
    ]
    wiki = [
        f"/en/wiki/{page.slug}/",
        f"/en/wiki/{page.slug}/history/",
        f"/en/wiki/{page.slug}/diff/?from=1&to=1",
        f"/en/wiki/{page.slug}/links/",
        f"/en/wiki/{page.slug}/export.md",
        f"/tr/wiki/{page.slug}/",
    ]
    meetings = [f"/en/sessions/{meeting.pk}/{tail}" for meeting in hidden["meetings"] for tail in ("", "wait/")]
    meetings += [f"/en/sessions/{meeting.pk}.ics" for meeting in hidden["meetings"]]
    return own + wiki + meetings


def secrets_in(response) -> list[str]:
    content = response.content if not response.streaming else b"".join(response.streaming_content)
    body = content.decode(errors="replace")
    # Case matters: the space's address (its slug, "quillfeather-couriers") is echoed by a 404 page, as typed.
    return [word for word in SECRETS if word in body]


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_everything_inside_a_members_only_space_is_not_found(client, hidden, who):
    user = None if who == "visitor" else UserFactory(username="outsider")
    visitor = signed_in(client, user)
    for address in inside(hidden):
        response = visitor.get(address)
        assert response.status_code == 404, address
        assert not secrets_in(response), address
    slug = hidden["space"].slug
    meeting = hidden["meetings"][0]
    posts = [
        f"/en/spaces/{slug}/join/",
        f"/en/spaces/{slug}/leave/",
        f"/en/spaces/{slug}/digest/",
        f"/en/spaces/{slug}/invite/",
        f"/en/spaces/{slug}/files/",
        f"/en/spaces/{slug}/meeting/",
        f"/en/spaces/{slug}/meeting/{meeting.pk}/notes/",
        f"/en/sessions/{meeting.pk}/join/",
    ]
    for address in posts:
        response = visitor.post(address, {"consent": "1"})
        assert response.status_code == 404, address
        assert not secrets_in(response), address
    if user is not None:
        assert visitor.get(f"/en/wiki/+new/?space={slug}").status_code == 404
    # Nothing changed inside.
    assert hidden["space"].memberships.count() == 2 and hidden["space"].invitations.filter(used_at=None).count() == 0


def test_an_outsiders_own_feed_token_does_not_open_a_members_only_feed(client, hidden):
    outsider = UserFactory()
    signed_in(client, outsider).get("/en/spaces/")  # an outsider has a token of their own
    from spaces.selectors import feed_token

    response = Client().get(f"/en/spaces/{hidden['space'].slug}/activity.atom?token={feed_token(outsider)}")
    assert response.status_code == 404 and not secrets_in(response)


def test_members_read_everything_inside(client, hidden):
    """The same addresses are there for a member (else the 404s above would prove nothing)."""
    member = signed_in(client, hidden["member"])
    for address in inside(hidden):
        if "/meeting/" in address or "/edit/" in address or "not-a-token" in address or address.startswith("/tr/wiki"):
            continue  # coordinators' pages; a wrong token is for feed readers; the page has no Turkish version
        assert member.get(address).status_code == 200, address
    page = page_text(member.get(f"/en/spaces/{hidden['space'].slug}/"))
    assert all(word in page for word in (NAME_WORD, PURPOSE_WORD, FILE_WORD, PAGE_TITLE))
    assert PAGE_WORD in page_text(member.get(f"/en/wiki/{hidden['page'].slug}/"))


def test_a_public_space_is_everyones_to_read(client, public):
    space, page = public["space"], public["page"]
    for user in (None, UserFactory()):
        reader = signed_in(client, user)
        for address in ("", "members/", "files/", "activity.atom"):
            assert reader.get(f"/en/spaces/{space.slug}/{address}").status_code == 200, address
        assert "Open reading list" in page_text(reader.get(f"/en/spaces/{space.slug}/"))
        assert "Couriers read about money." in page_text(reader.get(f"/en/wiki/{page.slug}/"))
        assert "Open couriers circle" in page_text(reader.get("/en/spaces/"))


# --- The crawl -----------------------------------------------------------------------------------

SKIPPED = ("/admin/", "/static/", "/media/", "/accounts/logout", "/accounts/password", "/documents/")


def same_site(href: str) -> str | None:
    """The address of a link to this site (path and query), or None for another site's, a fragment, a mail."""
    href, _ = urldefrag(href.strip())
    parts = urlsplit(href)
    if parts.scheme and (parts.scheme not in ("http", "https") or parts.netloc != "testserver"):
        return None
    if not parts.scheme and (parts.netloc or not parts.path.startswith("/")):
        return None
    if parts.path.startswith(SKIPPED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start: list[str], limit: int = 600) -> dict[str, int]:
    """Every same-site address reachable from ``start`` by links (GET), with its status; fails on a secret word."""
    seen: dict[str, int] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        address = queue.pop(0)
        if address in seen:
            continue
        response = client.get(address)
        seen[address] = response.status_code
        assert not secrets_in(response), (address, secrets_in(response))
        if response.status_code in (301, 302, 303):
            target = same_site(response["Location"])
            if target:
                queue.append(target)
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = BeautifulSoup(response.content, "html.parser")
        for tag in html.select("a[href], link[href]"):
            target = same_site(tag["href"])
            if target and target not in seen:
                queue.append(target)
    return seen


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_a_members_only_spaces_words_are_on_no_address_a_non_member_can_reach(client, hidden, public, founder, who):
    # More to find: the members-only page edited again, activity on both spaces, a second page of each.
    open_key = public["space"].key
    page_create(title="Couriers agenda", language="en", text="An open agenda.\n", author=founder, scope=open_key)
    page_create(
        title="Couriers roster",
        language="en",
        text=f"The {PAGE_WORD} roster.\n",
        author=hidden["member"],
        scope=hidden["space"].key,
        private=True,
    )
    services.file_add(space=public["space"], by=founder, upload=upload("open.pdf"), title="Open leaflet")
    user = None if who == "visitor" else UserFactory(username="outsider")
    visitor = signed_in(client, user)
    start = [
        "/en/",
        "/en/spaces/",
        "/tr/spaces/",
        "/en/spaces/?q=couriers",
        "/en/spaces/?q=riders",
        "/en/wiki/",
        "/tr/wiki/",
        "/en/wiki/+recent/",
        "/en/wiki/+search/?q=couriers",
        "/en/wiki/+search/?q=money",
        "/en/wiki/+search/?q=roster",
        "/en/sessions/",
        "/tr/sessions/",
        *inside(hidden),
    ]
    if user is not None:
        calendar = CalendarFeed.objects.get_or_create(member=user)[0].token
        start += [f"/en/sessions/calendar/{calendar}.ics", "/en/learning/"]
    seen = crawl(visitor, start)

    reached = {address for address, status in seen.items() if status == 200}
    slug = public["space"].slug
    assert {f"/en/spaces/{slug}/", f"/en/spaces/{slug}/members/", f"/en/spaces/{slug}/files/"} <= reached
    assert f"/en/wiki/{public['page'].slug}/" in reached
    assert any(re.match(rf"^/en/spaces/{slug}/files/\d+/", address) for address in reached)
    assert any(re.match(r"^/en/sessions/\d+/$", address) for address in reached)  # the public space's meeting
    assert not {address for address in reached if hidden["space"].slug in address}
    assert get_document_model().objects.count() == 2


def test_the_crawl_would_find_the_words(client, hidden, public):
    """The same crawl as a member meets the words: the check above is not blind."""
    member = signed_in(client, hidden["member"])
    with pytest.raises(AssertionError):
        crawl(member, ["/en/spaces/"])


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_hidden_space_looks_like_no_space_at_all(client, hidden, language):
    """The refusal says nothing a non-member could tell a members-only space from a missing one by."""
    slug = hidden["space"].slug
    outsider = signed_in(client, UserFactory())
    for tail in ("", "files/", "activity.atom"):
        hidden_page = outsider.get(f"/{language}/spaces/{slug}/{tail}")
        missing_page = outsider.get(f"/{language}/spaces/no-such-space/{tail}")
        assert hidden_page.status_code == missing_page.status_code == 404
        assert page_text(hidden_page).replace(slug, "no-such-space") == page_text(missing_page)
    if not BARE_HOST:  # the host's own 404 page, in the reader's language
        assert translated("Page not found", language) in page_text(outsider.get(f"/{language}/spaces/{slug}/"))
