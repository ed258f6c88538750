"""Queries of a wiki page, its history and recent changes do not grow with the number of revisions.

The revisions past the first are written with ``bulk_create`` (the services allow 30 edits a
minute), but they are what the services would write: rendered and sanitised HTML, a parent, five
different authors, minutes apart; the page links and the search text follow the current one.
"""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import UserFactory
from wiki.markdown import render
from wiki.models import PageLink, Revision, WikiPage
from wiki.services import page_create

pytestmark = pytest.mark.django_db

AGENDA = """# Research agenda

[TOC]

## Questions

How do couriers in Istanbul organise without a workplace?[^1] The [[Working group one]] collects
interviews; the [[Interview guide]] is still to write.

| Group | City | Interviews |
|:------|:----:|-----------:|
| One   | Istanbul | 12 |

[^1]: Field notes of the first meeting.
"""


def count_queries(client, url: str) -> list[str]:
    """The SQL of a second read of ``url``; the first warms the caches (site root paths, menus)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


WIKI_TABLE = re.compile(r'(FROM|JOIN) "(wiki|taggit)_')


def wiki_queries(sql: list[str]) -> int:
    """How many of these queries are the wiki's own: of its tables and of its tags.

    The others are the host's (the session, the member, their permissions, the menus): how many it
    makes depends on its session engine, its auth backends and its base template.
    """
    return sum(1 for query in sql if WIKI_TABLE.search(query))


def url(name: str, slug: str | None = None) -> str:
    with translation.override("en"):
        return reverse(f"wiki:{name}", args=[slug] if slug else [])


@pytest.fixture
def wiki(member):
    """Three pages as members write them: the agenda (tagged, translated into Turkish) and a group's
    page linking to it, each with one revision a month old."""
    authors = [member, *UserFactory.create_batch(4)]
    group = page_create(
        title="Working group one",
        language="en",
        text="We interview couriers for the [[Research agenda]] and draft the [[Interview guide]].\n",
        author=authors[1],
    )
    agenda = page_create(
        title="Research agenda", language="en", text=AGENDA, author=authors[0], tags=["research", "platform work"]
    )
    page_create(
        title="Araştırma gündemi",
        language="tr",
        text="# Araştırma gündemi\n\n[[Birinci çalışma grubu]] görüşmeleri topluyor.\n",
        author=authors[2],
        translation_of=agenda,
    )
    start = timezone.now() - datetime.timedelta(days=30)
    Revision.objects.update(created_at=start)
    WikiPage.objects.update(updated_at=start)
    assert PageLink.objects.filter(from_page=group, to_slug="research-agenda").exists()
    return agenda, authors, start


def grow(page: WikiPage, size: int, *, authors, start) -> None:
    """More revisions of ``page`` until it has ``size``: each rewrites the last note, by turns of the authors."""
    latest = WikiPage.objects.get(pk=page.pk).current_revision
    revisions = []
    for number in range(latest.number + 1, size + 1):
        text = f"{AGENDA}\nLatest note (revision {number}): one more interview for [[Working group one]].\n"
        revisions.append(
            Revision(
                page=page,
                number=number,
                author=authors[number % len(authors)],
                text=text,
                summary=f"Note from interview {number}",
                html=render(text, language=page.language).html,
                created_at=start + datetime.timedelta(minutes=number),
            )
        )
    Revision.objects.bulk_create(revisions)
    chain = list(Revision.objects.filter(page=page).order_by("number"))
    for parent, revision in itertools.pairwise(chain):
        revision.parent = parent
    Revision.objects.bulk_update(chain[1:], ["parent"])
    current = chain[-1]
    page.current_revision, page.text, page.updated_at = current, current.text, current.created_at
    page.save(update_fields=["current_revision", "text", "updated_at"])  # re-indexed for search, as a save is
    assert [r.number for r in chain] == list(range(1, size + 1))
    assert set(PageLink.objects.filter(from_page=page).values_list("to_slug", flat=True)) == {
        "working-group-one",
        "interview-guide",
    }


def queries_of(client, page: WikiPage) -> dict[str, list[str]]:
    return {
        "page": count_queries(client, url("page", page.slug)),
        "history": count_queries(client, url("history", page.slug)),
        "recent changes": count_queries(client, url("recent")),
    }


def measure(client, wiki, viewers: dict) -> dict[tuple[int, str], dict[str, list[str]]]:
    """The queries of each page for each viewer, with 10 revisions and again with 1,000."""
    agenda, authors, start = wiki
    queries = {}
    for size in (10, 1000):
        grow(agenda, size, authors=authors, start=start)
        for name, viewer in viewers.items():
            client.logout()
            if viewer:
                client.force_login(viewer)
            queries[size, name] = queries_of(client, agenda)
        # What the counts are about is on the pages: the newest revisions, a page of them at a time.
        history = client.get(url("history", agenda.slug)).content.decode()
        assert f"Note from interview {size}" in history
        assert ("Note from interview 2<" in history) == (size == 10)
        assert f"Note from interview {size}" in client.get(url("recent")).content.decode()
    return queries


def counted(queries: dict, count=len) -> dict:
    return {key: {view: count(sql) for view, sql in views.items()} for key, views in queries.items()}


def test_queries_are_the_same_for_10_and_1000_revisions(client, wiki, member, coordinator):
    viewers = {"anonymous": None, "member": member, "coordinator": coordinator}
    queries = measure(client, wiki, viewers)
    counts, own = counted(queries), counted(queries, wiki_queries)

    for name in viewers:
        assert counts[1000, name] == counts[10, name], name
    # Pinned, so that a new query of the wiki's on these pages is a decision, not an accident (the
    # host's are pinned in tests/nlu/test_wiki_in_host.py). What every member sees alike is read
    # from the cache the second time, until a write: the page's tags and other languages, the
    # history's count and rows, the recent changes' count and rows. Left: the page, by its slug.
    assert {name: own[10, name] for name in viewers} == {
        "anonymous": {"page": 1, "history": 1, "recent changes": 0},
        "member": {"page": 1, "history": 1, "recent changes": 0},
        "coordinator": {"page": 1, "history": 1, "recent changes": 0},
    }


def test_lists_of_revisions_do_not_load_the_texts(client, wiki):
    """History and recent changes show numbers, authors and summaries, 50 rows at a time. Loading each
    row's text and HTML (up to 1 MB each) would make a page of history of a long page read 100 MB."""
    agenda, authors, start = wiki
    grow(agenda, 60, authors=authors, start=start)
    for view in (url("history", agenda.slug), url("recent")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(view).status_code == 200
        lists = [
            q["sql"] for q in queries.captured_queries if 'FROM "wiki_revision"' in q["sql"] and "LIMIT" in q["sql"]
        ]
        assert lists, view
        loaded = {
            column
            for sql in lists
            for column in ('"wiki_revision"."text"', '"wiki_revision"."html"', '"wiki_wikipage"."text"')
            if column in sql.partition(' FROM "wiki_revision"')[0]
        }
        assert loaded == set(), view
