"""Each post on the board has a page of its own to share; coordinators change or withdraw anyone's post,
and its author is told by mail."""

import datetime

import pytest
from django.core import mail

from tests.factories import UserFactory
from timebank.models import Offer
from timebank.notifications import offer_mails_send_pending
from timebank.services import offer_close, offer_create, offer_update
from timebank.tasks import send_offer_mail

from .pages import flashed, parse, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return UserFactory(username="ayse", language="tr")


@pytest.fixture
def offer(author) -> Offer:
    return offer_create(
        author=author,
        kind="offer",
        category="translation",
        title="Bildiri çevirisi",
        description="Türkçe–İngilizce, hafta sonları",
        language="tr",
    )


def page_of(offer: Offer, language: str = "en") -> str:
    return f"/{language}/timebank/offers/{offer.pk}/"


# --- The page of one post ----------------------------------------------------------------------------


def test_the_board_links_each_post_to_its_own_page(client, offer):
    board = parse(client.get("/en/timebank/offers/"))

    (link,) = board.select("li.offer h2 a")
    assert link["href"] == page_of(offer)


@pytest.mark.parametrize(("language", "kind"), [("en", "I can give"), ("tr", "Verebilirim")])
def test_anyone_reads_a_post_at_its_address_in_their_language(client, offer, language, kind):
    page = parse(client.get(page_of(offer, language)))

    assert page.html["lang"] == language
    assert text(page.h1) == "Bildiri çevirisi" and page.h1["lang"] == "tr"
    main = text(page.main)
    assert kind in main and "Türkçe–İngilizce, hafta sonları" in main and "ayse" in main
    assert page.title and "Bildiri çevirisi" in text(page.title)


def test_a_member_records_an_exchange_from_the_page_and_the_author_changes_it_there(client, offer, author):
    client.force_login(UserFactory(username="berk"))
    page = parse(client.get(page_of(offer)))
    link = page.find("a", string=lambda s: s and "Record an exchange with ayse" in s)
    assert link["href"] == f"/en/timebank/record/?offer={offer.pk}"
    assert not page.select(f"a[href='/en/timebank/offers/{offer.pk}/edit/']")

    client.force_login(author)
    own = parse(client.get(page_of(offer)))
    assert own.select(f"a[href='/en/timebank/offers/{offer.pk}/edit/']")
    assert "Record an exchange" not in text(own.main)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This offer or request was closed by its author or a coordinator, so it is no longer on the board."),
        ("tr", "Bu teklif ya da talep, sahibi ya da bir koordinatör tarafından kapatıldı; artık panoda değil."),
    ],
)
def test_a_closed_post_is_a_clear_404_to_everyone_but_its_author_and_the_coordinators(
    client, offer, author, coordinator, language, message
):
    offer_close(offer=offer, by=author)

    for visitor in (None, UserFactory(username="berk")):
        if visitor:
            client.force_login(visitor)
        page = parse(client.get(page_of(offer, language)), status=404)
        assert message in text(page.main)
        assert "Bildiri çevirisi" not in text(page)

    for allowed in (author, coordinator):
        client.force_login(allowed)
        page = parse(client.get(page_of(offer, language)))
        assert text(page.h1) == "Bildiri çevirisi"
        assert page.select_one(f"form[action='/{language}/timebank/offers/{offer.pk}/close/'] input[value=reopen]")


def test_a_post_that_never_was_is_a_404(client):
    assert client.get("/en/timebank/offers/999999/").status_code == 404


# --- Coordinators change or withdraw anyone's post -----------------------------------------------------


def test_a_coordinator_sees_change_and_close_on_anyones_post(client, offer, coordinator):
    client.force_login(coordinator)

    for page in (parse(client.get("/en/timebank/offers/")), parse(client.get(page_of(offer)))):
        assert page.select(f"a[href='/en/timebank/offers/{offer.pk}/edit/']")
        assert page.select_one(f"form[action='/en/timebank/offers/{offer.pk}/close/'] input[value=close]")
        assert "Posted by ayse: a change you make here is mailed to them." in text(page.main)


def test_a_coordinator_changes_a_post_and_its_author_is_told_in_their_language(
    client, offer, author, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    form = parse(client.get(f"/en/timebank/offers/{offer.pk}/edit/"))
    assert text(form.h1) == "Change the post of ayse"
    assert "Posted by ayse: a change you make here is mailed to them." in text(form.main)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/timebank/offers/{offer.pk}/edit/",
            {"kind": "offer", "category": "translation", "title": "Bildiri çevirisi (TR–EN)", "language": "tr"},
        )

    assert response["Location"] == page_of(offer)
    assert "Its author is told by mail." in flashed(response, 302)
    offer.refresh_from_db()
    assert (offer.title, offer.description, offer.author) == ("Bildiri çevirisi (TR–EN)", "", author)
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "“Bildiri çevirisi (TR–EN)” ilanınız değiştirildi"
    assert "Zaman bankasının koordinatörü coordinator-of-the-timebank, “Bildiri çevirisi (TR–EN)”" in message.body
    assert page_of(offer, "tr") in message.body


def test_a_coordinator_withdraws_a_post_its_author_is_told_and_others_no_longer_see_it(
    client, coordinator, django_capture_on_commit_callbacks
):
    english_author = UserFactory(username="berk", language="en")
    english_offer = offer_create(
        author=english_author, kind="request", category="care", title="Childcare on Saturday", language="en"
    )
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/timebank/offers/{english_offer.pk}/close/", {"action": "close"})

    assert response["Location"] == page_of(english_offer)
    english_offer.refresh_from_db()
    assert english_offer.status == "closed"
    (message,) = mail.outbox
    assert (message.to, message.subject) == (
        [english_author.email],
        "Your post “Childcare on Saturday” was taken off the board",
    )
    assert (
        "coordinator-of-the-timebank, coordinating the timebank, took your post “Childcare on Saturday” off the board."
        in message.body
    )
    client.logout()
    assert client.get(page_of(english_offer)).status_code == 404
    assert "Childcare on Saturday" not in text(parse(client.get("/en/timebank/offers/")).main)


def test_an_author_changing_their_own_post_is_not_mailed(client, offer, author, django_capture_on_commit_callbacks):
    client.force_login(author)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/timebank/offers/{offer.pk}/edit/",
            {"kind": "offer", "category": "writing", "title": "Bildiri", "language": "tr"},
        )
        client.post(f"/en/timebank/offers/{offer.pk}/close/", {"action": "close"})

    assert Offer.objects.get().status == "closed"
    assert mail.outbox == []


def test_a_member_without_the_permission_cannot_change_anothers_post(client, offer):
    client.force_login(UserFactory(username="berk"))

    assert client.post(f"/en/timebank/offers/{offer.pk}/close/", {"action": "close"}).status_code == 404
    assert Offer.objects.get().status == "active"


def test_several_changes_before_the_mail_goes_make_one_mail_sent_by_the_sweep_if_the_broker_is_down(
    offer, author, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(**kwargs):
        raise OSError("broker down")

    with monkeypatch.context() as patched:
        patched.setattr(send_offer_mail, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            offer_update(offer=offer, by=coordinator, title="Bildiri çevirisi, gözden geçirilmiş")
            offer_close(offer=offer, by=coordinator)

    assert mail.outbox == []
    assert offer_mails_send_pending(older_than=datetime.timedelta(0)) == 1
    assert offer_mails_send_pending(older_than=datetime.timedelta(0)) == 0
    (message,) = mail.outbox
    assert message.subject == "“Bildiri çevirisi, gözden geçirilmiş” ilanınız panodan kaldırıldı"
