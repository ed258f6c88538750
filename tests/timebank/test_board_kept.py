"""The board's count and languages are kept in the cache, yet every post, change, closing or
deletion of an offer shows on the next page read, on the board and on the community page."""

import pytest

from tests.factories import UserFactory
from timebank.models import Offer

from .pages import parse, text

# Real commits, as in production; serialized_rollback restores the site and locales after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW = {"kind": "offer", "category": "teaching", "title": "Arabic lessons", "description": "", "language": "ar"}


def found(client) -> str:
    page = parse(client.get("/en/timebank/offers/"))
    return text(page.select_one("p[role=status]")).split(" · ")[0]


def languages(client) -> list[str]:
    page = parse(client.get("/en/timebank/offers/"))
    return [option["value"] for option in page.select("select[name=language] option") if option["value"]]


def open_counts(client) -> list[str]:
    page = parse(client.get("/en/timebank/community/"))
    return [text(dd) for dd in page.select("dl dd")[-2:]]


@pytest.fixture
def ayse(client):
    member = UserFactory(username="ayse")
    client.force_login(member)
    return member


def test_a_post_shows_at_once_in_the_count_languages_and_community_figures(client, ayse):
    assert (found(client), languages(client), open_counts(client)) == ("0 found", [], ["0", "0"])

    assert client.post("/en/timebank/offers/new/", NEW).status_code == 302
    assert (found(client), languages(client), open_counts(client)) == ("1 found", ["ar"], ["1", "0"])

    client.post("/en/timebank/offers/new/", NEW | {"kind": "request", "title": "German help", "language": "de"})
    assert (found(client), languages(client), open_counts(client)) == ("2 found", ["ar", "de"], ["1", "1"])


def test_a_change_a_closing_a_reopening_and_a_deletion_show_at_once(client, ayse):
    client.post("/en/timebank/offers/new/", NEW)
    offer = Offer.objects.get()
    assert (found(client), languages(client)) == ("1 found", ["ar"])

    client.post(f"/en/timebank/offers/{offer.pk}/edit/", NEW | {"language": "tr"})
    assert (found(client), languages(client)) == ("1 found", ["tr"])

    client.post(f"/en/timebank/offers/{offer.pk}/close/", {"action": "close"})
    assert (found(client), languages(client), open_counts(client)) == ("0 found", [], ["0", "0"])

    client.post(f"/en/timebank/offers/{offer.pk}/close/", {"action": "reopen"})
    assert (found(client), languages(client), open_counts(client)) == ("1 found", ["tr"], ["1", "0"])

    offer.delete()
    assert (found(client), languages(client), open_counts(client)) == ("0 found", [], ["0", "0"])
