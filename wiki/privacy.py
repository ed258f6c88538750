"""What the wiki keeps about a member, and what it does when they leave (suite.privacy).

It keeps the revisions they wrote (the text is the page's, everyone's to read: their rows list
the page and the revision, not the text), the remote names an administrator mapped to their
account, the MediaWiki imports they started and the pages they linked to a MediaWiki. Revisions
are history and stay, attributed to the member row the host renames; what held their name in
text (a mapped remote name, MediaWiki's summaries naming it) is forgotten or pseudonymised.
"""

from django.utils.translation import gettext_lazy as _

from suite.links import absolute_url
from suite.privacy import Kind

from .markdown import page_path
from .models import MediaWikiImport, RemoteAuthor, RemotePage, Revision
from .services import remote_authors_forget


def _page_address(slug: str, language: str) -> str:
    return absolute_url(page_path(slug=slug, language=language))


def revision_rows(member):
    revisions = (
        Revision.objects.filter(author=member)
        .order_by("created_at", "pk")
        .values_list("page__title", "page__slug", "page__language", "number", "created_at", "summary", "minor")
    )
    for title, slug, language, number, created_at, summary, minor in revisions.iterator(chunk_size=2000):
        yield {
            "page": title,
            "slug": slug,
            "language": language,
            "revision": number,
            "saved_at": created_at,
            "summary": summary,
            "minor": minor,
            "address": f"{_page_address(slug, language)}?revision={number}",
        }


def remote_account_rows(member):
    mappings = RemoteAuthor.objects.filter(user=member).order_by("pk").values_list("wiki__name", "wiki__url", "name")
    for wiki, url, name in mappings:
        yield {"remote_wiki": wiki, "remote_wiki_address": url, "remote_name": name}


def import_rows(member):
    imports = (
        MediaWikiImport.objects.filter(started_by=member)
        .order_by("created_at", "pk")
        .values_list("file_name", "language", "status", "revisions_added", "created_at", "finished_at")
    )
    for file_name, language, status, added, created_at, finished_at in imports:
        yield {
            "file_name": file_name,
            "language": language,
            "status": status,
            "revisions_added": added,
            "started_at": created_at,
            "finished_at": finished_at,
        }


def remote_link_rows(member):
    links = (
        RemotePage.objects.filter(linked_by=member)
        .order_by("pk")
        .values_list("page__title", "page__slug", "page__language", "wiki__name", "title", "push")
    )
    for title, slug, language, wiki, remote_title, push in links:
        yield {
            "page": title,
            "language": language,
            "address": _page_address(slug, language),
            "remote_wiki": wiki,
            "remote_title": remote_title,
            "push": push,
        }


KINDS = [
    Kind(
        name="wiki.revisions",
        label=_("Wiki revisions you wrote"),
        purpose=_(
            "A wiki page’s history says who wrote each of its versions; it stays when you leave, under a pseudonym."
        ),
        fields=("page", "slug", "language", "revision", "saved_at", "summary", "minor", "address"),
        rows=revision_rows,
    ),
    Kind(
        name="wiki.remote_accounts",
        label=_("Your names on other wikis"),
        purpose=_("Revisions copied from another wiki under these names are shown here as yours."),
        fields=("remote_wiki", "remote_wiki_address", "remote_name"),
        rows=remote_account_rows,
    ),
    Kind(
        name="wiki.imports",
        label=_("MediaWiki imports you started"),
        purpose=_("An import’s page shows who started it and how it went."),
        fields=("file_name", "language", "status", "revisions_added", "started_at", "finished_at"),
        rows=import_rows,
    ),
    Kind(
        name="wiki.remote_links",
        label=_("Wiki pages you linked to a MediaWiki"),
        purpose=_("A page kept in step with a MediaWiki page says who linked it."),
        fields=("page", "language", "address", "remote_wiki", "remote_title", "push"),
        rows=remote_link_rows,
    ),
]


def member_close(member, *, pseudonym: str, options: set[str]) -> None:
    """Forget the member's remote names; their revisions, imports and links stay, under the renamed row.

    No other row of the wiki copies a member's name, username or address: revisions, imports and
    links point at the member, and the summaries the wiki writes itself name no one.
    """
    remote_authors_forget(member=member, pseudonym=pseudonym)
