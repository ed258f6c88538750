"""Timebank history at scale: 2,000 transfers per unit of ``--scale`` (DESIGN §5: 200k at N=100).

It lives in bench/ only until the timebank has its own demo module (timebank/demo.py belongs to
the timebank pages' issue): it is meant to move there as the scale branch of timebank's
``load_demo`` hook. Moved, it must find the scaled members by their names itself, since timebank
imports no other app.
"""

import random
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import F

from courses.demo import scaled_member_ids
from timebank.models import Account, Transfer
from timebank.services import commons_account

MEMBERS_PER_BLOCK = 1000
TRANSFERS_PER_BLOCK = 2000
GRANTS_PER_BLOCK = 200
GRANT_MINUTES = 120
KEY_PREFIX = "demo-scale"
MEMOS = [
    "Translating a leaflet into Turkish",
    "Childcare during the branch meeting",
    "Repairing a bicycle for deliveries",
    "Setting up a phone for the webinars",
    "Cooking for the picket line",
    "Reading a contract together",
]


Move = tuple[int | None, int, int, str, str]  # payer (None: the commons), payee, minutes, kind, memo


def block_moves(block: int, members: list[int]) -> tuple[list[Move], Counter]:
    """One block's grants from the commons, then exchanges between its members within their limits.

    Seeded by the block number, so a block is the same whatever N; returns the moves (by member
    id) and the balances they add up to.
    """
    low = getattr(settings, "TIMEBANK_MIN_BALANCE_MINUTES", -600)
    high = getattr(settings, "TIMEBANK_MAX_BALANCE_MINUTES", 6000)
    rng = random.Random(f"timebank-{block}")
    balances: Counter = Counter()
    moves: list[Move] = []
    for member in rng.sample(members, GRANTS_PER_BLOCK):
        balances[member] += GRANT_MINUTES
        moves.append((None, member, GRANT_MINUTES, Transfer.Kind.GRANT, "Welcome credit from the commons"))
    while len(moves) < TRANSFERS_PER_BLOCK:
        payer, payee = rng.sample(members, 2)
        minutes = rng.choice([30, 60, 90, 120])
        if balances[payer] - minutes < low or balances[payee] + minutes > high:
            continue
        balances[payer] -= minutes
        balances[payee] += minutes
        moves.append(
            (payer, payee, minutes, rng.choice([Transfer.Kind.EXCHANGE, Transfer.Kind.GIFT]), rng.choice(MEMOS))
        )
    return moves, balances


@transaction.atomic
def ensure_scaled_transfers(scale: int) -> int:
    """The blocks of transfers still missing, bulk inserted with the balances they add up to; returns how many.

    Each block of 1,000 scaled members gets 2,000 transfers. The balances are computed here rather
    than by ``transfer_create`` (200k service calls would take most of the ten minutes the whole
    scaled load may take); ``timebank_audit`` checks that they agree with the ledger.
    """
    members = scaled_member_ids()
    done = set(
        Transfer.objects.filter(idempotency_key__regex=rf"^{KEY_PREFIX}:[0-9]+:0$").values_list(
            "idempotency_key", flat=True
        )
    )
    commons = commons_account()
    created = 0
    for block in range(scale):
        if f"{KEY_PREFIX}:{block}:0" in done:
            continue
        moves, balances = block_moves(block, members[block * MEMBERS_PER_BLOCK : (block + 1) * MEMBERS_PER_BLOCK])
        accounts = open_accounts(balances)
        Transfer.objects.bulk_create(
            [
                Transfer(
                    payer_id=commons.pk if payer is None else accounts[payer],
                    payee_id=accounts[payee],
                    minutes=minutes,
                    kind=kind,
                    memo=memo,
                    idempotency_key=f"{KEY_PREFIX}:{block}:{number}",
                )
                for number, (payer, payee, minutes, kind, memo) in enumerate(moves)
            ],
            batch_size=5000,
        )
        granted = sum(move[2] for move in moves if move[0] is None)
        Account.objects.filter(pk=commons.pk).update(balance=F("balance") - granted)
        created += len(moves)
    return created


def open_accounts(balances: Counter) -> dict[int, int]:
    """Account ids by member id: new accounts opened with their final balance, existing ones moved by it."""
    existing = dict(Account.objects.filter(member_id__in=list(balances)).values_list("member_id", "pk"))
    for member_id, pk in existing.items():
        Account.objects.filter(pk=pk).update(balance=F("balance") + balances[member_id])
    Account.objects.bulk_create(
        [
            Account(
                member_id=member_id,
                min_balance=getattr(settings, "TIMEBANK_MIN_BALANCE_MINUTES", -600),
                max_balance=getattr(settings, "TIMEBANK_MAX_BALANCE_MINUTES", 6000),
                balance=balance,
            )
            for member_id, balance in balances.items()
            if member_id not in existing
        ],
        batch_size=5000,
    )
    return dict(Account.objects.filter(member_id__in=list(balances)).values_list("member_id", "pk"))
