"""The timebank's refusals: each a stable code and a translated message (suite.errors.Refusal).

They carry no HTTP status and no form field: the views decide those from the code.
"""

from suite.errors import Refusal


class TransferError(Refusal):
    """Hours cannot move as asked: a payment, gift, grant or reversal, or an exchange request or its answer."""


class AccountError(Refusal):
    """A coordinator's change to an account (its limits, closing or reopening it) is refused."""


class OfferError(Refusal):
    """An offer or request on the board cannot be posted or changed as asked."""
