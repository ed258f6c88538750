"""A member's own timebank pages: account, statement, CSV, chart, requests, recording and giving hours."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from timebank.formatting import hours
from timebank.models import Account, ExchangeRequest, Transfer
from timebank.services import (
    account_for,
    commons_account,
    exchange_request_create,
    offer_close,
    offer_create,
    transfer_reverse,
)

from .conftest import coordinator_with, grant, pay
from .pages import AMOUNT, BALANCE, KIND, MEMO, OTHER, SVG, chart, errors, flashed, parse, statement_rows, text

pytestmark = pytest.mark.django_db

MINUS = "\u2212"


def member(username: str, **fields):
    user = UserFactory(username=username, **fields)
    return user, account_for(user)


def ask(creditor, debtor, minutes: int, memo: str = "Leaflet for the night shift") -> ExchangeRequest:
    return exchange_request_create(creditor_member=creditor, debtor_member=debtor, minutes=minutes, memo=memo)


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/en/timebank/", "/tr/timebank/", "/en/timebank/statement.csv", "/en/timebank/record/", "/en/timebank/give/"],
)
def test_a_visitor_is_sent_to_sign_in_first(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/") or "/accounts/login/" in response["Location"]
    assert f"next={url}".replace("/", "%2F") in response["Location"] or f"next={url}" in response["Location"]


# --- The account page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "balance", "lowest", "highest"),
    [
        ("en", "My hours", "12 h 30 min", f"{MINUS}10 h", "100 h"),
        ("tr", "Saatlerim", "12 sa 30 dk", f"{MINUS}10 sa", "100 sa"),
    ],
)
def test_the_account_page_shows_balance_and_limits_in_hours_and_minutes(
    client, language, heading, balance, lowest, highest
):
    user, account = member("ayse")
    grant(account, 750)
    client.force_login(user)

    page = parse(client.get(f"/{language}/timebank/"))

    assert page.html["lang"] == language
    assert text(page.h1) == heading
    assert text(page.select_one(".balance strong")) == balance
    assert [text(dd) for dd in page.select(".facts dd")] == [lowest, highest]
    assert statement_rows(page)[0][AMOUNT] == f"+{balance}"


def test_the_statement_shows_each_transfer_with_the_other_party_and_the_running_balance(client):
    user, account = member("ayse")
    _other, other_account = member("berk")
    grant(account, 120)
    pay(account, other_account, 45, memo="Translated the leaflet")
    pay(other_account, account, 15, memo="Tea money back")
    client.force_login(user)

    rows = statement_rows(parse(client.get("/en/timebank/")))

    assert [(r[OTHER], r[KIND], r[MEMO], r[AMOUNT], r[BALANCE]) for r in rows] == [
        ("berk", "exchange", "Tea money back", "+15 min", "1 h 30 min"),
        ("berk", "exchange", "Translated the leaflet", f"{MINUS}45 min", "1 h 15 min"),
        ("NLU commons", "grant", "", "+2 h", "2 h"),
    ]


def test_the_running_balance_is_right_on_both_pages_of_a_long_statement(client):
    user, account = member("ayse")
    _other, other_account = member("berk")
    expected, balance = [], 0
    for n in range(1, 31):  # 30 transfers: 25 on the first page, 5 on the second
        if n % 3:
            grant(account, 10 * n)
            balance += 10 * n
        else:
            pay(account, other_account, 7 * n)
            balance -= 7 * n
        expected.append(balance)
    client.force_login(user)

    first = statement_rows(parse(client.get("/en/timebank/")))
    second_page = parse(client.get("/en/timebank/?page=2"))
    second = statement_rows(second_page)

    shown = [row[BALANCE] for row in first + second]
    assert len(first) == 25 and len(second) == 5
    assert shown == [hours(b) for b in reversed(expected)]
    assert "Page 2 of 2" in text(second_page.select_one(".pagination"))


def test_the_statement_shows_times_in_the_members_time_zone(client, member_zones):
    user, account = member("ayse", timezone="Europe/Istanbul")
    transfer = grant(account, 60)
    Transfer.objects.filter(pk=transfer.pk).update(
        created_at=datetime.datetime(2026, 1, 15, 21, 30, tzinfo=datetime.UTC)
    )
    client.force_login(user)

    page = parse(client.get("/en/timebank/"))

    assert page.select_one("table.statement time")["datetime"] == "2026-01-16T00:30:00+03:00"
    assert "Europe/Istanbul" in text(page.select_one("main"))


def test_the_balance_chart_is_svg_with_a_title_and_the_current_balance_for_screen_readers(client):
    user, account = member("ayse")
    grant(account, 150)
    client.force_login(user)

    svg = chart(parse(client.get("/tr/timebank/")))

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert "2 sa 30 dk" in svg.get("aria-label")
    assert svg.find(f"{SVG}title").text.startswith("Bakiye: ")
    assert svg.find(f"{SVG}polyline") is not None


def test_the_whole_statement_downloads_as_csv_with_minutes_and_hours(client, member_zones):
    user, account = member("ayse", timezone="Europe/Istanbul")
    _other, other_account = member("berk")
    for _n in range(30):
        grant(account, 10)
    pay(account, other_account, 90, memo="=SUM(A1:A9)")
    client.force_login(user)

    response = client.get("/tr/timebank/statement.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="statement.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "Tarih (Europe/Istanbul)",
        "Karşı taraf",
        "Tür",
        "Açıklama",
        "Miktar (dakika)",
        "Miktar (saat)",
        "Sonraki bakiye (dakika)",
        "Sonraki bakiye (saat)",
    ]
    assert len(rows) == 1 + 31  # every transfer, not one page
    newest, oldest = rows[1], rows[-1]
    assert newest[1:] == ["berk", "takas", "'=SUM(A1:A9)", "-90", "-1.50", "210", "3.50"]
    assert oldest[1:] == ["NLU ortak hesabı", "hibe", "", "10", "0.17", "10", "0.17"]
    shown = datetime.datetime.strptime(newest[0], "%Y-%m-%d %H:%M").replace(tzinfo=zoneinfo.ZoneInfo("Europe/Istanbul"))
    assert abs(shown - timezone.now()) < datetime.timedelta(minutes=2)


# --- Requests waiting for an answer ------------------------------------------------------------


def test_a_request_waits_on_the_debtors_page_and_confirming_pays_it(client):
    creditor, creditor_account = member("ayse")
    debtor, debtor_account = member("berk")
    exchange = ask(creditor, debtor, 90)
    client.force_login(debtor)

    page = parse(client.get("/en/timebank/"))
    card = page.select_one("#to-confirm-heading").find_parent("section")
    assert "ayse asks you to confirm 1 h 30 min" in text(card)

    response = client.post(f"/en/timebank/requests/{exchange.pk}/confirm/", follow=True)

    page = parse(response)
    assert "Confirmed: 1 h 30 min paid to ayse." in flashed(response)
    exchange.refresh_from_db()
    assert exchange.status == "confirmed"
    assert list(
        Account.objects.filter(pk__in=[creditor_account.pk, debtor_account.pk])
        .order_by("pk")
        .values_list("balance", flat=True)
    ) == [90, -90]
    assert "Nothing is waiting for you." in text(page.select_one("#to-confirm-heading").find_parent("section"))


def test_the_debtor_can_decline_with_a_reason_and_nothing_is_paid(client):
    creditor, _ = member("ayse")
    debtor, _ = member("berk")
    exchange = ask(creditor, debtor, 90)
    client.force_login(debtor)

    response = client.post(
        f"/tr/timebank/requests/{exchange.pk}/decline/", {"reason": "We agreed one hour"}, follow=True
    )

    assert "Reddedildi; hiçbir ödeme yapılmadı." in flashed(response)
    exchange.refresh_from_db()
    assert (exchange.status, exchange.decline_reason, exchange.transfer) == ("declined", "We agreed one hour", None)
    assert not Transfer.objects.exists()


def test_the_creditor_sees_their_own_request_and_can_withdraw_it(client):
    creditor, _ = member("ayse")
    debtor, _ = member("berk")
    exchange = ask(creditor, debtor, 30)
    client.force_login(creditor)

    section = parse(client.get("/en/timebank/")).select_one("#my-requests-heading").find_parent("section")
    assert "You asked berk to confirm 30 min" in text(section)

    response = client.post(f"/en/timebank/requests/{exchange.pk}/cancel/", follow=True)

    assert "Your request is withdrawn." in flashed(response)
    exchange.refresh_from_db()
    assert exchange.status == "cancelled"


# --- Recording an exchange and giving hours ------------------------------------------------------


def form_token(client, url: str) -> str:
    return parse(client.get(url)).select_one("input[name=form_token]")["value"]


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_member_records_hours_given_and_the_other_is_asked_to_confirm(client, language):
    creditor, _ = member("ayse")
    debtor, _ = member("berk")
    client.force_login(creditor)
    token = form_token(client, f"/{language}/timebank/record/")

    response = client.post(
        f"/{language}/timebank/record/",
        {"debtor": "Berk", "hours": "1", "minutes": "30", "memo": "Minutes of the meeting", "form_token": token},
        follow=True,
    )

    message = flashed(response)
    assert (
        message
        == {
            "en": "berk is asked to confirm 1 h 30 min. The hours move when they confirm.",
            "tr": "Onay istendi: berk, 1 sa 30 dk. Saatler, onayladığında aktarılır.",
        }[language]
    )
    exchange = ExchangeRequest.objects.get()
    assert (exchange.creditor.member, exchange.debtor.member, exchange.minutes, exchange.memo) == (
        creditor,
        debtor,
        90,
        "Minutes of the meeting",
    )
    assert exchange.status == "pending" and not Transfer.objects.exists()


def test_a_member_gives_hours_to_another_member_and_to_the_commons(client):
    giver, giver_account = member("ayse")
    _receiver, receiver_account = member("berk")
    grant(giver_account, 300)
    client.force_login(giver)

    to_member = client.post(
        "/en/timebank/give/",
        {
            "recipient": "member",
            "member": "berk",
            "hours": "2",
            "minutes": "0",
            "memo": "Thanks",
            "form_token": form_token(client, "/en/timebank/give/"),
        },
        follow=True,
    )
    to_commons = client.post(
        "/tr/timebank/give/",
        {"recipient": "commons", "hours": "0", "minutes": "45", "form_token": form_token(client, "/tr/timebank/give/")},
        follow=True,
    )

    assert "You gave 2 h to berk." in flashed(to_member)
    assert "45 dk, NLU ortak hesabı için verildi." in flashed(to_commons)
    giver_account.refresh_from_db()
    receiver_account.refresh_from_db()
    assert (giver_account.balance, receiver_account.balance) == (300 - 120 - 45, 120)
    assert list(Transfer.objects.filter(kind="gift").values_list("payee", "minutes", "memo")) == [
        (receiver_account.pk, 120, "Thanks"),
        (commons_account().pk, 45, ""),
    ]


def test_the_forms_carry_a_new_token_each_time_and_label_every_field(client):
    user, _ = member("ayse")
    client.force_login(user)

    for url in ("/en/timebank/record/", "/en/timebank/give/"):
        first, second = parse(client.get(url)), parse(client.get(url))
        assert (
            first.select_one("input[name=form_token]")["value"] != second.select_one("input[name=form_token]")["value"]
        )
        assert first.select_one("form input[name=csrfmiddlewaretoken]") is not None
        for field in first.select("form input[type=text], form input[type=number], form textarea"):
            assert first.select_one(f"label[for={field['id']}]") is not None, field["name"]
    assert not errors(first)


# --- The community page ---------------------------------------------------------------------------


@pytest.fixture
def known_ledger(db):
    """Last month: 2 h granted. This month: 1 h exchanged, 30 min given back, 1 h 30 min of tutoring,
    and a 45-minute grant reversed (neither counts). Two offers and one request open, one closed."""
    ayse, ayse_account = member("ayse")
    _berk, berk_account = member("berk")
    _cem, cem_account = member("cem")
    _dilek, dilek_account = member("dilek")
    old = grant(ayse_account, 120)
    Transfer.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    pay(ayse_account, berk_account, 60)
    pay(berk_account, commons_account(), 30, kind="gift")
    pay(commons_account(), cem_account, 90, kind="tutoring")
    mistake = grant(dilek_account, 45)
    coordinator = coordinator_with("reverse_transfer", username="coord")
    transfer_reverse(transfer=mistake, reason="Granted to the wrong member", recorded_by=coordinator)
    for kind, status in (("offer", "active"), ("offer", "active"), ("request", "active"), ("request", "closed")):
        offer = offer_create(author=ayse, kind=kind, category="other", title=f"{kind} {status}", language="en")
        if status == "closed":
            offer_close(offer=offer, by=ayse)


@pytest.mark.parametrize(
    ("language", "figures"),
    [
        ("en", ["3 h", "5 h", "3", "2", "1"]),
        ("tr", ["3 sa", "5 sa", "3", "2", "1"]),
    ],
)
def test_the_community_page_counts_what_stands(client, known_ledger, language, figures):
    page = parse(client.get(f"/{language}/timebank/community/"))  # open to visitors

    assert page.html["lang"] == language
    assert [text(dd) for dd in page.select(".figures dd")] == figures
    by_kind = {
        text(row.th): [text(td) for td in row.select("td")] for row in page.select("table")[0].select("tbody tr")
    }
    assert (
        by_kind
        == {
            "en": {
                "Tutoring": ["1 h 30 min", "1 h 30 min"],
                "Exchange": ["1 h", "1 h"],
                "Gift": ["30 min", "30 min"],
                "Grant": ["0 min", "2 h"],
            },
            "tr": {
                "Eğitmenlik": ["1 sa 30 dk", "1 sa 30 dk"],
                "Takas": ["1 sa", "1 sa"],
                "Hediye": ["30 dk", "30 dk"],
                "Hibe": ["0 dk", "2 sa"],
            },
        }[language]
    )


def test_the_community_chart_has_a_bar_per_month_with_the_hours_given(client, known_ledger):
    page = parse(client.get("/en/timebank/community/"))

    svg = chart(page)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Hours given, month by month"
    assert svg.get("aria-label") == "Hours given in each of the last 12 months; this month 3 h."
    bars = [bar.find(f"{SVG}title").text for bar in svg.iter(f"{SVG}rect")]
    assert len(bars) == 12
    assert bars[-1].endswith(": 3 h")
    assert "2 h" in [bar.split(": ")[1] for bar in bars[-3:-1]]  # 40 days ago: last month or the one before
    table = {text(row.th): text(row.td) for row in page.select("details tbody tr")}
    assert len(table) == 12 and sum(value != "0 min" for value in table.values()) == 2
