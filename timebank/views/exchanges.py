"""Exchanges over the web: recording hours given (the other member is asked to confirm), and
confirming, declining or withdrawing a request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suite.rendering import render

from .. import selectors, services
from ..errors import TransferError
from ..formatting import hours
from ..forms import DeclineForm, ExchangeForm
from ..models import ExchangeRequest, Offer
from .account import account_page
from .common import party, submitted
from .refusals import made_now


def _own_request(request, pk, side: str) -> ExchangeRequest:
    """The exchange request if the signed-in member is its ``side``; anyone else gets a 404."""
    return get_object_or_404(selectors.member_requests(request.user, side), pk=pk)


@login_required
@require_POST
def request_confirm(request, pk):
    exchange = _own_request(request, pk, "debtor")
    started = timezone.now()
    try:
        transfer = made_now(
            services.exchange_confirm(request=exchange, by=request.user),
            started,
            _("You had already confirmed this request; it was paid once."),
        )
    except TransferError as error:
        return account_page(request, error=error)
    messages.success(
        request,
        _("Confirmed: %(amount)s paid to %(member)s.")
        % {"amount": hours(transfer.minutes), "member": party(transfer.payee)},
    )
    return redirect("timebank:account")


@login_required
@require_POST
def request_decline(request, pk):
    exchange = _own_request(request, pk, "debtor")
    form = DeclineForm(request.POST)
    if not form.is_valid():
        error = TransferError(_("Keep the reason to 500 characters."), code="long_reason")
        return account_page(request, error=error)
    try:
        services.exchange_decline(request=exchange, by=request.user, reason=form.cleaned_data["reason"])
    except TransferError as error:
        return account_page(request, error=error)
    messages.success(request, _("Declined; nothing was paid."))
    return redirect("timebank:account")


@login_required
@require_POST
def request_cancel(request, pk):
    exchange = _own_request(request, pk, "creditor")
    try:
        services.exchange_cancel(request=exchange, by=request.user)
    except TransferError as error:
        return account_page(request, error=error)
    messages.success(request, _("Your request is withdrawn."))
    return redirect("timebank:account")


def _linked_offer(request) -> Offer | None:
    """The offer an exchange is recorded for (``?offer=`` from the board), if it exists."""
    value = request.POST.get("offer") or request.GET.get("offer")
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404
    return get_object_or_404(selectors.offers_with_authors(), pk=value)


@login_required
def exchange_new(request):
    """ "I helped X for 1 h 30 min": X is asked to confirm; nothing is paid until they do.

    From a post on the board (``?offer=``) X is its author, taken from the post here: the form names
    them as they choose to be shown and neither asks for nor carries their username, which a
    pseudonymous member keeps to themselves. Otherwise (or for the member's own post) the form asks
    for X's username, which ``?to=`` may fill in.
    """
    offer = _linked_offer(request)
    author = offer.author if offer and offer.author_id != request.user.pk else None
    initial = {"offer": offer.pk if offer else None}
    if offer:
        initial["memo"] = offer.title
    if author is None:
        initial["debtor"] = request.GET.get("to", "")
    form = ExchangeForm(request.POST or None, initial=initial, debtor=author)

    def ask(data: dict) -> ExchangeRequest:
        started = timezone.now()
        exchange = services.exchange_request_create(
            creditor_member=request.user,
            debtor_member=data["debtor"],
            minutes=data["total_minutes"],
            memo=data["memo"],
            offer=offer,
            form_token=data["form_token"],
        )
        return made_now(exchange, started, _("You had already sent this request; it was sent once."))

    exchange, status = submitted(request, form, ask, refusal=TransferError)
    if exchange:
        messages.success(
            request,
            _("%(member)s is asked to confirm %(amount)s. The hours move when they confirm.")
            % {"member": form.cleaned_data["debtor"], "amount": hours(exchange.minutes)},
        )
        return redirect("timebank:account")
    context = {"form": form, "offer": offer, "debtor": author}
    return render(request, "timebank/exchange_form.html", context, status=status)
