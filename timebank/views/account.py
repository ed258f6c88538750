"""A member's own account: their hours, the requests waiting for them or for others, their statement
(also as CSV), and giving hours."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from suite.errors import Refusal
from suite.rendering import render

from .. import selectors, services
from ..forms import DeclineForm, GiftForm
from .common import pay_from_form
from .refusals import refusal_status
from .statements import account_context, statement_csv_response


@login_required
def account_page(request, *, error: Refusal | None = None):
    account = services.account_for(request.user)
    context = {
        **account_context(request, account),
        "to_confirm": selectors.requests_to_confirm(account),
        "my_requests": selectors.requests_waiting(account),
        "decline_form": DeclineForm(),
        "error": error,
    }
    return render(request, "timebank/account.html", context, status=refusal_status(error) if error else 200)


@login_required
def statement_csv(request):
    return statement_csv_response(services.account_for(request.user))


@login_required
def gift_new(request):
    form = GiftForm(request.POST or None, initial={"member": request.GET.get("to", "")})

    def give(data):
        commons = data["recipient"] == GiftForm.COMMONS
        return services.gift_create(
            giver_member=request.user,
            to=services.commons_account() if commons else services.account_for(data["member"]),
            minutes=data["total_minutes"],
            memo=data["memo"],
            form_token=data["form_token"],
        )

    transfer, status = pay_from_form(
        request,
        form,
        give,
        again=_("This form was already sent; the hours were given once."),
        done=_("You gave %(amount)s to %(member)s."),
    )
    if transfer:
        return redirect("timebank:account")
    return render(request, "timebank/gift_form.html", {"form": form}, status=status)
