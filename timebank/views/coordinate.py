"""The coordinators' desk: every account, one account's statement and limits, closing and reopening it,
reversing a transfer and granting hours from the commons."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suite.rendering import render

from .. import selectors, services
from ..errors import AccountError, TransferError
from ..forms import GrantForm, LimitsForm, ReverseForm
from ..models import Account, Transfer
from .common import coordinator_required, party, pay_from_form, submitted
from .refusals import refusal_field, refusal_status, show_on_form
from .statements import account_context, statement_csv_response

ACCOUNTS_PAGE = 50


@coordinator_required
def coordinate_accounts(request):
    search = request.GET.get("q", "").strip()[:150]
    page = Paginator(selectors.accounts_overview(search=search), ACCOUNTS_PAGE).get_page(request.GET.get("page"))
    for account in page:
        account.label = party(account)
    return render(request, "timebank/coordinate_accounts.html", {"page": page, "q": search})


def _coordinate_account_page(request, account: Account, *, limits_form=None, error=None, status=200):
    limits_form = limits_form or LimitsForm(
        initial={
            "min_hours": None if account.min_balance is None else int(account.min_balance / 60),
            "max_hours": None if account.max_balance is None else int(account.max_balance / 60),
        }
    )
    context = {
        **account_context(request, account),
        "label": party(account),
        "limits_form": limits_form,
        "error": error,
        "reverse_form": ReverseForm(),
    }
    return render(
        request, "timebank/coordinate_account.html", context, status=refusal_status(error) if error else status
    )


def _coordinated_account(pk) -> Account:
    return get_object_or_404(selectors.accounts_with_members(), pk=pk)


@coordinator_required
def coordinate_account(request, pk):
    return _coordinate_account_page(request, _coordinated_account(pk))


@coordinator_required
def coordinate_statement_csv(request, pk):
    return statement_csv_response(_coordinated_account(pk))


@coordinator_required
@require_POST
def coordinate_limits(request, pk):
    account = _coordinated_account(pk)
    form = LimitsForm(request.POST)
    if not form.is_valid():
        return _coordinate_account_page(request, account, limits_form=form, status=400)
    try:
        services.account_set_limits(
            account=account,
            min_balance=form.minutes("min_hours"),
            max_balance=form.minutes("max_hours"),
            by=request.user,
        )
    except AccountError as error:
        if refusal_field(error) is None:  # not about a value (a missing permission): said at the top
            return _coordinate_account_page(request, account, limits_form=form, error=error)
        return _coordinate_account_page(request, account, limits_form=form, status=show_on_form(form, error))
    messages.success(request, _("The limits are saved."))
    return redirect("timebank:coordinate_account", pk=pk)


@coordinator_required
@require_POST
def coordinate_status(request, pk):
    account = _coordinated_account(pk)
    close = request.POST.get("action") == "close"
    try:
        (services.account_close if close else services.account_reopen)(account=account, by=request.user)
    except AccountError as error:
        return _coordinate_account_page(request, account, error=error)
    messages.success(request, _("The account is closed.") if close else _("The account is open again."))
    return redirect("timebank:coordinate_account", pk=pk)


@coordinator_required
def coordinate_reverse(request, pk):
    """A reversal pays the transfer back the other way; GET shows what will be reversed."""
    transfer = get_object_or_404(selectors.transfers_with_parties(), pk=pk)
    back_to = request.POST.get("account") or request.GET.get("account")
    if back_to not in (str(transfer.payer_id), str(transfer.payee_id)):
        back_to = transfer.payer_id
    form = ReverseForm(request.POST or None)

    def reverse(data: dict) -> Transfer:
        return services.transfer_reverse(transfer=transfer, reason=data["reason"], recorded_by=request.user)

    reversal, status = submitted(request, form, reverse, refusal=TransferError)
    if reversal:
        messages.success(request, _("The transfer is reversed."))
        return redirect("timebank:coordinate_account", pk=back_to)
    context = {
        "transfer": transfer,
        "payer": party(transfer.payer),
        "payee": party(transfer.payee),
        "form": form,
        "back_to": back_to,
    }
    return render(request, "timebank/coordinate_reverse.html", context, status=status)


@coordinator_required
def coordinate_grant(request):
    form = GrantForm(request.POST or None, initial={"member": request.GET.get("to", "")})

    def grant(data):
        return services.grant_create(
            to=services.account_for(data["member"]),
            minutes=data["total_minutes"],
            memo=data["memo"],
            by=request.user,
            form_token=data["form_token"],
        )

    transfer, status = pay_from_form(
        request,
        form,
        grant,
        again=_("This form was already sent; the credit was granted once."),
        done=_("%(amount)s granted to %(member)s."),
    )
    if transfer:
        return redirect("timebank:coordinate_account", pk=transfer.payee_id)
    return render(request, "timebank/coordinate_grant.html", {"form": form}, status=status)
