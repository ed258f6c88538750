"""Each transfer stores both sides' balance after it; the statement reads it from there."""

import importlib
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F

from tests.factories import UserFactory
from timebank.formatting import hours
from timebank.models import Account, Transfer
from timebank.selectors import account_statement, ledger_discrepancies
from timebank.services import account_for, commons_account, gift_create, transfer_reverse

from .conftest import grant, pay, wrong_balances_after
from .pages import AMOUNT, BALANCE, KIND, parse, statement_rows

pytestmark = pytest.mark.django_db


def member(username: str):
    user = UserFactory(username=username)
    return user, account_for(user)


def test_each_transfer_stores_both_balances_after_it(make_account):
    ayse, berk = make_account(), make_account()
    first = grant(ayse, 120)
    second = pay(ayse, berk, 45)
    third = gift_create(giver_member=berk.member, to=commons_account(), minutes=15, form_token="t-1")

    stored = Transfer.objects.order_by("pk").values_list("payer_balance_after", "payee_balance_after")
    assert list(stored) == [(-120, 120), (75, 45), (30, -105)]
    assert [(t.payer_balance_after, t.payee_balance_after) for t in (first, second, third)] == list(stored)
    assert wrong_balances_after() == []


def test_a_replayed_request_returns_the_first_transfer_with_its_balances(make_account):
    ayse, berk = make_account(), make_account()
    grant(ayse, 120)
    first = pay(ayse, berk, 30, key="form-1")
    pay(berk, ayse, 10)

    again = pay(ayse, berk, 30, key="form-1")

    assert again.pk == first.pk
    assert (again.payer_balance_after, again.payee_balance_after) == (90, 30)
    assert Transfer.objects.count() == 3 and wrong_balances_after() == []


def test_the_statement_shows_the_balance_after_each_transfer_on_both_pages_and_after_reversals(client, coordinator):
    ayse_user, ayse = member("ayse")
    berk_user, berk = member("berk")
    ayse_balance, berk_balance, seen_by_ayse, seen_by_berk = 0, 0, [], []
    made = []
    for n in range(1, 29):  # 28 transfers, then 2 reversals: 25 on the first page, 5 on the second
        if n % 3:
            made.append(grant(ayse, 10 * n))
            ayse_balance += 10 * n
        else:
            made.append(pay(ayse, berk, 7 * n))
            ayse_balance, berk_balance = ayse_balance - 7 * n, berk_balance + 7 * n
            seen_by_berk.append(berk_balance)
        seen_by_ayse.append(ayse_balance)
    for original in (made[2], made[-1]):  # an early payment to berk (on page 2) and the newest grant
        transfer_reverse(transfer=original, reason="Recorded by mistake", recorded_by=coordinator)
        if original.payee_id == berk.pk:
            ayse_balance, berk_balance = ayse_balance + original.minutes, berk_balance - original.minutes
            seen_by_berk.append(berk_balance)
        else:
            ayse_balance -= original.minutes
        seen_by_ayse.append(ayse_balance)
    client.force_login(ayse_user)

    first = statement_rows(parse(client.get("/en/timebank/")))
    second = statement_rows(parse(client.get("/en/timebank/?page=2")))

    assert (len(first), len(second)) == (25, 5)
    assert [row[BALANCE] for row in first + second] == [hours(b) for b in reversed(seen_by_ayse)]
    assert [row[KIND] for row in first[:2]] == ["reversal", "reversal"]
    assert first[0][BALANCE] == hours(Account.objects.get(pk=ayse.pk).balance)
    client.force_login(berk_user)
    berks = statement_rows(parse(client.get("/en/timebank/")))
    assert [row[BALANCE] for row in berks] == [hours(b) for b in reversed(seen_by_berk)]
    assert berks[0][AMOUNT].endswith(hours(made[2].minutes))  # the reversal took back what ayse paid
    assert wrong_balances_after() == [] and list(ledger_discrepancies()) == []


def test_the_statement_reads_the_side_the_account_is_on(make_account):
    ayse, berk = make_account(), make_account()
    grant(ayse, 100)
    pay(ayse, berk, 40)

    assert [(t.amount, t.balance_after) for t in account_statement(ayse)] == [(-40, 60), (100, 100)]
    assert [(t.amount, t.balance_after) for t in account_statement(berk)] == [(40, 40)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_statement_page_searches_the_accounts_rows_and_scans_no_table(make_account):
    ayse = make_account()
    # A ledger of 3,000 transfers between 300 accounts, none reversed, as in the scaled demo.
    others = Account.objects.bulk_create(Account(system_name=f"test-{n}") for n in range(300))
    Transfer.objects.bulk_create(
        Transfer(
            payer=others[n % 300],
            payee=ayse if n % 100 == 0 else others[(n * 7 + 1) % 300],
            minutes=1,
            kind="gift",
            idempotency_key=f"bulk-{n}",
            payer_balance_after=0,  # not what this test reads
            payee_balance_after=0,
        )
        for n in range(3000)
    )
    page = account_statement(ayse)[25:50]

    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as load_demo does: with statistics the planner chooses differently
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]

    transfers = {"timebank_transfer", *re.findall(r'"timebank_transfer" (\w+)', sql)}  # the table and its aliases
    assert not [step for step in plan if step.startswith("SCAN") and step.split()[1] in transfers], plan
    assert any(step.startswith("SEARCH U0 USING INDEX") and "(payer_id=?)" in step for step in plan), plan


def test_the_audit_reports_a_stored_balance_after_that_disagrees(make_account):
    ayse, berk = make_account(), make_account()
    grant(ayse, 120)
    payment = pay(ayse, berk, 90)
    Transfer.objects.filter(pk=payment.pk).update(payee_balance_after=F("payee_balance_after") + 5)

    assert list(ledger_discrepancies()) == [
        f"transfer {payment.pk}: payee account {berk.pk} has balance after 95 stored "
        "but its transfers up to it sum to 90"
    ]


# --- The migration that fills the columns of the transfers written before them ----------------

MIGRATION = importlib.import_module("timebank.migrations.0003_transfer_balance_after")


def test_the_fill_walks_each_accounts_transfers_in_pk_order(make_account, monkeypatch):
    ayse, berk, cem = make_account(), make_account(), make_account()
    grant(ayse, 120)
    grant(berk, 60)
    pay(ayse, berk, 30)
    pay(berk, cem, 45)
    pay(cem, ayse, 15)
    right = list(Transfer.objects.order_by("pk").values_list("payer_balance_after", "payee_balance_after"))
    Transfer.objects.update(payer_balance_after=0, payee_balance_after=0)
    monkeypatch.setattr(MIGRATION, "CHUNK", 2)  # several chunks, an account's transfers across them

    assert MIGRATION.fill_balances_after(Transfer) == 5

    assert list(Transfer.objects.order_by("pk").values_list("payer_balance_after", "payee_balance_after")) == right


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_fills_the_balances_after_of_earlier_transfers():
    before = [("timebank", "0002_offers_exchange_requests")]
    after = [("timebank", "0004_transfer_balance_after_required")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldAccount, OldTransfer = apps.get_model("timebank", "Account"), apps.get_model("timebank", "Transfer")
    commons = OldAccount.objects.create(system_name="commons")
    ayse, berk = (OldAccount.objects.create(member_id=UserFactory().pk) for _ in range(2))
    for n, (payer, payee, minutes) in enumerate([(commons, ayse, 120), (ayse, berk, 45), (berk, ayse, 15)]):
        OldTransfer.objects.create(payer=payer, payee=payee, minutes=minutes, kind="exchange", idempotency_key=f"k{n}")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    assert list(Transfer.objects.order_by("pk").values_list("payer_balance_after", "payee_balance_after")) == [
        (-120, 120),
        (75, 45),
        (30, 90),
    ]
    call_command("migrate", verbosity=0)  # the rest of the suite runs on the latest schema
