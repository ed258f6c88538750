"""The board's search folds case the same on SQLite and PostgreSQL, Turkish i's and all (timebank.search)."""

import pytest

from tests.factories import UserFactory
from timebank.models import Offer
from timebank.services import offer_create

from .pages import parse, text

pytestmark = pytest.mark.django_db


def post(title: str, description: str = "", language: str = "tr") -> Offer:
    return offer_create(
        author=UserFactory(), kind="offer", category="other", title=title, description=description, language=language
    )


def found(client, query: str) -> list[str]:
    page = parse(client.get("/tr/timebank/offers/", {"q": query}))
    return [text(card.h2) for card in page.select("li.offer")]


@pytest.mark.parametrize(
    ("title", "query"),
    [
        # Turkish: a reader types i for the dotted capital, and I for the dotless small letter.
        ("İstanbul'da sendika toplantısı", "istanbul"),
        ("istanbul'da sendika toplantısı", "İSTANBUL"),
        ("İSTANBUL'DA SENDİKA TOPLANTISI", "İstanbul"),
        ("Işık tasarımı", "ışık"),
        ("IŞIK TASARIMI", "ışık"),
        ("ışık tasarımı", "IŞIK"),
        ("Şişli'de çocuk bakımı", "ŞİŞLİ"),
        ("ÇAĞRI MERKEZİ İŞÇİLERİ", "çağrı merkezi işçileri"),
        # An English reader's I, on a Turkish keyboard or not, is still an i.
        ("Invoice checking", "ınvoıce"),
        ("INFO DESK", "info"),
        # Beyond ASCII and Turkish: German, Greek, Cyrillic.
        ("Straße und Platz", "STRASSE"),
        ("ΣΟΦΙΑ", "σοφια"),
        ("Профсоюз", "ПРОФСОЮЗ"),
    ],
)
def test_the_search_finds_a_post_whatever_the_case_on_every_database(client, title, query):
    post(title)
    post("Something else entirely")

    assert found(client, query) == [title]


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Şeker fabrikası", "seker"),  # a mark other than the i's dot is a letter of its own
        ("Café", "cafe"),
        ("Straße", "strase"),
    ],
)
def test_other_marks_still_tell_letters_apart(client, title, query):
    post(title)

    assert found(client, query) == []


def test_the_description_is_searched_the_same_way(client):
    post("Toplantı", description="Salı akşamı İZMİR'de")

    assert found(client, "izmir") == ["Toplantı"]


def test_a_changed_post_is_found_by_its_new_words_only(client):
    offer = post("Eski başlık")
    client.force_login(offer.author)

    client.post(
        f"/tr/timebank/offers/{offer.pk}/edit/",
        {"kind": "offer", "category": "other", "title": "IĞDIR ziyareti", "language": "tr"},
    )

    assert found(client, "ığdır") == ["IĞDIR ziyareti"]
    assert found(client, "eski") == []
