"""Recording an exchange from a post on the board (issue 20, "Who sees me"): the member asked is the post's
author, taken from the post by the server. The link, the form and what it sends carry no username, so no one
can match the name a member shows others (a pseudonym, initials) with their username. Without a post, the
form asks for the username, as members who know each other tell it."""

import pytest
from django.core import mail

from tests.factories import UserFactory
from timebank.models import Account, ExchangeRequest, Offer
from timebank.services import account_for, offer_create

from .conftest import grant
from .pages import errors, flashed, nothing_written, parse, text

pytestmark = pytest.mark.django_db

RECORD = "/en/timebank/record/"


@pytest.fixture
def author(db):
    """Posted a request for help; named to others by her names where the host does so (not her username)."""
    user = UserFactory(username="akaya77", first_name="Ayşe", last_name="Kaya", email="ayse.kaya@example.org")
    account_for(user)
    return user


@pytest.fixture
def helper(db):
    """Helped the author and records it from her post."""
    user = UserFactory(username="berk")
    grant(account_for(user), 60)
    return user


@pytest.fixture
def wanted(author) -> Offer:
    return offer_create(author=author, kind="request", category="legal", title="Help with a wage claim", language="en")


def form_of(client, url: str):
    page = parse(client.get(url))
    return page, page.select_one("main form")


def sent(form) -> dict:
    """What the form sends as it is, before the member types anything: its fields' names and values."""
    return {field["name"]: field.get("value", "") for field in form.select("input[name]")}


def filled(form, **fields) -> dict:
    """What a browser sends once the member typed an amount: the form's own values (the memo as filled in)."""
    typed = {"hours": "1", "minutes": "30", "memo": text(form.select_one("textarea[name=memo]"))}
    return {key: value for key, value in sent(form).items() if key != "csrfmiddlewaretoken"} | typed | fields


# --- What the page gives away ------------------------------------------------------------------------


def test_the_boards_link_names_the_author_and_carries_only_the_post(client, author, helper, wanted):
    client.force_login(helper)

    board = parse(client.get("/en/timebank/offers/"))

    link = board.find("a", string=lambda s: s and "Record an exchange with" in s)
    assert text(link) == f"Record an exchange with {author}"
    assert link["href"] == f"{RECORD}?offer={wanted.pk}"


def test_the_form_from_a_post_names_its_author_as_others_see_them_and_asks_for_no_username(
    client, author, helper, wanted
):
    client.force_login(helper)

    page, form = form_of(client, f"{RECORD}?offer={wanted.pk}")

    assert text(form.select_one("p.field")) == f"Whom you helped {author}"
    assert f"For “Help with a wage claim” by {author}." in text(page.main)
    assert form.select_one("[name=debtor]") is None
    assert "username" not in text(form).lower()
    assert set(sent(form)) == {"csrfmiddlewaretoken", "form_token", "offer", "hours", "minutes"}
    assert sent(form)["offer"] == str(wanted.pk)
    assert author.username not in " ".join(sent(form).values())
    assert text(form.select_one("textarea[name=memo]")) == "Help with a wage claim"


def test_where_the_author_is_named_otherwise_neither_the_board_nor_the_form_holds_their_username(
    client, author, helper, wanted
):
    if str(author) == author.username:
        pytest.skip("this host names members by their username")
    client.force_login(helper)

    for url in ("/en/timebank/offers/", f"/en/timebank/offers/{wanted.pk}/", f"{RECORD}?offer={wanted.pk}"):
        markup = client.get(url).content.decode()
        assert str(author) in markup
        assert author.username not in markup, url
        assert author.email not in markup, url


# --- What sending it does -----------------------------------------------------------------------------


def test_sending_it_asks_the_author_to_confirm_and_mails_them(
    client, author, helper, wanted, django_capture_on_commit_callbacks
):
    client.force_login(helper)
    _page, form = form_of(client, f"{RECORD}?offer={wanted.pk}")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{RECORD}?offer={wanted.pk}", filled(form), follow=True)

    assert flashed(response) == f"{author} is asked to confirm 1 h 30 min. The hours move when they confirm."
    exchange = ExchangeRequest.objects.get()
    assert (exchange.creditor.member, exchange.debtor.member, exchange.minutes) == (helper, author, 90)
    assert (exchange.offer, exchange.memo, exchange.status) == (wanted, "Help with a wage claim", "pending")
    (message,) = mail.outbox
    assert message.to == [author.email]


@pytest.mark.parametrize(
    "forged",
    [{"debtor": "cem"}, {"to": "cem"}],
    ids=["a username sent with the form", "a username in the address"],
)
def test_a_username_sent_along_changes_nothing_the_author_is_asked(client, author, helper, wanted, forged):
    UserFactory(username="cem")
    client.force_login(helper)
    _page, form = form_of(client, f"{RECORD}?offer={wanted.pk}&to=cem")

    url = f"{RECORD}?offer={wanted.pk}" + ("&to=cem" if "to" in forged else "")
    assert client.post(url, filled(form, **forged)).status_code == 302

    assert ExchangeRequest.objects.get().debtor.member == author


def test_the_same_form_sent_twice_asks_once(client, author, helper, wanted, django_capture_on_commit_callbacks):
    client.force_login(helper)
    _page, form = form_of(client, f"{RECORD}?offer={wanted.pk}")
    data = filled(form)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{RECORD}?offer={wanted.pk}", data).status_code == 302
    with nothing_written():
        again = parse(client.post(f"{RECORD}?offer={wanted.pk}", data), status=409)

    assert errors(again) == ["You had already sent this request; it was sent once."]
    assert ExchangeRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_more_than_the_author_could_pay_is_refused_naming_them_as_others_see_them(client, author, helper, wanted):
    client.force_login(helper)
    _page, form = form_of(client, f"{RECORD}?offer={wanted.pk}")

    with nothing_written():
        page = parse(client.post(f"{RECORD}?offer={wanted.pk}", filled(form, hours="11", minutes="0")), status=409)

    assert errors(page) == [
        f"{author} cannot pay 11 h now: it would take their account below its limit. Ask for less, or ask again later."
    ]
    assert text(page.select_one("main form p.field strong")) == str(author)  # the form is shown again, as it was


def test_an_author_whose_account_is_closed_is_refused(client, author, helper, wanted):
    Account.objects.filter(member=author).update(closed=True)
    client.force_login(helper)
    _page, form = form_of(client, f"{RECORD}?offer={wanted.pk}")

    with nothing_written():
        page = parse(client.post(f"{RECORD}?offer={wanted.pk}", filled(form)), status=409)

    assert errors(page) == [f"The account of {author} is closed."]


def test_an_author_who_is_no_longer_a_member_is_refused_and_no_account_is_opened_for_them(client, helper):
    gone = UserFactory(username="gone", first_name="Deniz", last_name="Işık")
    offer = offer_create(author=gone, kind="request", category="other", title="Old request", language="en")
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    client.force_login(helper)
    _page, form = form_of(client, f"{RECORD}?offer={offer.pk}")

    with nothing_written():
        page = parse(client.post(f"{RECORD}?offer={offer.pk}", filled(form)), status=400)

    assert errors(page) == [f"{gone} is no longer a member: no exchange can be recorded with them."]


def test_the_asker_cannot_ask_themselves_even_by_their_own_post(client, helper):
    """On the member's own post the form asks for the member they helped, as before."""
    own = offer_create(author=helper, kind="offer", category="translation", title="EN–TR translation", language="en")
    client.force_login(helper)

    _page, form = form_of(client, f"{RECORD}?offer={own.pk}")
    assert form.select_one("input[name=debtor]") is not None
    with nothing_written():
        page = parse(client.post(f"{RECORD}?offer={own.pk}", filled(form, debtor="berk")), status=400)

    assert errors(page) == ["You cannot ask yourself for hours."]


def test_on_their_own_post_the_member_names_whom_they_helped_by_username(client, author, helper):
    own = offer_create(author=helper, kind="offer", category="translation", title="EN–TR translation", language="en")
    client.force_login(helper)
    _page, form = form_of(client, f"{RECORD}?offer={own.pk}")

    assert (
        client.post(f"{RECORD}?offer={own.pk}", filled(form, debtor="AKAYA77", memo="Wrote the letter")).status_code
        == 302
    )

    exchange = ExchangeRequest.objects.get()
    assert (exchange.debtor.member, exchange.offer, exchange.memo) == (author, own, "Wrote the letter")


# --- Without a post ------------------------------------------------------------------------------------


def test_without_a_post_the_form_asks_for_the_username_the_member_was_told(client, author, helper):
    client.force_login(helper)

    _page, form = form_of(client, RECORD)

    field = form.select_one("input[name=debtor]")
    assert field.get("value", "") == ""
    assert text(form.select_one(f"label[for={field['id']}]")) == "Whom you helped"
    assert (
        text(field.find_parent(class_="field").select_one(".help")) == "Their username on the site (ask them for it)."
    )
    assert sent(form).get("offer", "") == ""
    assert client.post(RECORD, filled(form, debtor="akaya77", memo="Wrote the letter")).status_code == 302
    assert ExchangeRequest.objects.get().debtor.member == author


def test_a_link_may_still_fill_in_a_username_when_there_is_no_post(client, author, helper):
    client.force_login(helper)

    _page, form = form_of(client, f"{RECORD}?to=akaya77")

    assert form.select_one("input[name=debtor]")["value"] == "akaya77"
