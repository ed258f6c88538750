"""What a refusal of the services (``timebank.errors``) becomes on a page: its HTTP status and the form
field it is shown at, both decided here from its code. And the views' one refusal of their own: a
form sent again (``made_now``)."""

import datetime

from suite.errors import Refusal

from ..errors import TransferError

# What a refusal answers over HTTP, by its code: bad input is a 400, a missing right a 403, one
# request too many a 429; any other refusal conflicts with the state of the ledger or the board (409).
REFUSAL_STATUS = {
    **dict.fromkeys(
        (
            *("bad_amount", "bad_kind", "bad_category", "bad_language", "bad_offer", "bad_payee", "bad_request"),
            *("bad_min_balance", "bad_max_balance", "min_above_max", "self_payment"),
            *("no_memo", "no_reason", "no_title", "long_memo", "long_reason", "long_title", "long_description"),
        ),
        400,
    ),
    "forbidden": 403,
    "too_many_pending": 429,
}


# The form field a refusal is about, by its code; any other is said above the form.
REFUSAL_FIELD = {
    "bad_kind": "kind",
    "bad_category": "category",
    "bad_language": "language",
    "bad_offer": "offer",
    "no_memo": "memo",
    "long_memo": "memo",
    "long_reason": "reason",
    "no_title": "title",
    "long_title": "title",
    "long_description": "description",
    "bad_min_balance": "min_hours",
    "min_above_max": "min_hours",
    "min_balance_broken": "min_hours",
    "bad_max_balance": "max_hours",
    "max_balance_broken": "max_hours",
}


def refusal_status(error: Refusal) -> int:
    """The HTTP status a page refused by a service answers with."""
    return REFUSAL_STATUS.get(error.code, 409)


def refusal_field(error: Refusal) -> str | None:
    """The name of the form field a refusal is about, if it is about one."""
    return REFUSAL_FIELD.get(error.code)


def show_on_form(form, error: Refusal) -> int:
    """Show a service's refusal on the form, at its field when the form has it; the status to answer with."""
    field = refusal_field(error)
    form.add_error(field if field in form.fields else None, error.message)
    return refusal_status(error)


def made_now(obj, started: datetime.datetime, message: str):
    """``obj`` if this request made it; a form sent again gets what the first sending made, and is told so."""
    if obj.created_at < started:
        raise TransferError(message, code="already_done")
    return obj
