"""What the wiki tells of a member (suite.privacy's kinds) and what it does when they close their account.

The host's part of a closing is played here as the host does it after every app's ``member_close``
(renamed to the pseudonym, no address, no names, unusable password, inactive), so this runs in the
bare host (plain ``auth.User``) and in the NLU site alike.
"""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.test import Client

from suite.privacy import member_rows
from tests.factories import UserFactory
from wiki import privacy
from wiki.markdown import render
from wiki.mediawiki.importer import tell_recent_editors
from wiki.models import MediaWikiImport, RemoteAuthor, RemotePage, RemoteWiki, Revision, WikiPage

pytestmark = pytest.mark.django_db

PSEUDONYM = "former member 8f3a"


def close(member, pseudonym: str = PSEUDONYM) -> None:
    """The wiki's part of the closing, then the host's: the row stays, renamed, with nothing of the person."""
    privacy.member_close(member, pseudonym=pseudonym, options=set())
    member.username = pseudonym.replace(" ", "-")
    if hasattr(member, "display_name"):
        member.display_name = pseudonym
    member.email = member.first_name = member.last_name = ""
    member.set_unusable_password()
    member.is_active = False
    member.save()
    member.refresh_from_db()


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text(" ").split())


def rows(member, name: str) -> list[dict]:
    """The member's rows of the kind ``name``, as the download holds them (through suite.privacy)."""
    return next(found for kind, found in member_rows(member) if kind.name == name)


@pytest.fixture
def p2p(db):
    return RemoteWiki.objects.create(
        key="p2pwiki:wiki.p2pfoundation.net", name="P2P Foundation", url="https://p2p.test/"
    )


def copied_revision(page: WikiPage, wiki: RemoteWiki, *, name: str, summary: str, remote_id: int) -> Revision:
    """A revision copied from ``wiki`` under a remote ``name`` no account was mapped to then, made current."""
    page.refresh_from_db()
    text = page.current_revision.text + f"\nCopied {remote_id}.\n"
    revision = Revision.objects.create(
        page=page,
        number=page.current_revision.number + 1,
        parent=page.current_revision,
        text=text,
        html=render(text, language=page.language).html,
        summary=summary,
        remote_wiki=wiki,
        remote_id=remote_id,
        remote_author=name,
        remote_author_kind="user",
    )
    page.current_revision, page.text = revision, text
    page.save(update_fields=["current_revision", "text"])
    return revision


# --- What is kept: the kinds ---------------------------------------------------------------------


def test_every_kind_is_named_for_the_wiki_and_has_its_fields():
    names = [kind.name for kind in privacy.KINDS]
    assert names == ["wiki.revisions", "wiki.remote_accounts", "wiki.imports", "wiki.remote_links"]
    assert all(kind.fields and kind.label and kind.purpose for kind in privacy.KINDS)


def test_the_revisions_a_member_wrote_are_listed_oldest_first_without_their_text(member, other_member, make_page, edit):
    first = make_page("Picket rota", text="Who stands where.\n")
    edit(first, "Who stands where, and when.\n", summary="times added")
    make_page("Other page", author=other_member)
    second = make_page("Strike fund", language="tr", text="Fon.\n")

    found = rows(member, "wiki.revisions")

    assert [(row["page"], row["revision"], row["language"]) for row in found] == [
        ("Picket rota", 1, "en"),
        ("Picket rota", 2, "en"),
        ("Strike fund", 1, "tr"),
    ]
    assert found[1]["summary"] == "times added"
    assert found[0]["slug"] == first.slug
    assert found[2]["address"].endswith(f"/wiki/{second.slug}/?revision=1")
    assert found[2]["address"].startswith("http")
    assert isinstance(found[0]["saved_at"], str)  # ISO 8601, as the download holds it
    assert all("Who stands where" not in str(value) for row in found for value in row.values())


def test_the_remote_names_imports_and_links_of_a_member_are_listed(member, other_member, make_page, p2p):
    RemoteAuthor.objects.create(wiki=p2p, name="Jane Remote", user=member)
    RemoteAuthor.objects.create(wiki=p2p, name="Someone Else", user=other_member)
    MediaWikiImport.objects.create(file_name="dump.xml", language="en", started_by=member, revisions_added=12)
    page = make_page("Commons")
    RemotePage.objects.create(page=page, wiki=p2p, title="Commons", linked_by=member, push=True)

    assert rows(member, "wiki.remote_accounts") == [
        {"remote_wiki": "P2P Foundation", "remote_wiki_address": "https://p2p.test/", "remote_name": "Jane Remote"}
    ]
    [started] = rows(member, "wiki.imports")
    assert (started["file_name"], started["revisions_added"], started["status"]) == ("dump.xml", 12, "queued")
    [linked] = rows(member, "wiki.remote_links")
    assert (linked["page"], linked["remote_title"], linked["push"]) == ("Commons", "Commons", True)
    assert linked["address"].endswith(f"/wiki/{page.slug}/")
    assert rows(other_member, "wiki.imports") == [] and rows(other_member, "wiki.remote_links") == []


def test_reading_the_revisions_takes_the_same_queries_for_few_or_many(
    member, make_page, grow_history, django_assert_max_num_queries
):
    page = make_page("Long history")
    with django_assert_max_num_queries(2) as few:
        assert len(list(privacy.revision_rows(member))) == 1
    grow_history(page, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(list(privacy.revision_rows(member))) == 41


# --- Closing an account ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "tr"])
def test_after_closing_the_history_and_a_diff_name_the_pseudonym(member, other_member, make_page, edit, language):
    username, email = member.get_username(), member.email
    page = make_page("Organising guide", text="First text.\n", language=language)
    edit(page, "First text, by another.\n", author=other_member)
    edit(page, "First text, by another, and more.\n", summary="more")
    reader = Client()
    before = text_of(reader.get(f"/{language}/wiki/{page.slug}/history/"))  # kept in the cache
    assert username in before

    close(member)

    history = text_of(reader.get(f"/{language}/wiki/{page.slug}/history/"))
    assert str(member) in history and username not in history and email not in history
    assert history.count(str(member)) == 2  # revisions 1 and 3, still theirs
    diff = text_of(reader.get(f"/{language}/wiki/{page.slug}/diff/?from=2&to=3"))
    assert "and more" in diff and str(member) in diff and username not in diff
    assert text_of(reader.get(f"/{language}/wiki/{page.slug}/?revision=1")).count("First text.") >= 1
    assert Revision.objects.filter(page=page, author=member).count() == 2
    assert text_of(reader.get(f"/{language}/wiki/+recent/")).count(str(member)) == 2


def test_closing_forgets_the_remote_names_and_makes_their_copied_revisions_the_pseudonyms(
    member, other_member, make_page, p2p
):
    page = make_page("Platform co-ops", author=other_member)
    copied_revision(page, p2p, name="Jane Remote", summary="Reverted edits by Jane Remote (talk)", remote_id=7)
    copied_revision(page, p2p, name="Ann", summary="Reverted edits by Jane Remoteley", remote_id=8)
    RemoteAuthor.objects.create(wiki=p2p, name="Jane Remote", user=member)
    reader = Client()
    assert "Jane Remote on P2P Foundation" in text_of(reader.get(f"/en/wiki/{page.slug}/history/"))

    close(member)

    assert not RemoteAuthor.objects.filter(user=member).exists()
    history = text_of(reader.get(f"/en/wiki/{page.slug}/history/"))
    assert "Jane Remote " not in history and "Jane Remote)" not in history
    assert f"{member} " in history
    assert f"Reverted edits by {PSEUDONYM} (talk)" in history
    assert "Reverted edits by Jane Remoteley" in history  # another name that only starts the same
    assert "Ann on P2P Foundation" in history
    copied = Revision.objects.get(remote_id=7)
    assert (copied.author, copied.remote_author, copied.remote_author_kind) == (member, "", "")
    diff = text_of(reader.get(f"/en/wiki/{page.slug}/diff/?from=1&to=2"))
    assert "Copied 7." in diff


def test_after_closing_no_row_of_the_wiki_holds_the_members_name_or_address(member, make_page, edit, p2p):
    member.first_name, member.last_name = "Ayşe", "Kaplanoğlu"
    member.save()
    username, email = member.get_username(), member.email
    page = make_page("Minutes")
    edit(page, "Minutes, corrected.\n", summary="typo")
    copied_revision(page, p2p, name=username, summary=f"Undo revision by {username}", remote_id=3)
    RemoteAuthor.objects.create(wiki=p2p, name=username, user=member)
    MediaWikiImport.objects.create(file_name="dump.xml", language="en", started_by=member)
    RemotePage.objects.create(page=page, wiki=p2p, title="Minutes", linked_by=member)

    close(member)

    dump = dumped()
    for personal in (username, email, "Ayşe", "Kaplanoğlu"):
        assert personal not in dump, personal
    assert PSEUDONYM in dump  # the summary that named them
    assert Revision.objects.filter(author=member).count() == 3
    assert MediaWikiImport.objects.get().started_by == member
    assert RemotePage.objects.get().linked_by == member


def dumped() -> str:
    """The wiki's tables as ``dumpdata`` writes them."""
    import io

    out = io.StringIO()
    call_command("dumpdata", "wiki", stdout=out)
    return out.getvalue()


def test_closing_a_member_who_has_nothing_in_the_wiki_changes_nothing(member, other_member, make_page):
    make_page("Someone else's", author=other_member)
    before = list(Revision.objects.values_list("pk", "author_id", "summary", "text"))
    close(member)
    assert list(Revision.objects.values_list("pk", "author_id", "summary", "text")) == before


def test_a_conflict_mail_skips_an_editor_whose_account_is_closed(member, other_member, make_page, edit, p2p):
    page = make_page("Shared page")
    edit(page, "Shared page, edited here too.\n", author=other_member)
    closed = UserFactory()
    edit(page, "Shared page, by the closed one.\n", author=closed)
    close(closed)
    copied = copied_revision(page, p2p, name="Bob", summary="", remote_id=1)
    mail.outbox.clear()

    tell_recent_editors(page, copied)

    assert sorted(to for message in mail.outbox for to in message.to) == sorted([member.email, other_member.email])
