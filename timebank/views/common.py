"""What the timebank's pages share: how an account is named, who may use the coordinators' desk, and
how a form that pays is handled."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suite.errors import Refusal

from ..errors import TransferError
from ..formatting import hours
from ..models import COMMONS, Account
from .refusals import made_now, show_on_form

T = TypeVar("T")

COORDINATOR_PERMS = ("timebank.change_account", "timebank.reverse_transfer", "timebank.grant_credit")


def party(account: Account, commons_label: str | None = None) -> str:
    """How an account is named to people: the member, or "NLU commons"."""
    if account.system_name == COMMONS:
        return commons_label or _("NLU commons")
    return str(account)


def is_coordinator(user) -> bool:
    return user.is_authenticated and any(user.has_perm(perm) for perm in COORDINATOR_PERMS)


def coordinator_required(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not is_coordinator(request.user):
            raise PermissionDenied(_("This page is for the timebank's coordinators."))
        return view(request, *args, **kwargs)

    return login_required(checked)


def submitted(request, form, act: Callable[[dict], T], *, refusal: type[Refusal]) -> tuple[T | None, int]:
    """What a form's page does, and the status it answers with: ``(what act made, 200)`` or ``(None, status)``.

    Shown (GET): nothing done, 200. Sent (POST): 400 while the form is invalid; once valid,
    ``act(cleaned_data)``, and a ``refusal`` it meets is shown on the form with its status.
    """
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        return act(form.cleaned_data), 200
    except refusal as error:
        return None, show_on_form(form, error)


def pay_from_form(request, form, pay, *, again: str, done: str):
    """Pay with ``pay(data)`` once the form is valid: the transfer, or None and the status to answer with.

    The account a payment opens for its recipient is in one transaction with the payment, so a
    refusal writes nothing; a form sent again pays nothing more and says so (``again``).
    """

    def pay_once(data: dict):
        started = timezone.now()
        with transaction.atomic():
            transfer = pay(data)
        return made_now(transfer, started, again)

    transfer, status = submitted(request, form, pay_once, refusal=TransferError)
    if transfer:
        messages.success(request, done % {"amount": hours(transfer.minutes), "member": party(transfer.payee)})
    return transfer, status
