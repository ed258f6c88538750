"""Offers and requests on the board, through the services: posted, changed, closed; bad input refused."""

import pytest
from django.utils import translation

from tests.factories import UserFactory
from timebank.errors import OfferError
from timebank.models import Offer
from timebank.services import offer_close, offer_create, offer_reopen, offer_update
from timebank.views.refusals import refusal_field, refusal_status

from .conftest import refused

pytestmark = pytest.mark.django_db


def post(author=None, **fields) -> Offer:
    values = {
        "kind": "offer",
        "category": "translation",
        "title": "English–Turkish translation of leaflets",
        "description": "Up to two pages, on weekday evenings.",
        "language": "en",
    } | fields
    return offer_create(author=author or UserFactory(), **values)


def test_a_member_posts_what_they_can_give():
    author = UserFactory()

    offer = post(author, title="  English–Turkish translation of leaflets ")

    offer.refresh_from_db()
    assert (offer.author, offer.kind, offer.category, offer.language, offer.status) == (
        author,
        "offer",
        "translation",
        "en",
        "active",
    )
    assert (offer.title, offer.description) == (
        "English–Turkish translation of leaflets",
        "Up to two pages, on weekday evenings.",
    )


def test_a_request_for_help_in_any_language_django_knows():
    offer = post(kind="request", category="legal", title="Asesoría sobre horas extra", language="es")

    assert (offer.kind, offer.category, offer.language) == ("request", "legal", "es")


def test_without_a_language_it_is_the_authors_own():
    assert post(UserFactory(language="tr"), language="").language == "tr"


def test_without_a_language_of_their_own_it_is_the_sites_whatever_the_page():
    """The member's language is what the host's preferences hook says: the site's when they chose none."""
    with translation.override("tr"):
        assert post(UserFactory(language=""), language="").language == "en"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "sell"}, "kind", "Choose whether you offer help or need it."),
        ({"category": "money"}, "category", "Choose a category."),
        ({"language": "klingon"}, "language", "Choose the language you wrote it in."),
        ({"title": ""}, "title", "Give it a title."),
        ({"title": "   \n "}, "title", "Give it a title."),
        ({"title": "x" * 121}, "title", "Keep this to 120 characters (it has 121)."),
        ({"description": "x" * 5001}, "description", "Keep this to 5000 characters (it has 5001)."),
    ],
    ids=["kind", "category", "language", "no title", "blank title", "long title", "long description"],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(fields, field, message):
    author = UserFactory()

    error = refused(lambda: post(author, **fields), OfferError)

    assert (refusal_status(error), refusal_field(error), error.message) == (400, field, message)


def test_the_longest_title_and_description_are_accepted():
    offer = post(title="x" * 120, description="y" * 5000)

    assert (len(offer.title), len(offer.description)) == (120, 5000)


def test_refusals_are_in_the_members_language():
    with translation.override("tr"):
        assert refused(lambda: post(title=""), OfferError).message == "Bir başlık yazın."


def test_the_author_changes_it():
    offer = post()

    offer_update(offer=offer, by=offer.author, title="Turkish–English too", category="writing")

    offer.refresh_from_db()
    assert (offer.title, offer.category, offer.kind) == ("Turkish–English too", "writing", "offer")


def test_a_change_with_bad_input_changes_nothing():
    offer = post()

    error = refused(lambda: offer_update(offer=offer, by=offer.author, title="", category="writing"), OfferError)

    assert (refusal_status(error), refusal_field(error)) == (400, "title")


def test_another_member_can_neither_change_nor_close_it():
    offer, other = post(), UserFactory()

    for change in (
        lambda: offer_update(offer=offer, by=other, title="Mine now"),
        lambda: offer_close(offer=offer, by=other),
    ):
        error = refused(change, OfferError)
        assert (refusal_status(error), error.message) == (403, "Only its author or a coordinator can change this.")


def test_a_coordinator_may_change_and_close_anyones(coordinator):
    offer = post()

    offer_update(offer=offer, by=coordinator, title="Translation of leaflets (EN–TR)")
    offer_close(offer=offer, by=coordinator)

    offer.refresh_from_db()
    assert (offer.title, offer.status) == ("Translation of leaflets (EN–TR)", "closed")


def test_closed_it_leaves_the_board_closing_again_changes_nothing_and_it_can_come_back():
    offer = post()

    offer_close(offer=offer, by=offer.author)
    offer_close(offer=offer, by=offer.author)
    assert Offer.objects.get(pk=offer.pk).status == "closed"

    offer_reopen(offer=offer, by=offer.author)
    assert Offer.objects.get(pk=offer.pk).status == "active"
