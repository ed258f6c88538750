"""A member leaving the site (``timebank.privacy``, for the host's closing of their account).

Their balance is settled with the commons when they chose so (a recorded transfer: the ledger
still sums to zero), their account is closed for good with the exchange requests waiting on it
(both sides told, as when a coordinator closes it), their posts leave the board, and every copy
of their name, username or e-mail address in the timebank's texts (posts, memos, reasons) is
replaced by their pseudonym. The ledger keeps every row: its rows point at the account, whose
member row the host renames afterwards.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from suite.privacy import whole_words

from ..errors import AccountError
from ..formatting import hours
from ..models import Account, ExchangeRequest, Offer, Transfer
from ..search import offer_search_text
from .accounts import cancel_waiting_requests, commons_account, lock_accounts, lock_waiting_requests
from .ledger import Kind, transfer_create
from .offers import offer_close

# Written into the ledger in the site's language: coordinators read it, the member is gone.
HANDED_OVER = _("Balance handed to the commons when the account closed")
DEBT_COVERED = _("Debt covered by the commons when the account closed")

# The texts of the timebank that members write (and that code writes from theirs), by model.
TEXTS = {
    Offer: ("title", "description"),
    Transfer: ("memo",),
    ExchangeRequest: ("memo", "decline_reason"),
}


def unsettled_balance(account: Account | None) -> str | None:
    """Why ``account``'s member cannot leave without handing its balance to the commons, or None
    when it is settled (zero, or no account)."""
    if account is None or account.balance == 0:
        return None
    values = {"amount": hours(abs(account.balance))}
    if account.closed:
        return _(
            "Your timebank account is closed with a balance of %(amount)s, so it cannot be settled "
            "by exchanges any more: choose to hand it to the NLU commons."
        ) % {"amount": hours(account.balance)}
    if account.balance > 0:
        return (
            _(
                "Your timebank account still holds %(amount)s. Use them first (ask someone for help, or give "
                "them to a member), or choose to give them to the NLU commons."
            )
            % values
        )
    return (
        _(
            "Your timebank account owes %(amount)s. Settle it first (help someone and ask them to confirm "
            "the hours), or choose to let the NLU commons cover the debt."
        )
        % values
    )


@transaction.atomic
def member_leave(*, member, pseudonym: str, hand_to_commons: bool) -> Account | None:
    """Everything the timebank does when ``member`` leaves the site; their account, if they had one.

    With a balance not zero and ``hand_to_commons`` false, refused (``AccountError``, code
    ``balance_not_settled``): the host checks first (``closing_obstacles``), and this holds if a
    payment came in between.
    """
    account = Account.objects.filter(member=member).first()
    if account is not None:
        account = _close_for_good(account, member, hand_to_commons=hand_to_commons)
    # Through the board's service, one by one: each save moves the board's cached counts.
    for offer in Offer.objects.filter(author=member, status=Offer.Status.ACTIVE).order_by("pk"):
        offer_close(offer=offer, by=member)
    replace_names(member, pseudonym)
    return account


def _close_for_good(account: Account, member, *, hand_to_commons: bool) -> Account:
    """Settle and close the member's account, in the one order of locks: the requests waiting on
    it, then the accounts. A payment racing this either lands first (and is handed over with the
    rest) or finds the account closed."""
    waiting = lock_waiting_requests(account)
    commons = commons_account()
    locked = lock_accounts(account, commons)[account.pk]
    if locked.balance:
        if not hand_to_commons:
            raise AccountError(unsettled_balance(locked), code="balance_not_settled")
        _hand_to_commons(locked, commons, member)
    locked.closed, locked.left_at = True, locked.left_at or timezone.now()
    locked.save(update_fields=["closed", "left_at"])
    cancel_waiting_requests(locked, waiting)
    return locked


def _hand_to_commons(locked: Account, commons: Account, member) -> None:
    """One recorded transfer of the whole balance between the locked account and the commons."""
    balance = locked.balance
    # Neither a coordinator's closing nor a limit that leaves out zero may keep the member from
    # leaving: the account is open for this one transfer, inside the transaction that closes it.
    locked.closed = False
    if locked.min_balance is not None and locked.min_balance > 0:
        locked.min_balance = 0
    if locked.max_balance is not None and locked.max_balance < 0:
        locked.max_balance = 0
    locked.save(update_fields=["closed", "min_balance", "max_balance"])
    with override(settings.LANGUAGE_CODE):
        memo = str(HANDED_OVER if balance > 0 else DEBT_COVERED)
    payer, payee, kind = (locked, commons, Kind.GIFT) if balance > 0 else (commons, locked, Kind.GRANT)
    transfer_create(
        payer=payer,
        payee=payee,
        minutes=abs(balance),
        kind=kind,
        memo=memo,
        reference=f"timebank.account:{locked.pk}",
        idempotency_key=f"leaving:{locked.pk}",
        recorded_by=member,
    )
    locked.balance = 0


def member_names(member) -> tuple[list[str], list[str]]:
    """What names ``member`` in a text: ``(found in any case, found as written)``.

    The username and the e-mail address in any case; names (first, last, full, display name and
    ``str(member)``) only as written, since a name may be a word too ("Can", "Gül").
    """
    email = getattr(member, member.get_email_field_name(), "") or ""
    loose = {member.get_username(), email}
    full_name = member.get_full_name() if hasattr(member, "get_full_name") else ""
    exact = {str(member), full_name, *(getattr(member, name, "") or "" for name in ("first_name", "last_name"))}
    exact |= {getattr(member, "display_name", "") or ""}

    def cleaned(values):
        return sorted({value.strip() for value in values if value and value.strip()}, key=len, reverse=True)

    return cleaned(loose), cleaned(exact)


def replace_names(member, pseudonym: str) -> int:
    """Replace each copy of ``member``'s name, username or e-mail address in the timebank's texts
    (anyone's: a memo may thank them by name) by ``pseudonym``; how many rows changed.

    The database picks the rows that may hold one (in any case), Python replaces whole words.
    A post's search text is written again from its new title and description.
    """
    loose, exact = member_names(member)
    patterns = [p for p in (whole_words(loose, ignore_case=True), whole_words(exact)) if p is not None]
    if not patterns:
        return 0

    def replaced(text: str) -> str:
        for pattern in patterns:
            text = pattern.sub(pseudonym, text)
        return text

    changed = 0
    for model, fields in TEXTS.items():
        may_hold = Q()
        for field in fields:
            for needle in loose + exact:
                may_hold |= Q(**{f"{field}__icontains": needle})
        for row in model.objects.filter(may_hold).only("pk", *fields).order_by("pk"):
            values = {field: replaced(getattr(row, field)) for field in fields}
            if model is Offer:
                values["title"] = values["title"][: Offer._meta.get_field("title").max_length]
                values["search_text"] = offer_search_text(values["title"], values["description"])
            if any(values[field] != getattr(row, field) for field in fields):
                # An update, not save(): no one changed the post or the transfer, a name left them.
                model.objects.filter(pk=row.pk).update(**values)
                changed += 1
    return changed
