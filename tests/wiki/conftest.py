"""Shared fixtures of the wiki tests: members, a coordinator, pages written through the services."""

import itertools

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from tests.factories import UserFactory
from wiki.markdown import render
from wiki.models import Revision, WikiPage
from wiki.services import SaveResult, page_create, page_save

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English, whatever language an earlier test's request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def member(db):
    return UserFactory(language="en")


@pytest.fixture
def other_member(db):
    return UserFactory(language="tr")


@pytest.fixture
def coordinator(db):
    """A member with the one permission coordinators hold in the wiki: protecting pages."""
    user = UserFactory(language="en")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wiki", codename="change_protected"))
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def make_page(member):
    """A page through ``page_create``: a numbered title and some text unless given; ``member`` writes it."""

    def make(title: str | None = None, text: str | None = None, *, language: str = "en", author=None, **fields):
        number = next(_numbers)
        return page_create(
            title=title or f"Test page {number}",
            language=language,
            text=text if text is not None else f"Text of test page {number}.\n",
            author=author or member,
            **fields,
        )

    return make


@pytest.fixture
def edit(member):
    """Save ``text`` on ``page`` through ``page_save``, from the current revision unless ``base`` is given."""

    def save(page: WikiPage, text: str, *, author=None, base: int | None = None, summary: str = "") -> SaveResult:
        page.refresh_from_db()
        return page_save(
            page=page,
            text=text,
            summary=summary,
            author=author or member,
            base_number=base if base is not None else page.current_revision.number,
        )

    return save


@pytest.fixture
def grow_history(member):
    """Give ``page`` ``count`` more revisions, written directly: the services allow 30 edits a minute.

    The rows are what ``page_save`` would write for these texts, numbered on from the current one
    (only the page links are not rebuilt: the texts link nowhere).
    """

    def grow(page: WikiPage, count: int, *, author=None) -> WikiPage:
        page.refresh_from_db()
        previous = first = page.current_revision
        for number in range(first.number + 1, first.number + count + 1):
            text = f"{first.text}\nEdit number {number}.\n"
            previous = Revision.objects.create(
                page=page,
                number=number,
                parent=previous,
                author=author or member,
                text=text,
                summary=f"Edit {number}",
                html=render(text, language=page.language).html,
            )
        page.current_revision, page.text = previous, previous.text
        page.save(update_fields=["current_revision", "text"])
        return page

    return grow
