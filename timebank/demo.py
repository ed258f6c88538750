"""Demo timebank history for the host's demo users: tutor credits, exchanges, a gift, the board.

Running it again changes nothing: every write goes through the services with a fixed key or
form token, and the past dates are set only on what was written now. The sessions paid here
are named in the memo rather than linked: timebank knows no seminars, and the demo's sessions
have not yet taken place. With ``--scale N`` it adds the history of the host's scaled members
(see the end of this module).
"""

import datetime
import random
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Account, ExchangeRequest, Offer, Transfer
from .search import offer_search_text
from .services import (
    account_for,
    commons_account,
    exchange_confirm,
    exchange_request_create,
    gift_create,
    member_limits,
    offer_close,
    offer_create,
    transfer_create,
)

USERNAMES = ("coordinator", "tutor", "steward", "researcher")

# username, days ago, minutes, what it paid for
TUTORING = [
    ("tutor", 70, 120, "Module 1 pilot, week 1: Introduction"),
    ("tutor", 63, 120, "Module 1 pilot, week 2: Stronger ties with online networking"),
    ("researcher", 56, 90, "Co-operations Research Unit: bi-weekly meeting"),
    ("researcher", 42, 90, "Co-operations Research Unit: bi-weekly meeting"),
]

# author, kind, category, language, title, description, closed?
OFFERS = [
    (
        "tutor",
        "offer",
        "teaching",
        "en",
        "One-to-one help to run your first webinar",
        "An hour on a call: how to open the room, share slides, give the floor and record. "
        "Good before you host your branch's first online meeting.",
        False,
    ),
    (
        "steward",
        "offer",
        "translation",
        "tr",
        "İngilizce–Türkçe çeviri: bildiriler ve kısa metinler",
        "Sendika bildirileri, duyurular ve iki sayfaya kadar kısa metinler. Hafta içi akşamları.",
        False,
    ),
    (
        "steward",
        "request",
        "legal",
        "tr",
        "Fazla mesai ücretleri konusunda hukuki danışmanlık",
        "Fabrikamızda ödenmeyen fazla mesailer için ne yapabileceğimizi bilen biriyle konuşmak istiyoruz.",
        False,
    ),
    (
        "steward",
        "offer",
        "care",
        "tr",
        "Toplantılar sırasında çocuk bakımı",
        "İstanbul Kadıköy'deki toplantılarda çocuklara göz kulak olabilirim.",
        False,
    ),
    (
        "researcher",
        "offer",
        "writing",
        "en",
        "Editing a short research report or a union newsletter",
        "Structure, clarity and sources, for texts in English or Portuguese up to ten pages.",
        False,
    ),
    (
        "researcher",
        "request",
        "translation",
        "en",
        "Portuguese interpretation for a meeting with delivery workers",
        "A 90-minute online meeting with app-based delivery workers in São Paulo.",
        False,
    ),
    (
        "coordinator",
        "offer",
        "digital",
        "tr",
        "Güvenli iletişim: Signal ve şifreli e-posta kurulumu",
        "Temsilciler için telefon ve bilgisayarda güvenli iletişim araçlarının kurulumu.",
        False,
    ),
    (
        "tutor",
        "request",
        "media",
        "en",
        "A poster for the week 7 example",
        "One A3 poster in English and Turkish for the worked example of Module 1.",
        True,
    ),
]

# creditor, debtor, minutes, memo, offer's title (or None), days ago asked, days ago confirmed (None: pending)
EXCHANGES = [
    (
        "steward",
        "tutor",
        120,
        "5. haftanın okuma metnini Türkçeye çevirdim / Translated the week 5 reading into Turkish",
        "İngilizce–Türkçe çeviri: bildiriler ve kısa metinler",
        35,
        33,
    ),
    ("tutor", "researcher", 60, "Set up the breakout rooms for the research meeting", None, 20, 19),
    (
        "tutor",
        "steward",
        60,
        "One-to-one: running your first webinar",
        "One-to-one help to run your first webinar",
        2,
        None,
    ),
]


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _offers(members: dict) -> dict[str, Offer]:
    offers = {}
    for author, kind, category, language, title, description, closed in OFFERS:
        offer = Offer.objects.filter(author=members[author], title=title).first()
        if offer is None:
            offer = offer_create(
                author=members[author],
                kind=kind,
                category=category,
                title=title,
                description=description,
                language=language,
            )
            if closed:
                offer_close(offer=offer, by=members[author])
        offers[title] = offer
    return offers


def _tutor_credits(members: dict) -> None:
    commons = commons_account()
    for n, (username, days, minutes, memo) in enumerate(TUTORING, start=1):
        key = f"demo:tutoring:{n}"
        if Transfer.objects.filter(idempotency_key=key).exists():
            continue
        transfer = transfer_create(
            payer=commons,
            payee=account_for(members[username]),
            minutes=minutes,
            kind=Transfer.Kind.TUTORING,
            memo=memo,
            idempotency_key=key,
        )
        Transfer.objects.filter(pk=transfer.pk).update(created_at=_ago(days))


def _exchanges(members: dict, offers: dict) -> None:
    for n, (creditor, debtor, minutes, memo, offer, asked, confirmed) in enumerate(EXCHANGES, start=1):
        token = f"demo-{n}"
        if ExchangeRequest.objects.filter(creditor__member=members[creditor], form_token=token).exists():
            continue
        request = exchange_request_create(
            creditor_member=members[creditor],
            debtor_member=members[debtor],
            minutes=minutes,
            memo=memo,
            offer=offers[offer] if offer else None,
            form_token=token,
        )
        dates = {"created_at": _ago(asked), "expires_at": _ago(asked - 14)}
        if confirmed is not None:
            transfer = exchange_confirm(request=request, by=members[debtor])
            Transfer.objects.filter(pk=transfer.pk).update(created_at=_ago(confirmed))
            # Past history: no one is mailed about it now.
            dates |= {"decided_at": _ago(confirmed), "notified_at": _ago(asked), "outcome_notified_at": _ago(confirmed)}
        ExchangeRequest.objects.filter(pk=request.pk).update(**dates)


def _gift(members: dict) -> None:
    steward = members["steward"]
    if Transfer.objects.filter(idempotency_key=f"gift:{steward.pk}:demo-1").exists():
        return
    gift = gift_create(
        giver_member=steward,
        to=commons_account(),
        minutes=30,
        memo="Yeni katılanlar için ortak havuza / To the commons, for newcomers",
        form_token="demo-1",
    )
    Transfer.objects.filter(pk=gift.pk).update(created_at=_ago(10))


def load_demo(*, scale: int, stdout) -> None:
    members = {user.username: user for user in get_user_model().objects.filter(username__in=USERNAMES)}
    if len(members) < len(USERNAMES):
        stdout.write("Timebank: the demo users are missing; nothing loaded.")
        return
    for member in members.values():
        account_for(member)
    offers = _offers(members)
    _tutor_credits(members)
    _exchanges(members, offers)
    _gift(members)
    stdout.write("Timebank: tutor credits, exchanges (one for steward to confirm), a gift, offers on the board.")
    if scale:
        transfers, offers = ensure_scaled_history(scale)
        stdout.write(f"Timebank: {transfers} transfers and {offers} offers and requests added by the scaled members.")


# --- load_demo --scale N: 2,000 transfers and 100 posts on the board per unit of N ---------------
# (DESIGN §5: 200k transfers at N=100.)
# The host's load_demo adds 1,000 members per unit of N, named member000000, member000001, ...,
# before it runs the apps' hooks; timebank knows no other app, so it finds them by that name.
SCALED_USERNAMES = r"^member[0-9]{6}$"
MEMBERS_PER_BLOCK = 1000
TRANSFERS_PER_BLOCK = 2000
GRANTS_PER_BLOCK = 200
GRANT_MINUTES = 120
SCALED_KEY_PREFIX = "demo-scale"
SCALED_MEMOS = [
    "Translating a leaflet into Turkish",
    "Childcare during the branch meeting",
    "Repairing a bicycle for deliveries",
    "Setting up a phone for the webinars",
    "Cooking for the picket line",
    "Reading a contract together",
]
OFFERS_PER_BLOCK = 100
# category, title in English, title in Turkish: each reads as something offered or needed.
SCALED_OFFERS = [
    ("teaching", "Practice for a first union meeting", "İlk sendika toplantısı için prova"),
    ("translation", "Translating a leaflet between English and Turkish", "Bir bildiriyi İngilizce ve Türkçe çevirmek"),
    ("digital", "Setting up a phone for the webinars", "Seminerler için telefon kurulumu"),
    ("organising", "Planning a workplace petition", "İşyerinde imza kampanyası planlamak"),
    ("legal", "Reading an employment contract together", "Bir iş sözleşmesini birlikte okumak"),
    ("writing", "Editing the branch newsletter", "Şube bülteninin redaksiyonu"),
    ("media", "A poster for the next branch meeting", "Bir sonraki şube toplantısı için afiş"),
    ("care", "Childcare during the branch meeting", "Şube toplantısı sırasında çocuk bakımı"),
    ("other", "Repairing a bicycle for deliveries", "Kurye bisikletinin tamiri"),
]
SCALED_DESCRIPTIONS = {
    "en": ["Online or in person, on weekday evenings.", "An hour or two at the weekend.", "Online, within two weeks."],
    "tr": [
        "Çevrimiçi ya da yüz yüze, hafta içi akşamları.",
        "Hafta sonu bir iki saat.",
        "Çevrimiçi, iki hafta içinde.",
    ],
}

Move = tuple[int | None, int, int, str, str]  # payer (None: the commons), payee, minutes, kind, memo


def scaled_member_ids() -> list[int]:
    return list(
        get_user_model()
        .objects.filter(username__regex=SCALED_USERNAMES)
        .order_by("username")
        .values_list("pk", flat=True)
    )


def block_moves(block: int, members: list[int]) -> tuple[list[Move], Counter]:
    """One block's grants from the commons, then exchanges between its members within their limits.

    Seeded by the block number, so a block is the same whatever N; returns the moves (by member
    id) and the balances they add up to.
    """
    low, high = member_limits()
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
            (
                payer,
                payee,
                minutes,
                rng.choice([Transfer.Kind.EXCHANGE, Transfer.Kind.GIFT]),
                rng.choice(SCALED_MEMOS),
            )
        )
    return moves, balances


def block_offers(block: int, members: list[int]) -> list[Offer]:
    """One block's posts on the board: offers and needs, in English and Turkish, by its members (seeded)."""
    rng = random.Random(f"timebank-offers-{block}")
    offers = []
    for _ in range(OFFERS_PER_BLOCK):
        category, title_en, title_tr = rng.choice(SCALED_OFFERS)
        language = rng.choice(["en", "tr"])
        offer = Offer(
            author_id=rng.choice(members),
            kind=rng.choice(Offer.Kind.values),
            category=category,
            title=title_en if language == "en" else title_tr,
            description=rng.choice(SCALED_DESCRIPTIONS[language]),
            language=language,
        )
        offer.search_text = offer_search_text(offer.title, offer.description)  # as offer_create writes it
        offers.append(offer)
    return offers


@transaction.atomic
def ensure_scaled_history(scale: int) -> tuple[int, int]:
    """The blocks still missing, bulk inserted: transfers with the balances they add up to, and offers.

    Each block of 1,000 scaled members gets 2,000 transfers and 100 posts on the board, written
    together, so the key of a block's first transfer marks all of it done. The balances, and
    each transfer's balances after it, are computed here rather than by ``transfer_create``
    (200k service calls would take most of the ten minutes the whole scaled load may take);
    ``timebank_audit`` checks that they agree with the ledger. Returns how many transfers and
    offers were added.
    """
    members = scaled_member_ids()
    done = set(
        Transfer.objects.filter(idempotency_key__regex=rf"^{SCALED_KEY_PREFIX}:[0-9]+:0$").values_list(
            "idempotency_key", flat=True
        )
    )
    commons = commons_account()
    transfers = offers = 0
    for block in range(min(scale, len(members) // MEMBERS_PER_BLOCK)):
        if f"{SCALED_KEY_PREFIX}:{block}:0" in done:
            continue
        block_members = members[block * MEMBERS_PER_BLOCK : (block + 1) * MEMBERS_PER_BLOCK]
        moves, balances = block_moves(block, block_members)
        accounts, running = _open_accounts(balances, commons)
        existing = list(running)  # locked: the commons and the accounts opened before
        rows = []
        for number, (payer, payee, minutes, kind, memo) in enumerate(moves):
            payer_id = commons.pk if payer is None else accounts[payer]
            payee_id = accounts[payee]
            running[payer_id] -= minutes
            running[payee_id] += minutes
            rows.append(
                Transfer(
                    payer_id=payer_id,
                    payee_id=payee_id,
                    minutes=minutes,
                    kind=kind,
                    memo=memo,
                    idempotency_key=f"{SCALED_KEY_PREFIX}:{block}:{number}",
                    payer_balance_after=running[payer_id],
                    payee_balance_after=running[payee_id],
                )
            )
        # In list order, so pk order is the order of the running balances above.
        Transfer.objects.bulk_create(rows, batch_size=5000)
        for pk in existing:  # the new accounts were opened with their final balance
            Account.objects.filter(pk=pk).update(balance=running[pk])
        transfers += len(moves)
        offers += len(Offer.objects.bulk_create(block_offers(block, block_members), batch_size=5000))
    return transfers, offers


def _open_accounts(balances: Counter, commons: Account) -> tuple[dict[int, int], Counter]:
    """Account ids by member id, and the balances the block starts from by account id.

    The commons and the members' existing accounts are locked, in pk order as every transfer
    locks them, so that their balances (and the balances after each transfer) stay exact even if
    members are paying meanwhile. New accounts start from zero, opened with their final balance.
    """
    locked = (
        Account.objects.select_for_update()
        .filter(Q(pk=commons.pk) | Q(member_id__in=list(balances)))
        .order_by("pk")
        .values_list("pk", "member_id", "balance")
    )
    start: Counter = Counter()
    existing = {}
    for pk, member_id, balance in locked:
        start[pk] = balance
        if member_id is not None:
            existing[member_id] = pk
    low, high = member_limits()
    Account.objects.bulk_create(
        [
            Account(member_id=member_id, min_balance=low, max_balance=high, balance=balance)
            for member_id, balance in balances.items()
            if member_id not in existing
        ],
        batch_size=5000,
    )
    return dict(Account.objects.filter(member_id__in=list(balances)).values_list("member_id", "pk")), start
