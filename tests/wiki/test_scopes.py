"""Scopes: pages owned by a group, and private pages only its members see, through a real provider.

``GROUP_SCOPES`` is such a provider, backed by Django's auth groups: a group is the scope
``group:<name>``, a group whose name starts with ``closed-`` is members-only, its members read
its pages and add pages to it (``+new/?space=<name>``). Every request goes through the test
client to the real database.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from wiki.errors import WikiError
from wiki.markdown import MISSING_CLASS
from wiki.models import Revision, WikiPage
from wiki.scopes import Scope, Scopes
from wiki.services import page_create, page_revert, page_save, scope_set_private

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def group_scopes(settings):
    settings.WIKI_SCOPES = "tests.wiki.test_scopes.GROUP_SCOPES"


KEY_PREFIX = "group:"


def scope_of(group: Group) -> Scope:
    return Scope(
        key=KEY_PREFIX + group.name,
        label=f"Group {group.name}",
        url=f"/groups/{group.name}/",
        private=group.name.startswith("closed-"),
    )


class GroupScopes(Scopes):
    """Auth groups as scopes: members read a group's pages and may add pages to it."""

    def readable(self, user) -> list[str]:
        return [KEY_PREFIX + name for name in user.groups.values_list("name", flat=True)]

    def for_new_page(self, request) -> Scope | None:
        name = request.GET.get("space")
        if name is None:
            return None
        group = Group.objects.filter(name=name).first()
        is_member = group is not None and request.user.groups.filter(pk=group.pk).exists()
        if group is None or (scope_of(group).private and not is_member):
            raise Http404
        if not is_member:
            raise PermissionDenied
        return scope_of(group)

    def describe(self, keys) -> dict[str, Scope]:
        names = [key.removeprefix(KEY_PREFIX) for key in keys if key.startswith(KEY_PREFIX)]
        return {scope.key: scope for scope in map(scope_of, Group.objects.filter(name__in=names))}


GROUP_SCOPES = GroupScopes()

SECRET = "zorblaxian"  # a word only the private page's text has
SECRET_TITLE = "Couriers strike fund ledger"


def url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"wiki:{name}", args=args)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.fixture
def closed(db):
    return Group.objects.create(name="closed-couriers")


@pytest.fixture
def insider(closed):
    user = UserFactory(language="en")
    user.groups.add(closed)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(language="en")


@pytest.fixture
def secret(insider, closed):
    """A members-only page of the couriers' group, edited once, with a Turkish translation of its own."""
    page = page_create(
        title=SECRET_TITLE,
        language="en",
        text=f"Where the {SECRET} money is kept.\n",
        author=insider,
        scope=scope_of(closed).key,
        private=True,
        tags=["ledger"],
    )
    page_save(
        page=page, text=f"Where the {SECRET} money is kept, and who holds the key.\n", author=insider, base_number=1
    )
    page_create(
        title="Kurye grev fonu",
        language="tr",
        text=f"{SECRET} para nerede tutulur.\n",
        author=insider,
        translation_of=page,
    )
    return WikiPage.objects.get(pk=page.pk)


@pytest.fixture
def public(member, secret):
    """A public page that links to the private one: what links there is everyone's to read."""
    return page_create(
        title="Organising notes",
        language="en",
        text=f"See the [[{SECRET_TITLE}]] and the [[Open agenda]].\n",
        author=member,
    )


def test_a_translation_of_a_private_page_is_private_in_the_same_scope(secret):
    turkish = WikiPage.objects.get(language="tr", translation_group=secret.translation_group)
    assert (turkish.scope, turkish.private) == (secret.scope, True)


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_a_private_page_is_not_there_for_those_outside_its_scope(who, secret, outsider):
    client = Client() if who == "visitor" else signed_in(outsider)
    slug = secret.slug
    for address in [
        url("page", slug),
        url("page", slug) + "?revision=1",
        url("edit", slug),
        url("history", slug),
        url("diff", slug) + "?from=1&to=2",
        url("backlinks", slug),
        url("export", slug),
        url("page", "kurye-grev-fonu", language="tr"),
        url("page", SECRET_TITLE),  # by its title, as a course unit links
        url("page", slug, language="tr"),  # not sent on to its translation either
    ]:
        response = client.get(address)
        assert response.status_code == 404, address
        assert SECRET not in response.content.decode(), address
        if address != url("page", SECRET_TITLE):  # there, the title is what the visitor typed
            assert SECRET_TITLE not in response.content.decode(), address
    for address in [url("revert", slug, 1), url("protect", slug)]:
        assert client.post(address, {"protected": "1"}).status_code == 404, address
    secret.refresh_from_db()
    assert (secret.current_revision.number, secret.protected) == (2, False)


def test_members_of_the_scope_read_it_all_and_see_whose_page_it_is(secret, insider):
    client = signed_in(insider)
    slug = secret.slug
    for address in [
        url("page", slug),
        url("history", slug),
        url("diff", slug) + "?from=1&to=2",
        url("edit", slug),
        url("backlinks", slug),
    ]:
        assert client.get(address).status_code == 200, address
    assert SECRET in client.get(url("export", slug)).content.decode()
    page = html_of(client.get(url("page", slug)))
    owner = page.select_one(".wiki-scope a")
    assert (owner.get_text(), owner["href"]) == ("Group closed-couriers", "/groups/closed-couriers/")
    assert "Kurye grev fonu" in page.get_text()  # its other language
    response = client.post(url("revert", slug, 1))
    assert response.status_code == 302
    assert WikiPage.objects.get(pk=secret.pk).current_revision.number == 3


def test_lists_and_search_show_private_pages_to_members_only(secret, public, insider, outsider):
    addresses = [url("index"), url("recent"), url("search") + f"?q={SECRET}", url("search") + "?q=ledger"]
    for address in addresses:
        assert SECRET_TITLE in signed_in(insider).get(address).content.decode(), address
        for client in (Client(), signed_in(outsider)):
            response = client.get(address)
            assert response.status_code == 200
            assert SECRET_TITLE not in response.content.decode(), address
    # The public page stays findable by everyone.
    assert "Organising notes" in Client().get(url("search") + "?q=organising").content.decode()


def test_what_links_here_leaves_out_private_pages(secret, insider, outsider, member):
    page_create(
        title="Open agenda",
        language="en",
        text="Nothing secret.\n",
        author=member,
    )
    page_save(
        page=secret,
        text=f"{secret.text}\nSee the [[Open agenda]].\n",
        author=insider,
        base_number=secret.current_revision.number,
    )
    address = url("backlinks", "open-agenda")
    assert SECRET_TITLE in signed_in(insider).get(address).content.decode()
    for client in (Client(), signed_in(outsider)):
        assert SECRET_TITLE not in client.get(address).content.decode()
    # The page of a missing page lists who links to it too.
    secret_only = page_save(
        page=secret, text=f"{secret.text}\nAnd [[Unwritten plan]].\n", author=insider, base_number=3
    )
    assert secret_only.revision.number == 4
    assert SECRET_TITLE in signed_in(insider).get(url("page", "unwritten-plan")).content.decode()
    assert SECRET_TITLE not in Client().get(url("page", "unwritten-plan")).content.decode()


def test_a_link_to_a_private_page_shows_no_title_and_leads_nowhere_for_outsiders(public, secret, outsider):
    """The stored HTML is everyone's: the link is what the public page's writer typed."""
    html = html_of(signed_in(outsider).get(url("page", public.slug)))
    link = next(a for a in html.select(".wiki-text a") if a.get_text() == SECRET_TITLE)
    assert signed_in(outsider).get(link["href"]).status_code in (404, 200)
    assert SECRET not in html.get_text()


def test_a_link_to_a_private_page_is_red_for_everyone(public, secret, insider):
    for client in (Client(), signed_in(insider)):
        html = html_of(client.get(url("page", public.slug)))
        link = next(a for a in html.select(".wiki-text a") if a.get_text() == SECRET_TITLE)
        assert MISSING_CLASS in link.get("class", [])


def test_other_languages_of_a_page_leave_out_private_translations(member, insider, outsider, closed):
    english = page_create(title="Strike funds", language="en", text="How funds work.\n", author=member)
    page_create(
        title="Grev fonları",
        language="tr",
        text="Gizli.\n",
        author=insider,
        translation_of=english,
        scope=scope_of(closed).key,
        private=True,
    )
    address = url("page", english.slug)
    # The member reads first, so that the page's parts are in the cache when the others come.
    assert "Grev fonları" in signed_in(insider).get(address).content.decode()
    for client in (Client(), signed_in(outsider)):
        response = client.get(address)
        assert "Grev fonları" not in response.content.decode()
        # and the Turkish address of the English page is a missing page, not a way round to the private one
        assert client.get(url("page", english.slug, language="tr")).status_code == 404
    assert signed_in(insider).get(url("page", english.slug, language="tr")).status_code == 302


def test_what_is_kept_for_members_is_not_shown_to_others(secret, insider, outsider):
    """Recent changes are kept in the cache; what was rendered for a member of a scope is kept for such members."""
    assert SECRET_TITLE in signed_in(insider).get(url("recent")).content.decode()
    assert SECRET_TITLE not in signed_in(outsider).get(url("recent")).content.decode()
    assert SECRET_TITLE not in Client().get(url("recent")).content.decode()


def test_a_private_pages_words_show_on_no_address_an_outsider_can_reach(public, secret, insider, outsider):
    """Crawl, as an outsider, every wiki address reachable from the wiki's lists and the private page's own."""
    page_save(page=secret, text=f"{secret.text}\nSee also [[Organising notes]].\n", author=insider, base_number=2)
    page_save(page=public, text=f"{public.text}\nA second thought.\n", author=outsider, base_number=1)
    own = [
        url("page", secret.slug),
        url("history", secret.slug),
        url("diff", secret.slug) + "?from=1&to=2",
        url("export", secret.slug),
        url("backlinks", secret.slug),
        url("page", "kurye-grev-fonu", language="tr"),
    ]
    for client in (Client(), signed_in(outsider)):
        seen, queue = (
            set(),
            [
                url("index"),
                url("index", language="tr"),
                url("recent"),
                url("recent") + f"?member={insider.username}",
                url("search") + "?q=money",  # words of the private page (its secret word would be echoed back)
                url("search", language="tr") + "?q=para",
                url("search") + "?q=ledger",
                *own,
            ],
        )
        while queue:
            address = queue.pop()
            if address in seen:
                continue
            seen.add(address)
            response = client.get(address)
            body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
            assert SECRET not in body, address
            # The public page's own text names the hidden page: its author wrote those words.
            assert SECRET_TITLE not in body or address.startswith(url("page", public.slug)), address
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                for link in html_of(response).select("a[href]"):
                    href = link["href"]
                    if re.match(r"^/(en|tr)/wiki/", href) and "/+new/" not in href and "/edit/" not in href:
                        queue.append(href)
        assert {url("page", public.slug), url("history", public.slug), url("export", public.slug)} <= seen
        assert any(address.startswith(url("diff", public.slug)) for address in seen)


# --- Creating a page in a scope ------------------------------------------------------------------


def test_a_member_creates_a_page_in_their_group(insider, closed):
    client = signed_in(insider)
    address = url("create") + "?space=closed-couriers"
    form = html_of(client.get(address))
    assert "Group closed-couriers" in form.select_one(".wiki-scope").get_text()
    preview = client.post(address, {"title": "Meeting notes", "text": "Agenda.\n", "preview": "1"})
    assert preview.status_code == 200
    assert "Group closed-couriers" in html_of(preview).select_one(".wiki-scope").get_text()
    response = client.post(address, {"title": "Meeting notes", "text": "Agenda.\n", "save": "1"})
    assert response.status_code == 302
    page = WikiPage.objects.get(slug="meeting-notes")
    assert (page.scope, page.private) == ("group:closed-couriers", True)
    assert Client().get(url("page", "meeting-notes")).status_code == 404
    owner = html_of(client.get(url("page", "meeting-notes"))).select_one(".wiki-scope a")
    assert owner["href"] == "/groups/closed-couriers/"


def test_a_public_groups_page_is_everyones_to_read(member):
    group = Group.objects.create(name="open-circle")
    member.groups.add(group)
    response = signed_in(member).post(
        url("create") + "?space=open-circle", {"title": "Reading list", "text": "Books.\n", "save": "1"}
    )
    assert response.status_code == 302
    page = WikiPage.objects.get(slug="reading-list")
    assert (page.scope, page.private) == ("group:open-circle", False)
    read = Client().get(url("page", "reading-list"))
    assert read.status_code == 200
    assert html_of(read).select_one(".wiki-scope a").get_text() == "Group open-circle"


def test_a_group_one_may_not_write_in_is_refused(outsider, closed):
    Group.objects.create(name="open-circle")
    client = signed_in(outsider)
    assert client.get(url("create") + "?space=closed-couriers").status_code == 404
    assert client.get(url("create") + "?space=no-such-group").status_code == 404
    assert client.get(url("create") + "?space=open-circle").status_code == 403
    response = client.post(url("create") + "?space=closed-couriers", {"title": "Sneaked in", "text": "x\n"})
    assert response.status_code == 404
    assert not WikiPage.objects.filter(slug="sneaked-in").exists()


def test_a_title_taken_by_a_hidden_page_is_refused_without_naming_it(secret, outsider, insider):
    response = signed_in(outsider).post(
        url("create"), {"title": SECRET_TITLE.upper(), "text": "My own ledger.\n", "save": "1"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "A page with this name already exists, in a group you cannot read." in body
    assert SECRET_TITLE not in body
    assert url("page", secret.slug) not in body
    named = signed_in(insider).post(url("create"), {"title": SECRET_TITLE.upper(), "text": "x\n", "save": "1"})
    assert SECRET_TITLE in named.content.decode()


def test_a_hidden_page_cannot_be_translated_by_outsiders(secret, outsider):
    client = signed_in(outsider)
    assert client.get(url("create", language="tr") + f"?translation_of={secret.pk}").status_code == 404
    response = client.post(
        url("create"),
        {"title": "Çeviri", "text": "x\n", "translation_of": secret.pk, "save": "1"},
    )
    assert response.status_code == 400
    assert SECRET_TITLE not in response.content.decode()


# --- Services -------------------------------------------------------------------------------------


def test_outsiders_cannot_change_a_private_page_through_the_services(secret, outsider):
    for write in (
        lambda: page_save(page=secret, text="Gone.\n", author=outsider, base_number=2),
        lambda: page_revert(page=secret, number=1, author=outsider),
    ):
        with pytest.raises(WikiError) as refused:
            write()
        assert refused.value.code == "no_page"
    assert WikiPage.objects.get(pk=secret.pk).current_revision.number == 2


def test_a_group_turning_public_shows_its_pages_to_everyone_and_back(secret, public, outsider):
    key = secret.scope
    anonymous = Client()
    assert SECRET_TITLE not in anonymous.get(url("recent")).content.decode()  # now kept in the cache
    assert scope_set_private(scope=key, private=False) == 2
    assert SECRET_TITLE in anonymous.get(url("recent")).content.decode()
    assert anonymous.get(url("page", secret.slug)).status_code == 200
    assert SECRET_TITLE in anonymous.get(url("search") + f"?q={SECRET}").content.decode()
    assert scope_set_private(scope=key, private=True) == 2
    assert SECRET_TITLE not in anonymous.get(url("recent")).content.decode()
    assert SECRET_TITLE not in anonymous.get(url("search") + f"?q={SECRET}").content.decode()
    assert anonymous.get(url("page", secret.slug)).status_code == 404
    assert scope_set_private(scope=key, private=True) == 0
    with pytest.raises(ValueError):
        scope_set_private(scope="", private=True)


# --- Revision hooks -------------------------------------------------------------------------------

HEARD: list[tuple[int, str, bool]] = []


def remember_revision(*, revision) -> None:
    HEARD.append((revision.number, revision.summary, transaction.get_connection().in_atomic_block))


def refuse_revision(*, revision) -> None:
    raise RuntimeError("the activity log is down")


@override_settings(WIKI_REVISION_HOOKS=["tests.wiki.test_scopes.remember_revision"])
def test_every_new_revision_is_told_to_the_hooks_in_its_transaction(member, other_member):
    HEARD.clear()
    page = page_create(title="Agenda", language="en", text="one\ntwo\nthree\n", author=member, summary="first")
    page_save(page=page, text="one\ntwo\nthree\nfour\n", author=member, base_number=1, summary="saved")
    page_save(page=page, text="zero\none\ntwo\nthree\n", author=other_member, base_number=1, summary="merged")
    page_revert(page=page, number=1, author=member)
    assert HEARD == [
        (1, "first", True),
        (2, "saved", True),
        (3, "merged", True),
        (4, "Reverted to revision 1", True),
    ]


@override_settings(WIKI_REVISION_HOOKS=["tests.wiki.test_scopes.refuse_revision"])
def test_a_hook_that_fails_leaves_nothing_saved(member):
    with pytest.raises(RuntimeError):
        page_create(title="Agenda", language="en", text="one\n", author=member)
    assert not WikiPage.objects.exists()
    assert not Revision.objects.exists()


# --- Queries ------------------------------------------------------------------------------------

WIKI_TABLE = re.compile(r'(FROM|JOIN) "(wiki|taggit)_')


def wiki_queries(client, address: str) -> int:
    assert client.get(address).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return sum(1 for query in queries.captured_queries if WIKI_TABLE.search(query["sql"]))


def test_a_readers_scopes_add_no_query_of_the_wiki_whatever_the_number_of_pages(secret, public, insider, closed):
    addresses = [url("index"), url("recent"), url("page", secret.slug), url("history", secret.slug)]
    addresses += [url("search") + "?q=ledger", url("backlinks", "organising-notes")]
    counts = {}
    for size in (1, 20):
        for number in range(WikiPage.objects.filter(scope=secret.scope).count(), size + 2):
            page_create(
                title=f"Minutes {number}",
                language="en",
                text=f"Minutes {number} of the ledger group; see [[Organising notes]].\n",
                author=insider,
                scope=secret.scope,
                private=True,
            )
        client = signed_in(insider)
        counts[size] = {address: wiki_queries(client, address) for address in addresses}
    assert counts[1] == counts[20]
    # No more than a reader without scopes: the rule is part of the one query each list makes.
    assert counts[1][url("index")] == wiki_queries(Client(), url("index"))
    assert counts[1][url("recent")] == 0  # kept in the cache for the readers of the same scopes
