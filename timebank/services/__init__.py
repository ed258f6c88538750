"""Writes of the timebank, one module per concern; their public services are named here.

``accounts`` (opening, locking, the coordinators' limits and closing), ``ledger`` (transfers,
reversals, tutor credits, gifts, grants), ``exchanges`` (requests for hours and their answers),
``offers`` (the board), ``leaving`` (a member leaving the site: ``timebank.privacy``), ``checks`` (what
every write checks of its input).
``timebank.services.tutoring_award`` is the name hosts give seminars' settlement hook.
"""

from ..errors import AccountError, OfferError, TransferError
from .accounts import account_close, account_for, account_reopen, account_set_limits, commons_account, member_limits
from .checks import MAX_TRANSFER_MINUTES
from .exchanges import (
    exchange_cancel,
    exchange_confirm,
    exchange_decline,
    exchange_expire_due,
    exchange_request_create,
)
from .leaving import member_leave
from .ledger import gift_create, grant_create, transfer_create, transfer_reverse, tutoring_award
from .offers import offer_changeable_by, offer_close, offer_create, offer_reopen, offer_update

__all__ = [
    "MAX_TRANSFER_MINUTES",
    "AccountError",
    "OfferError",
    "TransferError",
    "account_close",
    "account_for",
    "account_reopen",
    "account_set_limits",
    "commons_account",
    "exchange_cancel",
    "exchange_confirm",
    "exchange_decline",
    "exchange_expire_due",
    "exchange_request_create",
    "gift_create",
    "grant_create",
    "member_leave",
    "member_limits",
    "offer_changeable_by",
    "offer_close",
    "offer_create",
    "offer_reopen",
    "offer_update",
    "transfer_create",
    "transfer_reverse",
    "tutoring_award",
]
