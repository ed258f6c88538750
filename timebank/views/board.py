"""The board of offers and requests: open to all, searched and filtered, each post with a page of its own
to link to; posts made, changed, closed and reopened by their authors and by the coordinators."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suite.rendering import render

from .. import selectors, services
from ..errors import OfferError
from ..forms import BoardFilterForm, OfferForm
from ..models import Offer, language_choices
from .common import submitted

BOARD_PAGE = 20


def board(request):
    form = BoardFilterForm(request.GET, languages=selectors.board_languages())
    valid = form.is_valid()
    filters = {name: value for name, value in form.cleaned_data.items() if value} if valid else {}
    mine = filters.pop("mine", False) and request.user.is_authenticated
    if mine:
        offers = selectors.member_offers(request.user, **filters)
    else:
        offers = selectors.board_offers(**filters)
    paginator = Paginator(offers, BOARD_PAGE)
    if not (mine or filters):  # the whole board: its count is kept with the languages
        paginator.count = sum(selectors.open_offer_counts().values())
    page = paginator.get_page(request.GET.get("page"))
    _label(page, request.user)
    context = {"form": form, "page": page, "filtered": bool(filters)}
    return render(request, "timebank/board.html", context, status=200 if valid else 400)


def _label(offers, user) -> None:
    """Name each offer's kind, category and language, and say whether ``user`` may change it.

    Named once for the page, not by get_*_display() (a lazy translation) twice on each card.
    """
    names, kinds = dict(language_choices()), {kind: str(label) for kind, label in Offer.Kind.choices}
    categories = {category: str(label) for category, label in Offer.Category.choices}
    for offer in offers:
        offer.language_name = names.get(offer.language, offer.language)
        offer.kind_label, offer.category_label = kinds[offer.kind], categories[offer.category]
        offer.changeable = user.is_authenticated and services.offer_changeable_by(offer, user)


def offer_page(request, pk):
    """One post, at an address to share. Once closed, only its author and the coordinators see it;
    anyone else is told it is no longer on the board (404)."""
    offer = get_object_or_404(selectors.offers_with_authors(), pk=pk)
    _label([offer], request.user)
    if offer.status == Offer.Status.CLOSED and not offer.changeable:
        return render(request, "timebank/offer_closed.html", {}, status=404)
    return render(request, "timebank/offer.html", {"offer": offer})


def offer_changeable(view):
    """The view gets the offer named in the URL if the signed-in member may change it
    (``offer_changeable_by``); anyone else gets a 404, as if it did not exist."""

    @wraps(view)
    def checked(request, pk):
        offer = get_object_or_404(selectors.offers_with_authors(), pk=pk)
        if not services.offer_changeable_by(offer, request.user):
            raise Http404
        return view(request, offer)

    return checked


def _offer_form(request, *, offer: Offer | None):
    fields = ("kind", "category", "title", "description", "language")
    initial = {name: getattr(offer, name) for name in fields} if offer else {}
    form = OfferForm(request.POST or None, initial=initial)

    def save(data: dict) -> Offer:
        values = {name: data[name] for name in fields}
        if offer:
            return services.offer_update(offer=offer, by=request.user, **values)
        return services.offer_create(author=request.user, **values)

    saved, status = submitted(request, form, save, refusal=OfferError)
    if saved:
        messages.success(request, _("Saved; it is on the board."))
        return _after_change(request, saved)
    return render(request, "timebank/offer_form.html", {"form": form, "offer": offer}, status=status)


@login_required
def offer_new(request):
    return _offer_form(request, offer=None)


@login_required
@offer_changeable
def offer_edit(request, offer: Offer):
    return _offer_form(request, offer=offer)


@login_required
@require_POST
@offer_changeable
def offer_close(request, offer: Offer):
    reopen = request.POST.get("action") == "reopen"
    try:
        (services.offer_reopen if reopen else services.offer_close)(offer=offer, by=request.user)
    except OfferError as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("It is back on the board.") if reopen else _("It is closed and off the board."))
    return _after_change(request, offer)


def _after_change(request, offer: Offer):
    """The author goes back to their own posts; a coordinator to the post they changed (it is not
    among theirs), told that its author hears of it."""
    if offer.author_id == request.user.pk:
        return redirect(f"{reverse('timebank:board')}?mine=on")
    messages.info(request, _("Its author is told by mail."))
    return redirect("timebank:offer", pk=offer.pk)
