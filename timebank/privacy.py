"""What the timebank keeps about a member, and what it does when they leave (``suite.privacy``).

Kept: their account (balance, limits), the transfers in and out of it, their posts on the board
and the exchange requests they made or were asked to confirm. Leaving: a balance that is not
zero must be settled first or handed to the commons (the member's choice, a recorded transfer);
then ``services.member_leave`` closes the account for good, cancels the requests waiting on it
(both sides told), takes their posts off the board and replaces every copy of their name in the
timebank's texts by their pseudonym. Ledger rows stay: the audit still sums to zero.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suite.privacy import Kind, Option

from . import selectors, services
from .formatting import hours
from .models import Account, ExchangeRequest, Offer
from .services.leaving import unsettled_balance
from .views.common import party

HAND_TO_COMMONS = "timebank.hand_to_commons"


def _account(member) -> Account | None:
    """The member's account, if they ever had one: reading never opens one."""
    return Account.objects.filter(member=member).first()


def account_rows(member):
    for account in Account.objects.filter(member=member).values(
        "balance", "min_balance", "max_balance", "closed", "created_at"
    ):
        yield {
            "balance_minutes": account["balance"],
            "min_balance_minutes": account["min_balance"],
            "max_balance_minutes": account["max_balance"],
            "closed": account["closed"],
            "opened": account["created_at"],
        }


def transfer_rows(member):
    """The account's statement, oldest first, the other side named as members see it: three queries."""
    account = _account(member)
    if account is None:
        return
    statement = selectors.account_statement(account).order_by("pk")
    others = selectors.account_names(statement.order_by().values("other_id"))
    for transfer in statement:
        yield {
            "date": transfer.created_at,
            "direction": "in" if transfer.amount > 0 else "out",
            "minutes": abs(transfer.amount),
            "other_side": party(others[transfer.other_id]),
            "kind": transfer.kind,
            "memo": transfer.memo,
            "balance_after_minutes": transfer.balance_after,
            "reversed": transfer.reversed,
        }


OFFER_FIELDS = ("kind", "category", "title", "description", "language", "status", "created_at", "updated_at")


def offer_rows(member):
    return Offer.objects.filter(author=member).order_by("created_at", "pk").values(*OFFER_FIELDS)


def request_rows(member):
    """Requests the member made (``asked_to_be_paid``) or was asked to confirm (``asked_to_pay``)."""
    account = _account(member)
    if account is None:
        return
    requests = (
        ExchangeRequest.objects.filter(Q(creditor=account) | Q(debtor=account))
        .select_related("creditor__member", "debtor__member")
        .order_by("created_at", "pk")
    )
    for request in requests:
        asked = request.creditor_id == account.pk
        yield {
            "created_at": request.created_at,
            "role": "asked_to_be_paid" if asked else "asked_to_pay",
            "other_side": party(request.debtor if asked else request.creditor),
            "minutes": request.minutes,
            "memo": request.memo,
            "status": request.status,
            "expires_at": request.expires_at,
            "decided_at": request.decided_at,
            "decline_reason": request.decline_reason,
        }


KINDS = [
    Kind(
        name="timebank.account",
        label=gettext_lazy("Timebank account"),
        purpose=gettext_lazy("Your balance and its limits, so that hours can be paid to you and by you."),
        fields=("balance_minutes", "min_balance_minutes", "max_balance_minutes", "closed", "opened"),
        rows=account_rows,
    ),
    Kind(
        name="timebank.transfers",
        label=gettext_lazy("Timebank transfers"),
        purpose=gettext_lazy(
            "The hours you gave and received; the ledger is kept whole so that every balance can be checked."
        ),
        fields=("date", "direction", "minutes", "other_side", "kind", "memo", "balance_after_minutes", "reversed"),
        rows=transfer_rows,
    ),
    Kind(
        name="timebank.offers",
        label=gettext_lazy("Your posts on the timebank board"),
        purpose=gettext_lazy("What you can give or need, so that other members find it and you can change it."),
        fields=OFFER_FIELDS,
        rows=offer_rows,
    ),
    Kind(
        name="timebank.requests",
        label=gettext_lazy("Timebank exchange requests"),
        purpose=gettext_lazy(
            "Hours you asked another member to confirm, or were asked to confirm, so that each is paid once."
        ),
        fields=(
            "created_at",
            "role",
            "other_side",
            "minutes",
            "memo",
            "status",
            "expires_at",
            "decided_at",
            "decline_reason",
        ),
        rows=request_rows,
    ),
]


def closing_options(member) -> list[Option]:
    """Hand a balance that is not zero to the commons, said in hours."""
    account = _account(member)
    if account is None or account.balance == 0:
        return []
    amount = hours(abs(account.balance))
    if account.balance > 0:
        label = _("Give the %(amount)s left in my timebank account to the NLU commons") % {"amount": amount}
        help_text = _("A recorded transfer moves them to the commons, from which coordinators grant hours.")
    else:
        label = _("Let the NLU commons cover my timebank debt of %(amount)s") % {"amount": amount}
        help_text = _("A recorded transfer from the commons brings your balance to zero.")
    return [Option(name=HAND_TO_COMMONS, label=label, help=help_text)]


def closing_obstacles(member, *, options) -> list[str]:
    """A balance that is not zero, unless the member chose to hand it to the commons."""
    if HAND_TO_COMMONS in options:
        return []
    message = unsettled_balance(_account(member))
    return [message] if message else []


def member_close(member, *, pseudonym: str, options) -> None:
    services.member_leave(member=member, pseudonym=pseudonym, hand_to_commons=HAND_TO_COMMONS in options)
