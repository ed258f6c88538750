"""Reads of the spaces app, each in a fixed number of queries whatever the number of spaces."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.utils import build_localized_fieldname

from .conf import app_settings
from .models import ACTIVE, KEY_PREFIX, Activity, FeedToken, Membership, Space
from .rules import is_site_manager


def visible_spaces(user):
    """Public spaces, and the members-only ones ``user`` belongs to (every one for site staff)."""
    if is_site_manager(user):
        return Space.objects.all()
    query = Q(visibility=Space.Visibility.PUBLIC)
    if user.is_authenticated:
        query |= Q(pk__in=Membership.objects.filter(ACTIVE, member=user).values("space_id"))
    return Space.objects.filter(query)


def with_member_count(spaces):
    active = Membership.objects.filter(ACTIVE, space=OuterRef("pk")).values("space").annotate(n=Count("pk")).values("n")
    return spaces.annotate(member_count=Coalesce(Subquery(active), 0))


def space_search(spaces, query: str):
    """Spaces whose name or purpose, in any language, holds every word of ``query``."""
    for word in query.split():
        match = Q()
        for field in ("name", "purpose", "slug"):
            names = (
                [build_localized_fieldname(field, code) for code in AVAILABLE_LANGUAGES] if field != "slug" else [field]
            )
            for name in names:
                match |= Q(**{f"{name}__icontains": word})
        spaces = spaces.filter(match)
    return spaces


def spaces_page(user, *, query: str = "", number: int = 1):
    spaces = visible_spaces(user)
    if query:
        spaces = space_search(spaces, query)
    spaces = with_member_count(spaces).select_related("logo").order_by("-created_at", "-id")
    return Paginator(spaces, app_settings.PAGE_SIZE).get_page(number)


def space_by_slug(slug: str) -> Space | None:
    return Space.objects.select_related("logo", "founder").filter(slug=slug).first()


def active_members(space: Space):
    """Coordinators first ("coordinator" sorts before "member"), then by when they joined."""
    return space.memberships.filter(ACTIVE).select_related("member").order_by("role", "created_at", "id")


def member_count(space: Space) -> int:
    return space.memberships.filter(ACTIVE).count()


def pending(space: Space, status: str):
    return space.memberships.filter(status=status).select_related("member").order_by("created_at", "id")


def space_pages(space: Space):
    from wiki.models import WikiPage

    return WikiPage.objects.filter(scope=space.key).order_by("language", "title")


def space_files(space: Space):
    from wagtail.documents import get_document_model

    if space.collection_id is None:
        return get_document_model().objects.none()
    return (
        get_document_model()
        .objects.filter(collection_id=space.collection_id)
        .select_related("uploaded_by_user")
        .order_by("-created_at", "-id")
    )


def activity_page(space: Space, *, number: int = 1):
    activities = Activity.objects.filter(space=space).select_related("actor", "space", "page", "document", "webinar")
    return Paginator(activities, app_settings.PAGE_SIZE).get_page(number)


# A meeting stays "next" this long after its start, so a late-comer still finds the running one.
LISTED_AFTER_START = datetime.timedelta(hours=3)


def meetings_to_come(keys: list[str], *, now: datetime.datetime | None = None):
    from seminars.models import Webinar

    now = now or timezone.now()
    return Webinar.objects.filter(
        audience=Webinar.Audience.GROUP,
        audience_group__in=keys,
        status__in=[Webinar.Status.SCHEDULED, Webinar.Status.RUNNING],
        starts_at__gte=now - LISTED_AFTER_START,
    ).order_by("starts_at", "id")


def next_meeting(space: Space, *, now: datetime.datetime | None = None):
    return meetings_to_come([space.key], now=now).first()


def member_spaces(member, *, now: datetime.datetime | None = None) -> list[tuple[Space, object]]:
    """The member's spaces, each with its next meeting (or None): for the dashboard, in two queries."""
    spaces = [
        m.space
        for m in Membership.objects.filter(ACTIVE, member=member).select_related("space").order_by("space__slug")
    ]
    first = {}
    for webinar in meetings_to_come([space.key for space in spaces], now=now):
        first.setdefault(webinar.audience_group, webinar)
    return [(space, first.get(space.key)) for space in spaces]


def open_invitations(space: Space):
    """The links still to be used, made by those who coordinate the space now (others' are withdrawn)."""
    coordinators = space.memberships.filter(ACTIVE, role=Membership.Role.COORDINATOR).values("member_id")
    return space.invitations.filter(
        used_at__isnull=True, expires_at__gt=timezone.now(), created_by_id__in=coordinators
    ).order_by("-created_at")


def display_name(user) -> str:
    """How a member is named to others: ``str(user)``, as the host's user model says (docs/plugins.md)."""
    return str(user) if user else ""


def feed_token(member) -> str:
    return FeedToken.objects.get_or_create(member=member)[0].token


def member_by_feed_token(token: str):
    feed = FeedToken.objects.select_related("member").filter(token=token).first()
    return feed.member if feed else None


def readable_keys(user) -> list[str]:
    """Keys of the members-only spaces ``user`` belongs to: their wiki pages are readable to them."""
    if not user.is_authenticated:
        return []
    ids = Membership.objects.filter(ACTIVE, member=user, space__visibility=Space.Visibility.MEMBERS).values_list(
        "space_id", flat=True
    )
    return [f"{KEY_PREFIX}{pk}" for pk in ids]


def group_keys(user) -> list[str]:
    """Keys of every space ``user`` is a member of: their meetings are the member's."""
    if not user.is_authenticated:
        return []
    return [
        f"{KEY_PREFIX}{pk}" for pk in Membership.objects.filter(ACTIVE, member=user).values_list("space_id", flat=True)
    ]
