"""Reads of the timebank.

Nothing here loads a whole ledger: a statement page is one query that reads only the
account's own rows (each carries the balance after it), and the charts add up movements per
day or per month in the database.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from suite.versions import current_version, move_version

from .models import Account, ExchangeRequest, Offer, Transfer, language_choices
from .search import fold

Kind = Transfer.Kind


def _total(direction: str) -> Coalesce:
    """Minutes an account received (``payee``) or paid (``payer``), for each account row."""
    transfers = Transfer.objects.filter(**{direction: OuterRef("pk")}).order_by().values(direction)
    return Coalesce(Subquery(transfers.annotate(total=Sum("minutes")).values("total")), 0, output_field=IntegerField())


def ledger_discrepancies() -> Iterator[str]:
    """Every way the stored balances disagree with the transfers or the limits, one line each.

    The balances and their sums in one query, so that on PostgreSQL they come from the same
    snapshot even while transfers go on; then each transfer's stored balances after it.
    """
    accounts = Account.objects.select_related("member").annotate(received=_total("payee"), paid=_total("payer"))
    ledger_sum = 0
    for account in accounts.order_by("pk").iterator(chunk_size=2000):
        name = f"account {account.pk} ({account})"
        ledger_sum += account.balance
        if account.balance != account.received - account.paid:
            yield (
                f"{name}: balance {account.balance} but its transfers sum to {account.received - account.paid} "
                f"({account.received} in, {account.paid} out)"
            )
        if account.min_balance is not None and account.balance < account.min_balance:
            yield f"{name}: balance {account.balance} below its minimum {account.min_balance}"
        if account.max_balance is not None and account.balance > account.max_balance:
            yield f"{name}: balance {account.balance} above its maximum {account.max_balance}"
    if ledger_sum != 0:
        yield f"the balances sum to {ledger_sum}, not 0"
    for transfer, side, account, stored, running in _wrong_balances_after():
        yield (
            f"transfer {transfer}: {side} account {account} has balance after {stored} stored "
            f"but its transfers up to it sum to {running}"
        )


def _wrong_balances_after() -> list[tuple]:
    """Each side of a transfer whose stored balance after is not the account's running total there.

    One pass over the ledger (a window per account over both sides), in SQL that SQLite and
    PostgreSQL share. A separate query from the balances' but as consistent: an account's
    transfers commit in pk order (each waits for the lock the one before held), so any snapshot
    sees a prefix of them.
    """
    quote = connection.ops.quote_name
    table = quote(Transfer._meta.db_table)
    sides = " UNION ALL ".join(
        f"SELECT {quote(f'{side}_id')} AS account, {quote('id')} AS transfer, '{side}' AS side, "
        f"{quote(f'{side}_balance_after')} AS stored, {sign}{quote('minutes')} AS delta FROM {table}"
        for side, sign in (("payer", "-"), ("payee", ""))
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT transfer, side, account, stored, running FROM ("
            "SELECT transfer, side, account, stored, "
            "SUM(delta) OVER (PARTITION BY account ORDER BY transfer) AS running "
            f"FROM ({sides}) AS sides) AS totals WHERE stored <> running ORDER BY transfer, side"
        )
        return cursor.fetchall()


# --- An account's statement ---------------------------------------------------------------------


def _signed(account: Account) -> Case:
    """A transfer's minutes as seen from ``account``: positive received, negative paid."""
    return Case(When(payee=account, then=F("minutes")), default=-F("minutes"), output_field=IntegerField())


def _movements(account: Account) -> QuerySet[Transfer]:
    return Transfer.objects.filter(Q(payer=account) | Q(payee=account))


def account_statement(account: Account) -> QuerySet[Transfer]:
    """Every transfer of the account, newest first, with ``amount`` (±), ``balance_after``,
    ``other_id`` (the account on the other side) and ``reversed``.

    In pk order, not by date: a transfer gets its pk while it holds the lock on the account, so
    pk order is the order in which the balance changed. The balance after each transfer is read
    from the side of it the account is on, stored when it was written, so a page costs the same
    however long the ledger.

    Only the columns a statement shows, and the other side as a pk (``account_names`` names
    them in one small query): with both accounts and their members joined, PostgreSQL spent
    longer planning the query than running it, and Django longer compiling it.

    The rows are picked by pk from a subquery on the payer and payee indexes: with the OR in the
    outer query, SQLite (once ANALYZE has seen that nearly every ``reverses`` is NULL) walks the
    whole ledger backwards by pk to spare itself the sort; from the subquery it walks only the
    account's own pks, already in order.
    """
    received = Q(payee=account)
    return (
        Transfer.objects.filter(pk__in=_movements(account).values("pk"))
        .only("created_at", "kind", "memo")
        .annotate(
            amount=_signed(account),
            balance_after=Case(
                When(received, then=F("payee_balance_after")),
                default=F("payer_balance_after"),
                output_field=BigIntegerField(),
            ),
            other_id=Case(When(received, then=F("payer_id")), default=F("payee_id"), output_field=IntegerField()),
            reversed=Exists(Transfer.objects.filter(reverses=OuterRef("pk"))),
        )
        .order_by("-pk")
    )


def account_names(pks) -> dict[int, Account]:
    """The accounts with these pks (a list or a subquery), each with what names it, by pk.

    The member's whole row: ``str(member)`` names them, and which of its fields that reads is the
    host's user model's business.
    """
    accounts = Account.objects.filter(pk__in=pks).select_related("member")
    return {a.pk: a for a in accounts.only("system_name", "member")}


def months_back(month: datetime.date, months: int) -> datetime.date:
    """The first day of the earliest of ``months`` months ending with ``month`` (a first of a month)."""
    for _step in range(months - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


# The balance chart spans the account's history, from the month of its first transfer, within these bounds:
# at least this month and the one before (a new account's chart is still a line), at most two years.
CHART_MONTHS_MIN, CHART_MONTHS_MAX = 2, 24


def balance_chart_start(account: Account, *, zone=None) -> datetime.date:
    """The first day the balance chart shows: the first of the month of the account's first transfer,
    in the viewer's zone, kept within ``CHART_MONTHS_MIN`` and ``CHART_MONTHS_MAX`` months of this one.

    The earliest date, not the lowest pk: the ledger's history may have been loaded with its dates.
    """
    zone = zone or timezone.get_current_timezone()
    this_month = month_start(zone).date()
    first = _movements(account).aggregate(first=Min("created_at"))["first"]
    start = timezone.localtime(first, zone).date().replace(day=1) if first else this_month
    months = (this_month.year - start.year) * 12 + this_month.month - start.month + 1
    return months_back(this_month, min(max(months, CHART_MONTHS_MIN), CHART_MONTHS_MAX))


def balance_by_day(account: Account, *, since: datetime.date, zone=None) -> list[tuple[datetime.date, int]]:
    """The balance at the end of each day from ``since`` to today (both included), in the viewer's zone.

    Worked back from the balance now, so one small query whatever the size of the ledger.
    """
    zone = zone or timezone.get_current_timezone()
    days = (timezone.localdate(timezone=zone) - since).days + 1
    start = datetime.datetime.combine(since, datetime.time(), tzinfo=zone)
    recent = _movements(account).filter(created_at__gte=start).order_by()
    per_day = dict(
        recent.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(net=Sum(_signed(account)))
        .values_list("day", "net")
    )
    balance = account.balance - sum(per_day.values())
    series = []
    for offset in range(days):
        day = since + datetime.timedelta(days=offset)
        balance += per_day.get(day, 0)
        series.append((day, balance))
    return series


def accounts_with_members() -> QuerySet[Account]:
    """Accounts with their members, for a page that names the account."""
    return Account.objects.select_related("member")


def transfers_with_parties() -> QuerySet[Transfer]:
    """Transfers with both accounts and their members, and the reversal of each if there is one."""
    return Transfer.objects.select_related("payer__member", "payee__member", "reversal")


# --- Exchange requests waiting for an answer -------------------------------------------------------

# Only what the account page shows of a request: fewer columns to compile. The member on the other
# side comes whole, for ``str(member)`` (see ``account_names``).
REQUEST_SHOWN = ("minutes", "memo", "created_at", "expires_at")


def _pending_requests() -> QuerySet[ExchangeRequest]:
    """Requests that can still be answered, the soonest to expire first."""
    return ExchangeRequest.objects.filter(
        status=ExchangeRequest.Status.PENDING, expires_at__gt=timezone.now()
    ).order_by("expires_at", "pk")


def member_requests(member, side: str) -> QuerySet[ExchangeRequest]:
    """The exchange requests in which ``member`` is the ``side``: ``"creditor"`` (asks) or ``"debtor"`` (is asked)."""
    return ExchangeRequest.objects.filter(**{f"{side}__member": member})


def requests_to_confirm(account: Account) -> QuerySet[ExchangeRequest]:
    """The requests the account's member is asked to pay, with who asks and the offer they are for."""
    return (
        _pending_requests()
        .filter(debtor=account)
        .select_related("creditor__member", "offer")
        .only(*REQUEST_SHOWN, "creditor__member", "offer__title")
    )


def requests_waiting(account: Account) -> QuerySet[ExchangeRequest]:
    """The account's member's own requests that the other member has not answered yet."""
    return (
        _pending_requests()
        .filter(creditor=account)
        .select_related("debtor__member")
        .only(*REQUEST_SHOWN, "debtor__member")
    )


# --- The community --------------------------------------------------------------------------------


def _counted() -> QuerySet[Transfer]:
    """Transfers that stand: a reversal and what it reversed cancel out and count for nothing."""
    return Transfer.objects.exclude(kind=Kind.REVERSAL).filter(reversal__isnull=True).order_by()


def month_start(zone=None) -> datetime.datetime:
    """Midnight on the first of this month, in the viewer's zone."""
    zone = zone or timezone.get_current_timezone()
    today = timezone.localdate(timezone=zone)
    return datetime.datetime.combine(today.replace(day=1), datetime.time(), tzinfo=zone)


@dataclass(frozen=True)
class CommunityFigures:
    minutes_this_month: int
    minutes_in_all: int
    members_active_this_month: int
    by_kind: list[tuple[str, int, int]]  # kind's label, minutes this month, minutes in all


def community_figures(*, zone=None) -> CommunityFigures:
    """What the community has given, in two queries: the sums per kind, and who took part this month."""
    since = month_start(zone)
    sums = {}
    for kind in Kind.values:
        if kind != Kind.REVERSAL:
            sums[f"{kind}_all"] = Coalesce(Sum("minutes", filter=Q(kind=kind)), 0)
            sums[f"{kind}_month"] = Coalesce(Sum("minutes", filter=Q(kind=kind, created_at__gte=since)), 0)
    totals = _counted().aggregate(**sums)
    by_kind = [
        (label, totals[f"{kind}_month"], totals[f"{kind}_all"]) for kind, label in Kind.choices if kind != Kind.REVERSAL
    ]
    this_month = _counted().filter(created_at__gte=since)
    active = (
        Account.objects.filter(member__isnull=False)
        .filter(Q(pk__in=this_month.values("payer")) | Q(pk__in=this_month.values("payee")))
        .count()
    )
    return CommunityFigures(
        minutes_this_month=sum(row[1] for row in by_kind),
        minutes_in_all=sum(row[2] for row in by_kind),
        members_active_this_month=active,
        by_kind=by_kind,
    )


def minutes_by_month(*, months: int = 12, zone=None) -> list[tuple[datetime.date, int]]:
    """Minutes of the transfers that stand, for each of the last ``months`` months (this one included)."""
    zone = zone or timezone.get_current_timezone()
    first = months_back(month_start(zone).date(), months)
    since = datetime.datetime.combine(first, datetime.time(), tzinfo=zone)
    totals = {
        (month.year, month.month): minutes
        for month, minutes in _counted()
        .filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month")
        .annotate(minutes=Sum("minutes"))
        .values_list("month", "minutes")
    }
    series, month = [], first
    for _step in range(months):
        series.append((month, totals.get((month.year, month.month), 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return series


# --- The board -------------------------------------------------------------------------------------


def _offers_filtered(offers: QuerySet[Offer], *, q="", kind="", category="", language="") -> QuerySet[Offer]:
    if q:
        offers = offers.filter(search_text__contains=fold(q))
    if kind:
        offers = offers.filter(kind=kind)
    if category:
        offers = offers.filter(category=category)
    if language:
        offers = offers.filter(language=language)
    return offers.select_related("author").order_by("-created_at", "-pk")


def board_offers(**filters) -> QuerySet[Offer]:
    """The open offers and requests, newest first; ``q`` in the title or description, in any case
    (the same on every database: ``timebank.search``)."""
    return _offers_filtered(Offer.objects.filter(status=Offer.Status.ACTIVE), **filters)


def offers_with_authors() -> QuerySet[Offer]:
    """Offers with their authors, for a page that names them."""
    return Offer.objects.select_related("author")


def member_offers(member, **filters) -> QuerySet[Offer]:
    """A member's own offers and requests, the closed ones too, so they can reopen them."""
    return _offers_filtered(Offer.objects.filter(author=member), **filters)


BOARD_VERSION_KEY = "timebank:board-version"
BOARD_SECONDS = 15 * 60  # a bound for what changed without a signal (a bulk insert), not the rule


def new_board_version(**signal) -> None:
    """An offer was saved or deleted: the board's counts and languages kept until now are not read again."""
    move_version(BOARD_VERSION_KEY)


def _open_offers_summary() -> dict:
    """How many open offers there are of each kind, and the languages they are in (codes).

    Two queries over every open offer, the same for every member and every page of the board,
    so kept in the cache until an offer is saved or deleted.
    """
    key = f"timebank:board-summary:{current_version(BOARD_VERSION_KEY)}"
    summary = cache.get(key)
    if summary is None:
        active = Offer.objects.filter(status=Offer.Status.ACTIVE).order_by()
        summary = {
            "counts": dict(active.values("kind").annotate(n=Count("pk")).values_list("kind", "n")),
            "languages": sorted(active.values_list("language", flat=True).distinct()),
        }
        cache.set(key, summary, BOARD_SECONDS)
    return summary


def board_languages() -> list[tuple[str, str]]:
    """The languages the open offers are written in, by name, for the board's filter."""
    names = dict(language_choices())
    codes = _open_offers_summary()["languages"]
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda choice: str(choice[1]).casefold())


def open_offer_counts() -> dict[str, int]:
    """How many offers and how many requests are open on the board, by kind."""
    counts = _open_offers_summary()["counts"]
    return {kind: counts.get(kind, 0) for kind in Offer.Kind.values}


# --- Coordinators -----------------------------------------------------------------------------


def accounts_overview(*, search: str = "") -> QuerySet[Account]:
    """Every account, system accounts first, then members by username; ``search`` in the username."""
    accounts = Account.objects.select_related("member").order_by(F("member__username").asc(nulls_first=True), "pk")
    if search:
        accounts = accounts.filter(member__username__icontains=search)
    return accounts
