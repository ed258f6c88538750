"""The coordinators' desk: all accounts, one account's statement, limits, closing, reversals and grants."""

import csv
import datetime
import io

import pytest

from tests.factories import UserFactory
from timebank.models import Account, Transfer
from timebank.services import account_for, commons_account

from .conftest import coordinator_with, grant, pay
from .pages import AMOUNT, KIND, errors, flashed, nothing_written, parse, statement_rows, text

pytestmark = pytest.mark.django_db

MINUS = "\u2212"


def member(username: str):
    user = UserFactory(username=username)
    return user, account_for(user)


def desk_urls(account: Account, transfer: Transfer) -> list[str]:
    return [
        "/en/timebank/coordinate/accounts/",
        f"/en/timebank/coordinate/accounts/{account.pk}/",
        f"/en/timebank/coordinate/accounts/{account.pk}/statement.csv",
        f"/en/timebank/coordinate/transfers/{transfer.pk}/reverse/",
        "/en/timebank/coordinate/grant/",
    ]


def post_urls(account: Account, transfer: Transfer) -> list[tuple[str, dict]]:
    return [
        (f"/en/timebank/coordinate/accounts/{account.pk}/limits/", {"min_hours": "-100", "max_hours": "1000"}),
        (f"/en/timebank/coordinate/accounts/{account.pk}/status/", {"action": "close"}),
        (f"/en/timebank/coordinate/transfers/{transfer.pk}/reverse/", {"reason": "Mine"}),
    ]


def test_the_desk_is_forbidden_to_members_and_sends_visitors_to_sign_in(client):
    user, account = member("ayse")
    transfer = grant(account, 60)

    for url in desk_urls(account, transfer):
        assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(user)
    for url in desk_urls(account, transfer):  # the host's 403 page says why (tests/nlu/test_timebank_in_host.py)
        assert client.get(url).status_code == 403
    with nothing_written():
        for url, data in post_urls(account, transfer):
            assert client.post(url, data).status_code == 403
    assert "Koordinasyon" not in client.get("/tr/timebank/").content.decode()


@pytest.mark.parametrize(("language", "no_limit"), [("en", "no limit"), ("tr", "sınır yok")])
def test_all_accounts_with_balances_and_limits(client, coordinator, language, no_limit):
    _user, account = member("ayse")
    grant(account, 150)
    client.force_login(coordinator)

    page = parse(client.get(f"/{language}/timebank/coordinate/accounts/"))

    rows = [[text(td) for td in row.select("td")] for row in page.select("tbody tr")]
    hours = {"en": ("h", "min"), "tr": ("sa", "dk")}[language]
    assert rows[0][:4] == [
        {"en": "NLU commons", "tr": "NLU ortak hesabı"}[language],
        f"{MINUS}2 {hours[0]} 30 {hours[1]}",
        no_limit,
        no_limit,
    ]
    assert rows[1][:4] == ["ayse (ayse)", f"2 {hours[0]} 30 {hours[1]}", f"{MINUS}10 {hours[0]}", f"100 {hours[0]}"]


def test_the_accounts_are_searched_by_username_and_paginated(client, coordinator):
    for n in range(60):
        account_for(UserFactory(username=f"steward{n:02}"))
    account_for(UserFactory(username="tutor-ayse"))
    client.force_login(coordinator)

    found = parse(client.get("/en/timebank/coordinate/accounts/?q=AYSE"))
    first = parse(client.get("/en/timebank/coordinate/accounts/?q=steward"))
    second = parse(client.get("/en/timebank/coordinate/accounts/?q=steward&page=2"))

    assert [text(a) for a in found.select("tbody td a")] == ["tutor-ayse"]
    assert len(first.select("tbody tr")) == 50 and len(second.select("tbody tr")) == 10
    assert text(second.select("tbody td a")[-1]) == "steward59"


def test_one_accounts_statement_with_a_reversal_link_for_each_transfer(client, coordinator):
    _user, account = member("ayse")
    _other, other_account = member("berk")
    first = grant(account, 120)
    pay(account, other_account, 30)
    client.force_login(coordinator)

    page = parse(client.get(f"/en/timebank/coordinate/accounts/{account.pk}/"))

    assert text(page.h1) == "ayse"
    assert [(row[KIND], row[AMOUNT]) for row in statement_rows(page)] == [
        ("exchange", f"{MINUS}30 min"),
        ("grant", "+2 h"),
    ]
    csv_link = page.find("a", string="Download the whole statement (CSV)")
    body = b"".join(client.get(csv_link["href"]).streaming_content).decode("utf-8-sig")
    assert [row[1:5] for row in csv.reader(io.StringIO(body))][1:] == [
        ["berk", "exchange", "", "-30"],
        ["NLU commons", "grant", "", "120"],
    ]
    link = page.select("table.statement a")[-1]
    assert link["href"] == f"/en/timebank/coordinate/transfers/{first.pk}/reverse/?account={account.pk}"
    assert page.select_one("input[name=min_hours]")["value"] == "-10"
    assert page.select_one("input[name=max_hours]")["value"] == "100"


def test_a_coordinator_sets_the_limits_in_hours(client, coordinator):
    _user, account = member("ayse")
    client.force_login(coordinator)

    response = client.post(
        f"/tr/timebank/coordinate/accounts/{account.pk}/limits/", {"min_hours": "-20", "max_hours": ""}, follow=True
    )

    assert "Sınırlar kaydedildi." in flashed(response)
    account.refresh_from_db()
    assert (account.min_balance, account.max_balance) == (-1200, None)


def test_a_limit_the_balance_already_breaks_is_refused_at_its_field(client, coordinator):
    _user, account = member("ayse")
    grant(account, 600)
    client.force_login(coordinator)

    with nothing_written():
        page = parse(
            client.post(f"/en/timebank/coordinate/accounts/{account.pk}/limits/", {"min_hours": "", "max_hours": "5"}),
            status=409,
        )

    assert errors(page) == ["ayse has 10 h, already above that maximum."]
    assert page.select_one("input[name=max_hours]").find_parent(class_="field")["class"] == ["field", "has-error"]


def test_a_coordinator_without_the_permission_to_change_accounts_is_refused_the_limits(client):
    reverser = coordinator_with("reverse_transfer", username="reverser")
    _user, account = member("ayse")
    client.force_login(reverser)

    assert client.get(f"/en/timebank/coordinate/accounts/{account.pk}/").status_code == 200
    with nothing_written():
        page = parse(
            client.post(f"/en/timebank/coordinate/accounts/{account.pk}/limits/", {"min_hours": "-1"}), status=403
        )
    assert errors(page) == ["Only a coordinator can change an account."]


def test_a_coordinator_closes_and_reopens_an_account(client, coordinator):
    user, account = member("ayse")
    client.force_login(coordinator)

    client.post(f"/en/timebank/coordinate/accounts/{account.pk}/status/", {"action": "close"})
    account.refresh_from_db()
    assert account.closed
    client.force_login(user)
    assert "Your account is closed" in text(parse(client.get("/en/timebank/")).main)

    client.force_login(coordinator)
    response = client.post(f"/en/timebank/coordinate/accounts/{account.pk}/status/", {"action": "reopen"}, follow=True)
    assert "The account is open again." in flashed(response)
    account.refresh_from_db()
    assert not account.closed


def test_the_commons_cannot_be_closed(client, coordinator):
    commons = commons_account()
    client.force_login(coordinator)

    with nothing_written():
        page = parse(
            client.post(f"/en/timebank/coordinate/accounts/{commons.pk}/status/", {"action": "close"}), status=409
        )

    assert errors(page) == ["The commons account has no limits and cannot be closed."]


@pytest.mark.parametrize(("language", "message"), [("en", "The transfer is reversed."), ("tr", "Aktarım geri alındı.")])
def test_a_coordinator_reverses_a_transfer_with_a_reason(client, coordinator, language, message):
    _user, account = member("ayse")
    _other, other_account = member("berk")
    grant(account, 120)
    transfer = pay(account, other_account, 45, memo="Leaflet")
    client.force_login(coordinator)
    url = f"/{language}/timebank/coordinate/transfers/{transfer.pk}/reverse/?account={other_account.pk}"

    shown = parse(client.get(url))
    assert [text(dd) for dd in shown.select(".facts dd")][1:] == [
        "ayse",
        "berk",
        {"en": "45 min", "tr": "45 dk"}[language],
        {"en": "exchange", "tr": "takas"}[language],
        "Leaflet",
    ]

    response = client.post(url, {"reason": "Recorded twice", "account": other_account.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/{language}/timebank/coordinate/accounts/{other_account.pk}/"
    assert message in flashed(client.get(response["Location"]))
    reversal = Transfer.objects.get(reverses=transfer)
    assert (reversal.payer, reversal.payee, reversal.minutes, reversal.memo, reversal.recorded_by) == (
        other_account,
        account,
        45,
        "Recorded twice",
        coordinator,
    )


def test_the_transfer_to_reverse_is_dated_in_the_coordinators_time_zone(client, member_zones):
    reverser = coordinator_with("reverse_transfer", username="reverser", timezone="Asia/Tokyo")
    _user, account = member("ayse")
    transfer = grant(account, 60)
    Transfer.objects.filter(pk=transfer.pk).update(
        created_at=datetime.datetime(2026, 1, 15, 21, 30, tzinfo=datetime.UTC)
    )
    client.force_login(reverser)

    page = parse(client.get(f"/en/timebank/coordinate/transfers/{transfer.pk}/reverse/"))

    assert text(page.select_one(".facts dd")) == "Fri 16 Jan 2026, 06:30 (Asia/Tokyo)"


def test_a_coordinator_grants_hours_from_the_commons(client, coordinator):
    _user, account = member("ayse")
    client.force_login(coordinator)
    form = parse(client.get("/en/timebank/coordinate/grant/?to=ayse"))
    assert form.select_one("input[name=member]")["value"] == "ayse"

    response = client.post(
        "/en/timebank/coordinate/grant/",
        {
            "member": "ayse",
            "hours": "3",
            "minutes": "15",
            "memo": "Translation of the union's statute",
            "form_token": form.select_one("input[name=form_token]")["value"],
        },
        follow=True,
    )

    assert "3 h 15 min granted to ayse." in flashed(response)
    transfer = Transfer.objects.get()
    assert (transfer.payer, transfer.payee, transfer.minutes, transfer.kind, transfer.recorded_by) == (
        commons_account(),
        account,
        195,
        "grant",
        coordinator,
    )
