"""timebank/ alone in a fresh wagtail start site: a member sees their hours and the board, gives hours,
and records hours given, which the other member confirms."""

import re

import pytest

from .site import Browser, FreshSite, in_host_layout, needs_fresh_site

pytestmark = needs_fresh_site
PASSWORD = "a fresh site's password 42"
CSS = "timebank/timebank.css"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = FreshSite.create(tmp_path_factory.mktemp("timebank"), "timebank")
    assert site.packages == ["timebank", "suite"]
    site.install()
    assert (site.folder / "timebank/locale/tr/LC_MESSAGES/django.mo").is_file(), "compile_translations left it out"
    for username in ("ada", "bo", "cem", "dilek"):
        site.add_member(username, PASSWORD)
    with site.served() as server:
        yield server


def member(server, username: str) -> Browser:
    browser = Browser(server)
    browser.sign_in(username, PASSWORD)
    return browser


def test_a_member_sees_their_hours_and_the_board_and_gives_hours(server):
    Browser(server).get("/")  # Wagtail's own home page still answers: the include did not shadow it
    ada = member(server, "ada")

    account = in_host_layout(ada.get("/timebank/"), title="My hours", stylesheet=CSS)
    assert re.search(r"Balance: <strong>\s*0", account), "a new member's balance is not 0"
    assert "Nothing is waiting for you." in account

    board = in_host_layout(ada.get("/timebank/offers/"), title="Offers and requests", stylesheet=CSS)
    assert "Post an offer or a request" in board

    in_host_layout(ada.get("/timebank/give/"), title="Give hours", stylesheet=CSS)
    given = ada.submit(
        "/timebank/give/",
        {"recipient": "member", "member": "bo", "hours": "1", "minutes": "30", "memo": "For the leaflets"},
    )
    assert given.headers["Location"] == "/timebank/"
    account = in_host_layout(ada.get("/timebank/"), title="My hours", stylesheet=CSS)
    assert re.search(r"Balance: <strong>\s*\u22121 h 30 min", account), "ada's balance is not -1 h 30 min"
    assert "For the leaflets" in account and re.search(r">\s*bo\s*<", account), "the gift is not in the statement"

    account = in_host_layout(member(server, "bo").get("/timebank/"), title="My hours", stylesheet=CSS)
    assert re.search(r"Balance: <strong>\s*1 h 30 min", account), "bo's balance is not 1 h 30 min"
    assert "For the leaflets" in account and re.search(r">\s*ada\s*<", account), "the gift is not in the statement"

    anonymous = Browser(server)
    board = in_host_layout(anonymous.get("/timebank/offers/"), title="Offers and requests", stylesheet=CSS)
    assert "Post an offer or a request" not in board
    community = in_host_layout(anonymous.get("/timebank/community/"), title="Community", stylesheet=CSS)
    assert "1 h 30 min" in community, "the community's figures miss the hours given"
    # Their own hours are for members: the site's LOGIN_URL (Django's default; wagtail start has no page there).
    refused = anonymous.get("/timebank/", status=302)
    assert refused.headers["Location"] == "/accounts/login/?next=/timebank/"


def test_hours_recorded_by_one_member_are_confirmed_by_the_other(server):
    """The request asks the other member by mail (a Celery task): the host has configured no Celery."""
    cem = member(server, "cem")
    in_host_layout(cem.get("/timebank/record/"), title="Record hours", stylesheet=CSS)
    asked = cem.submit("/timebank/record/", {"debtor": "dilek", "hours": "2", "minutes": "0", "memo": "Minutes taken"})
    assert asked.headers["Location"] == "/timebank/"
    account = in_host_layout(cem.get("/timebank/"), title="My hours", stylesheet=CSS)
    assert "Your requests waiting for an answer" in account and "Minutes taken" in account

    dilek = member(server, "dilek")
    account = in_host_layout(dilek.get("/timebank/"), title="My hours", stylesheet=CSS)
    assert "Minutes taken" in account
    confirm = re.search(r'action="(/timebank/requests/\d+/confirm/)"', account)
    assert confirm, "dilek is not asked to confirm"
    confirmed = dilek.submit(confirm.group(1), {}, on="/timebank/")
    assert confirmed.headers["Location"] == "/timebank/"
    account = in_host_layout(dilek.get("/timebank/"), title="My hours", stylesheet=CSS)
    assert re.search(r"Balance: <strong>\s*\u22122 h", account), "dilek's balance is not -2 h"
    assert "Nothing is waiting for you." in account
