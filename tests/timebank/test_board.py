"""The offers and requests board: open to all, searched and filtered; posts changed by their authors only."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from timebank.models import ExchangeRequest, Offer
from timebank.services import offer_close, offer_create

from .pages import errors, flashed, parse, text

pytestmark = pytest.mark.django_db


def post(author, title: str, **fields) -> Offer:
    values = {"kind": "offer", "category": "translation", "description": "", "language": "en"} | fields
    return offer_create(author=author, title=title, **values)


def titles(page) -> list[str]:
    return [text(card.h2) for card in page.select("li.offer")]


@pytest.fixture
def board(db):
    """Four posts of two authors in three languages; one closed."""
    ayse, berk = UserFactory(username="ayse"), UserFactory(username="berk")
    post(ayse, "Leaflet translation", category="translation", language="tr", description="Türkçe–İngilizce")
    post(berk, "Help with a wage claim", kind="request", category="legal", description="Overtime NOT paid")
    post(ayse, "Spreadsheet training", category="digital", language="de")
    offer_close(offer=post(berk, "Old closed offer"), by=berk)
    return ayse, berk


def test_anyone_reads_the_board_with_author_category_language_and_date(client, board):
    page = parse(client.get("/en/timebank/offers/"))

    assert titles(page) == ["Spreadsheet training", "Help with a wage claim", "Leaflet translation"]
    card = page.select("li.offer")[1]
    assert text(card.select_one(".badge")) == "I need"
    assert "Legal and rights advice" in text(card)
    meta = text(card.select("p.meta")[-1])
    assert meta.startswith("berk · English · ")
    assert card.select_one("time")["datetime"][:10] == timezone.localdate().isoformat()
    assert "Record an exchange" not in text(page.main)  # a visitor has no account to record with
    assert "1 found" not in text(page.main) and "3 found" in text(page.main)


def test_the_board_in_turkish(client, board):
    page = parse(client.get("/tr/timebank/offers/"))

    assert page.html["lang"] == "tr"
    assert text(page.h1) == "Teklifler ve talepler"
    assert [text(card.select_one(".badge")) for card in page.select("li.offer")] == [
        "Verebilirim",
        "İhtiyacım var",
        "Verebilirim",
    ]
    assert "3 sonuç" in text(page.main)


def test_a_member_sees_a_link_to_record_an_exchange_with_each_other_author_and_can_change_their_own(client, board):
    ayse, berk = board
    client.force_login(ayse)

    page = parse(client.get("/en/timebank/offers/"))

    own, other = page.select("li.offer")[0], page.select("li.offer")[1]
    assert own.select_one(f"a[href='/en/timebank/offers/{Offer.objects.get(title='Spreadsheet training').pk}/edit/']")
    assert "Record an exchange" not in text(own)
    link = other.find("a", string=lambda s: s and "Record an exchange with berk" in s)
    offer = Offer.objects.get(title="Help with a wage claim")
    assert link["href"] == f"/en/timebank/record/?offer={offer.pk}"  # the author is taken from the post

    form = parse(client.get(link["href"]))
    assert form.select_one("input[name=debtor]") is None
    assert text(form.select_one("form p.field strong")) == "berk"
    assert "Help with a wage claim" in text(form.select_one("textarea[name=memo]"))
    assert form.select_one("input[name=offer]")["value"] == str(offer.pk)

    token = form.select_one("input[name=form_token]")["value"]
    client.post(
        link["href"], {"hours": "2", "minutes": "0", "memo": "Wage claim", "offer": offer.pk, "form_token": token}
    )
    assert (ExchangeRequest.objects.get().offer, ExchangeRequest.objects.get().debtor.member) == (offer, berk)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=request", ["Help with a wage claim"]),
        ("kind=offer", ["Spreadsheet training", "Leaflet translation"]),
        ("category=digital", ["Spreadsheet training"]),
        ("language=tr", ["Leaflet translation"]),
        ("language=de&kind=offer", ["Spreadsheet training"]),
        ("q=LEAFLET", ["Leaflet translation"]),  # any case, in the title
        ("q=not+paid", ["Help with a wage claim"]),  # in the description
        ("q=closed", []),  # closed posts are off the board
        ("q=nothing+like+this", []),
    ],
)
def test_the_board_is_searched_and_filtered(client, board, query, expected):
    page = parse(client.get(f"/en/timebank/offers/?{query}"))

    assert titles(page) == expected
    if not expected:
        assert "Nothing matches; try fewer words or another filter." in text(page.main)


def test_the_language_filter_offers_the_languages_on_the_board(client, board):
    page = parse(client.get("/en/timebank/offers/"))

    options = [text(option) for option in page.select("select[name=language] option")]
    assert options == ["All", "English", "German", "Türkçe"]  # the site's languages by their own names


def test_an_author_sees_their_own_posts_closed_ones_too(client, board):
    _ayse, berk = board
    client.force_login(berk)

    page = parse(client.get("/en/timebank/offers/?mine=on"))

    assert titles(page) == ["Old closed offer", "Help with a wage claim"]
    assert page.select_one("li.offer button").get_text(strip=True) == "Put back on the board"


@pytest.mark.parametrize(
    ("language", "query", "message"),
    [
        ("en", "kind=bargain", "Select a valid choice. bargain is not one of the available choices."),
        ("tr", "category=nonsense", "Geçerli bir seçenek seçin. nonsense mevcut seçeneklerden biri değil."),
        ("en", "language=xx", "Select a valid choice. xx is not one of the available choices."),
    ],
)
def test_a_filter_that_does_not_exist_is_a_clear_400(client, board, language, query, message):
    page = parse(client.get(f"/{language}/timebank/offers/?{query}"), status=400)

    assert errors(page) == [message]


def test_the_board_is_paginated(client):
    author = UserFactory()
    now = timezone.now()
    for n in range(25):
        offer = post(author, f"Offer {n:02}")
        Offer.objects.filter(pk=offer.pk).update(created_at=now - datetime.timedelta(minutes=n))

    first = parse(client.get("/en/timebank/offers/?kind=offer"))
    second = parse(client.get("/en/timebank/offers/?kind=offer&page=2"))

    assert titles(first) == [f"Offer {n:02}" for n in range(20)]
    assert titles(second) == [f"Offer {n:02}" for n in range(20, 25)]
    assert first.select_one("a[rel=next]")["href"] == "?kind=offer&page=2"


# --- Posting, changing, closing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"), [("en", "Saved; it is on the board."), ("tr", "Kaydedildi; panoda yayında.")]
)
def test_a_member_posts_an_offer(client, language, message):
    author = UserFactory()
    client.force_login(author)
    form = {
        "kind": "request",
        "category": "care",
        "title": "Childcare during the union meeting",
        "description": "Saturday 10–12",
        "language": "tr",
    }

    response = client.post(f"/{language}/timebank/offers/new/", form, follow=True)

    page = parse(response)
    assert message in flashed(response)
    offer = Offer.objects.get()
    assert (offer.author, offer.kind, offer.category, offer.title, offer.language, offer.status) == (
        author,
        "request",
        "care",
        "Childcare during the union meeting",
        "tr",
        "active",
    )
    assert titles(page) == ["Childcare during the union meeting"]


def test_the_author_changes_and_closes_a_post_and_puts_it_back(client, board):
    ayse, _berk = board
    offer = Offer.objects.get(title="Leaflet translation")
    client.force_login(ayse)

    form = parse(client.get(f"/en/timebank/offers/{offer.pk}/edit/"))
    assert form.select_one("input[name=title]")["value"] == "Leaflet translation"
    client.post(
        f"/en/timebank/offers/{offer.pk}/edit/",
        {"kind": "offer", "category": "writing", "title": "Leaflets: translation and editing", "language": "tr"},
    )
    offer.refresh_from_db()
    assert (offer.title, offer.category) == ("Leaflets: translation and editing", "writing")

    client.post(f"/en/timebank/offers/{offer.pk}/close/", {"action": "close"})
    offer.refresh_from_db()
    assert offer.status == "closed"
    assert "Leaflets: translation and editing" not in titles(parse(client.get("/en/timebank/offers/")))

    client.post(f"/en/timebank/offers/{offer.pk}/close/", {"action": "reopen"})
    offer.refresh_from_db()
    assert offer.status == "active"


def test_a_post_without_a_title_is_refused_with_a_message_at_the_field(client):
    client.force_login(UserFactory())

    page = parse(
        client.post("/tr/timebank/offers/new/", {"kind": "offer", "category": "care", "title": "  ", "language": "tr"}),
        status=400,
    )

    assert errors(page) == ["Bu alan zorunludur."]
    assert not Offer.objects.exists()


def test_only_the_author_may_change_or_close_a_post(client, board):
    ayse, _berk = board
    offer = Offer.objects.get(title="Help with a wage claim")  # berk's
    client.force_login(ayse)

    assert client.get(f"/en/timebank/offers/{offer.pk}/edit/").status_code == 404
    assert client.post(f"/en/timebank/offers/{offer.pk}/edit/", {"title": "Mine now"}).status_code == 404
    assert client.post(f"/en/timebank/offers/{offer.pk}/close/", {"action": "close"}).status_code == 404
    offer.refresh_from_db()
    assert (offer.title, offer.status) == ("Help with a wage claim", "active")


def test_a_visitor_is_sent_to_sign_in_before_posting(client, board):
    offer = Offer.objects.first()

    for response in (
        client.get("/en/timebank/offers/new/"),
        client.get(f"/en/timebank/offers/{offer.pk}/edit/"),
        client.post(f"/en/timebank/offers/{offer.pk}/close/"),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_closing_is_a_post_only(client, board):
    ayse, _berk = board
    client.force_login(ayse)
    offer = Offer.objects.get(title="Leaflet translation")

    assert client.get(f"/en/timebank/offers/{offer.pk}/close/").status_code == 405
