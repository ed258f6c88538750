"""Reads of the timebank."""

from collections.abc import Iterator

from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import Account, Transfer


def _total(direction: str) -> Coalesce:
    """Minutes an account received (``payee``) or paid (``payer``), for each account row."""
    transfers = Transfer.objects.filter(**{direction: OuterRef("pk")}).order_by().values(direction)
    return Coalesce(Subquery(transfers.annotate(total=Sum("minutes")).values("total")), 0, output_field=IntegerField())


def ledger_discrepancies() -> Iterator[str]:
    """Every way the stored balances disagree with the transfers or the limits, one line each.

    One query, so that on PostgreSQL the balances and the sums come from the same snapshot even
    while transfers go on.
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
