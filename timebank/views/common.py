"""What the timebank's pages share: how an account is named, and who may use the coordinators' desk."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..models import COMMONS, Account

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
