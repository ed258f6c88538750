"""What every write of the timebank checks of its input: amounts, texts, form tokens, rights."""

from django.utils.translation import gettext_lazy as _

from suite.errors import Refusal

from ..errors import TransferError

# About two years of round-the-clock time: keeps a slip of the keyboard out of the ledger even
# between two accounts without limits.
MAX_TRANSFER_MINUTES = 1_000_000
# Longest memo, reason for declining or for a grant: a line or two, shown in every statement.
MAX_MEMO = 500
MAX_FORM_TOKEN = 100


def check_minutes(minutes) -> None:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MAX_TRANSFER_MINUTES:
        raise TransferError(
            _("Give a whole number of minutes from 1 to %(max)s.") % {"max": MAX_TRANSFER_MINUTES},
            code="bad_amount",
        )


def clean_text(value, *, name: str, limit: int, required=None, error: type[Refusal] = TransferError) -> str:
    """``value`` stripped, refused (``error``, its code ``no_<name>`` or ``long_<name>``) when over
    ``limit`` characters, or empty when ``required`` (its message)."""
    text = str(value or "").strip()
    if required is not None and not text:
        raise error(required, code=f"no_{name}")
    if len(text) > limit:
        raise error(
            _("Keep this to %(limit)s characters (it has %(length)s).") % {"limit": limit, "length": len(text)},
            code=f"long_{name}",
        )
    return text


def form_key(prefix: str, member, form_token) -> str:
    """The idempotency key of a member's form; the token alone would let one member block another."""
    if not isinstance(form_token, str) or not 0 < len(form_token) <= MAX_FORM_TOKEN:
        raise TransferError(_("This request is incomplete; reload the page and try again."), code="bad_request")
    return f"{prefix}:{member.pk}:{form_token}"


def require_perm(user, perm: str, message, error: type[Refusal]) -> None:
    if not user.has_perm(perm):
        raise error(message, code="forbidden")
