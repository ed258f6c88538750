"""The account page and the board make as many queries with 10,000 transfers as with 10.

Here the timebank's own queries (on its tables) are pinned, the same in any host; what the NLU host
adds around them is pinned in tests/nlu/test_timebank_in_host.py.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UserFactory
from timebank.models import Account, ExchangeRequest, Offer, Transfer
from timebank.search import offer_search_text
from timebank.selectors import ledger_discrepancies
from timebank.services import account_for, commons_account

from .pages import parse, statement_rows

pytestmark = pytest.mark.django_db

# What the pages cost the timebank, pinned so that a change shows.
# The account page: its account, the statement's count and page (running balance included),
# the names of the other sides on that page (a query of their own: joined to the page, they
# made it cost more to plan and compile than to run), the chart's first month (the date of the
# account's first transfer) and its sums per day, the requests
# to answer and those waiting. The board: the page of offers (authors included); the count
# of open offers and the languages they are in are kept in the cache until an offer changes,
# so a search counts only its own matches.
ACCOUNT_PAGE_QUERIES = 8
BOARD_QUERIES = 1
BOARD_SEARCHED_QUERIES = 2
PAGES = {
    "account page": "/en/timebank/",
    "account page, last page": "/en/timebank/?page=400",
    "board": "/en/timebank/offers/",
    "board, searched": "/en/timebank/offers/?q=offer&kind=offer",
}
_keys = itertools.count()


def add_transfers(count: int, member: Account, other: Account) -> None:
    """``count`` more transfers in a cycle that keeps every balance within its limits (commons → member
    → other → commons), spread over the last 400 days, with the stored balances kept true."""
    commons = commons_account()
    cycle = [(commons, member, "grant"), (member, other, "exchange"), (other, commons, "gift")]
    start = Transfer.objects.count()
    running = {account.pk: account.balance for account in (commons, member, other)}
    transfers = []
    for payer, payee, kind in itertools.islice(itertools.cycle(cycle), start % 3, start % 3 + count):
        running[payer.pk] -= 20
        running[payee.pk] += 20
        transfers.append(
            Transfer(
                payer=payer,
                payee=payee,
                minutes=20,
                kind=kind,
                idempotency_key=f"bulk:{next(_keys)}",
                payer_balance_after=running[payer.pk],
                payee_balance_after=running[payee.pk],
            )
        )
    Transfer.objects.bulk_create(transfers)
    now = timezone.now()
    for n, transfer in enumerate(transfers):
        transfer.created_at = now - datetime.timedelta(days=400) * (count - n) / count
    Transfer.objects.bulk_update(transfers, ["created_at"], batch_size=500)
    for account in (commons, member, other):
        received = sum(t.minutes for t in transfers if t.payee_id == account.pk)
        paid = sum(t.minutes for t in transfers if t.payer_id == account.pk)
        Account.objects.filter(pk=account.pk).update(balance=account.balance + received - paid)
        account.refresh_from_db()


def add_requests_and_offers(count: int, member, other) -> None:
    """``count`` pending requests each way between the two members, and ``count`` offers by several authors."""
    member_account, other_account = account_for(member), account_for(other)
    expires = timezone.now() + datetime.timedelta(days=14)
    ExchangeRequest.objects.bulk_create(
        ExchangeRequest(creditor=creditor, debtor=debtor, minutes=30, memo=f"Help {n}", expires_at=expires)
        for n in range(count)
        for creditor, debtor in ((member_account, other_account), (other_account, member_account))
    )
    authors = [member, other, *(UserFactory() for _n in range(3))]
    Offer.objects.bulk_create(
        Offer(
            author=authors[n % len(authors)],
            kind="offer" if n % 2 else "request",
            category="other",
            title=f"Offer {n}",
            language="en",
            search_text=offer_search_text(f"Offer {n}", ""),
        )
        for n in range(count)
    )


def count_queries(client, url: str) -> tuple[int, int]:
    """The queries of one request for ``url``: all of them, and the timebank's own (on its tables)."""
    assert client.get(url).status_code == 200  # warms what is cached (site root, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    own = [query for query in queries.captured_queries if '"timebank_' in query["sql"]]
    return len(queries), len(own)


def costs_with_10_and_10000_transfers(client) -> dict[int, dict[str, tuple[int, int]]]:
    """What each page of ``PAGES`` costs a member (see ``count_queries``) at the two sizes of ledger."""
    member, other = UserFactory(username="ayse"), UserFactory(username="berk")
    member_account, other_account = account_for(member), account_for(other)
    client.force_login(member)

    counts = {}
    for transfers, others in ((10, 2), (10_000, 20)):
        add_transfers(transfers - Transfer.objects.count(), member_account, other_account)
        add_requests_and_offers(others - Offer.objects.count(), member, other)
        assert Transfer.objects.count() == transfers
        assert list(ledger_discrepancies()) == []
        counts[transfers] = {name: count_queries(client, url) for name, url in PAGES.items()}
    page = parse(client.get("/en/timebank/"))
    assert len(statement_rows(page)) == 25
    assert len(page.select("#to-confirm-heading ~ article")) == 20
    return counts


def test_the_account_page_and_the_board_cost_the_same_with_10_and_10000_transfers(client):
    counts = costs_with_10_and_10000_transfers(client)

    assert counts[10] == counts[10_000]
    assert {name: own for name, (_all, own) in counts[10_000].items()} == {
        "account page": ACCOUNT_PAGE_QUERIES,
        "account page, last page": ACCOUNT_PAGE_QUERIES,
        "board": BOARD_QUERIES,
        "board, searched": BOARD_SEARCHED_QUERIES,
    }
