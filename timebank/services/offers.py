"""Offers and requests on the board: posted, changed, closed and reopened by their author or a coordinator
(and then the author is mailed)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from suite.members import member_preferences
from suite.tasks import enqueue_on_commit

from .. import tasks
from ..errors import OfferError
from ..models import Offer, language_choices
from ..search import offer_search_text
from .checks import clean_text


def _offer_fields(*, kind, category, title, description, language) -> dict:
    if kind not in Offer.Kind.values:
        raise OfferError(_("Choose whether you offer help or need it."), code="bad_kind")
    if category not in Offer.Category.values:
        raise OfferError(_("Choose a category."), code="bad_category")
    if language not in dict(language_choices()):
        raise OfferError(_("Choose the language you wrote it in."), code="bad_language")
    title = clean_text(title, name="title", limit=120, required=_("Give it a title."), error=OfferError)
    description = clean_text(description, name="description", limit=5000, error=OfferError)
    return {
        "kind": kind,
        "category": category,
        "title": title,
        "description": description,
        "language": language,
        "search_text": offer_search_text(title, description),
    }


def _default_language(member) -> str:
    """The member's own language, as the host's preferences hook gives it (the site's when they chose none)."""
    return member_preferences(member).language


@transaction.atomic
def offer_create(*, author, kind: str, category: str, title: str, description: str = "", language: str = "") -> Offer:
    """Post what ``author`` can give (``kind="offer"``) or needs (``"request"``) on the board."""
    fields = _offer_fields(
        kind=kind,
        category=category,
        title=title,
        description=description,
        language=language or _default_language(author),
    )
    return Offer.objects.create(author=author, **fields)


def offer_changeable_by(offer: Offer, member) -> bool:
    """Its author may change, close and reopen an offer, and so may a coordinator (``timebank.change_offer``)."""
    return member.pk == offer.author_id or member.has_perm("timebank.change_offer")


def _lock_offer_for(offer: Offer, by) -> Offer:
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if not offer_changeable_by(locked, by):
        raise OfferError(_("Only its author or a coordinator can change this."), code="forbidden")
    return locked


def _moderated(locked: Offer, by) -> list[str]:
    """Note on the locked offer a change ``by`` someone other than its author, who is then mailed:
    no post changes or leaves the board behind its author's back. The fields to save."""
    if by.pk == locked.author_id:
        return []
    locked.moderated_by, locked.author_notice_due = by, True
    enqueue_on_commit(tasks.send_offer_mail, offer_id=locked.pk)
    return ["moderated_by", "author_notice_due"]


@transaction.atomic
def offer_update(*, offer: Offer, by, **fields) -> Offer:
    """Change any of kind, category, title, description, language; by the author or a coordinator."""
    locked = _lock_offer_for(offer, by)
    unknown = set(fields) - {"kind", "category", "title", "description", "language"}
    if unknown:
        raise TypeError(f"offer_update() got unexpected fields: {', '.join(sorted(unknown))}")
    current = {name: getattr(locked, name) for name in ("kind", "category", "title", "description", "language")}
    changed = False
    for name, value in _offer_fields(**(current | fields)).items():
        changed = changed or getattr(locked, name) != value
        setattr(locked, name, value)
    if changed:
        _moderated(locked, by)
        locked.save()
    return locked


def _offer_set_status(offer: Offer, by, status: str) -> Offer:
    locked = _lock_offer_for(offer, by)
    if locked.status != status:
        locked.status = status
        moderation = _moderated(locked, by)
        locked.save(update_fields=["status", "updated_at", *moderation])
    return locked


@transaction.atomic
def offer_close(*, offer: Offer, by) -> Offer:
    """Take it off the board (done, no longer needed, or withdrawn by a coordinator); closing twice changes nothing."""
    return _offer_set_status(offer, by, Offer.Status.CLOSED)


@transaction.atomic
def offer_reopen(*, offer: Offer, by) -> Offer:
    """Put a closed offer back on the board, as it was."""
    return _offer_set_status(offer, by, Offer.Status.ACTIVE)
