"""Reads of the seminars app, each in a fixed number of queries."""

import datetime
import functools
import operator
from dataclasses import dataclass

from django.db import connections
from django.db.models import Q
from django.utils import timezone

from courses.models import Enrolment
from courses.selectors import member_enrolment

from .audiences import audiences
from .models import CalendarFeed, Recording, Webinar
from .permissions import can_join, can_moderate, is_coordinator, is_group_meeting

LIVE_ENROLMENT = [Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED]


NOT_GROUP = ~Q(audience=Webinar.Audience.GROUP)


def _member_groups(user) -> list[str]:
    """The keys of the groups a signed-in ``user`` belongs to (the provider's answer; none by default)."""
    return list(audiences().groups_of(user)) if user.is_authenticated else []


def _group_kind(groups: list[str]) -> list[Q]:
    """The group meetings of ``groups``, as a kind of visible session (none when no groups)."""
    return [Q(audience=Webinar.Audience.GROUP, audience_group__in=groups)] if groups else []


def _visible_kinds(user) -> list[Q]:
    """Each kind of session a signed-in, non-coordinator ``user`` may see, as an indexed filter of its own.

    A session of no module (a research meeting) is for every member; a group's meeting is not: only
    for its groups' members (and its tutors), whatever its module.
    """
    enrolled = Enrolment.objects.filter(member=user, status__in=LIVE_ENROLMENT).values("module_id")
    tutored = Webinar.tutors.through.objects.filter(user=user).values("webinar_id")
    return [
        Q(audience=Webinar.Audience.PUBLIC),
        Q(audience=Webinar.Audience.MEMBERS),
        Q(module__isnull=True) & NOT_GROUP,
        Q(module_id__in=enrolled) & NOT_GROUP,
        Q(pk__in=tutored),
        *_group_kind(_member_groups(user)),
    ]


def visible_webinars(user):
    """Sessions the user may join: public ones, all-member ones, those of their modules and groups, their own."""
    if not user.is_authenticated:
        return Webinar.objects.filter(audience=Webinar.Audience.PUBLIC)
    if is_coordinator(user):
        return Webinar.objects.all()
    # Subqueries, not joins: no DISTINCT over whole rows, so the database pages the list cheaply.
    return Webinar.objects.filter(functools.reduce(operator.or_, _visible_kinds(user)))


# A session stays listed this long after its start, so a late-comer still finds a running one.
LISTED_AFTER_START = datetime.timedelta(hours=3)


def not_over(webinars, *, now: datetime.datetime | None = None):
    """The sessions still to come (or running) among ``webinars``."""
    now = now or timezone.now()
    return webinars.filter(
        status__in=[Webinar.Status.SCHEDULED, Webinar.Status.RUNNING], starts_at__gte=now - LISTED_AFTER_START
    )


def upcoming_webinars(user, *, now: datetime.datetime | None = None):
    return not_over(visible_webinars(user), now=now).select_related("module").order_by("starts_at", "id")


SESSIONS_PER_PAGE = 20


@dataclass
class SessionsPage:
    """A page of the session list, with what the pagination links need (see courses/_pagination.html)."""

    webinars: list[Webinar]
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.webinars)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def upcoming_webinars_page(user, *, number: int, per_page: int = SESSIONS_PER_PAGE) -> SessionsPage:
    """Page ``number`` (from 1) of the sessions to come that ``user`` may see, in one query.

    Not Django's Paginator: it counts every visible session first (a second query, and a full
    pass over the OR of enrolments and tutors), and skips the rows of an empty list. One row more
    than a page tells whether there is a next page, so an empty list and a long one cost the same.
    """
    start = (number - 1) * per_page
    if not user.is_authenticated or is_coordinator(user):
        rows = list(upcoming_webinars(user)[start : start + per_page + 1])
    else:
        rows = _merged_page(user, start=start, size=per_page + 1)
    return SessionsPage(webinars=rows[:per_page], number=number, has_next=len(rows) > per_page)


def _merged_page(user, *, start: int, size: int) -> list[Webinar]:
    """Rows ``start`` to ``start + size`` of what ``upcoming_webinars(user)`` lists, in two queries.

    The OR of all kinds of visible session made the database walk every session to come in start
    order until it had a page; each kind alone is an indexed list, so the first ``start + size`` of
    each are enough: their union, sorted, holds the page. Then the page's rows with their modules.
    """
    kinds = _visible_kinds(user)
    first_keys = [not_over(Webinar.objects.filter(kind)).order_by("starts_at", "id") for kind in kinds]
    parts = [webinars.values_list("starts_at", "id")[: start + size] for webinars in first_keys]
    # SQLite takes a LIMIT inside a UNION only in a subquery, which Django does not write: so, by hand.
    compiled = [part.query.get_compiler(using=part.db).as_sql() for part in parts]
    sql = " UNION ".join(f"SELECT starts_at, id FROM ({sql}) AS kind{n}" for n, (sql, _) in enumerate(compiled))
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(sql, [param for _, params in compiled for param in params])
        keys = sorted(cursor.fetchall())
    ids = [pk for _, pk in keys[start : start + size]]
    return list(Webinar.objects.filter(pk__in=ids).select_related("module").order_by("starts_at", "id")) if ids else []


def member_feed_webinars(member):
    """The personal calendar: sessions of the member's modules and groups, and those they tutor."""
    enrolled = Enrolment.objects.filter(member=member, status__in=LIVE_ENROLMENT).values("module_id")
    tutored = Webinar.tutors.through.objects.filter(user=member).values("webinar_id")
    kinds = [Q(module_id__in=enrolled) & NOT_GROUP, Q(pk__in=tutored), *_group_kind(_member_groups(member))]
    # Indexed subqueries, not a join with DISTINCT: that scanned every session (30 ms at 20k).
    return Webinar.objects.filter(functools.reduce(operator.or_, kinds)).order_by("starts_at", "id")


def module_webinars(module):
    return Webinar.objects.filter(module=module).order_by("starts_at", "id")


def module_recordings(module, user) -> list[Recording]:
    """The module's published recordings that ``user`` may see (as they may join the session)."""
    recordings = Recording.objects.filter(webinar__module=module, published=True).select_related("webinar")
    if is_coordinator(user):
        return list(recordings)
    open_to_all = Q(webinar__audience__in=[Webinar.Audience.PUBLIC, Webinar.Audience.MEMBERS])
    if not user.is_authenticated:
        return list(recordings.filter(webinar__audience=Webinar.Audience.PUBLIC))
    # The module page has looked the enrolment up already: this reuses it.
    enrolment = member_enrolment(module=module, member=user)
    enrolled = enrolment is not None and enrolment.status in LIVE_ENROLMENT
    if enrolled:  # a group's meeting has no module (webinar_schedule refuses one): this keeps it so
        return list(recordings.exclude(webinar__audience=Webinar.Audience.GROUP))
    return list(recordings.filter(open_to_all | Q(webinar__tutors=user)).distinct())


@dataclass
class SessionView:
    """What a session's page shows ``user``: their part in it, its tutors, the recordings they may see."""

    webinar: Webinar
    moderator: bool  # a tutor of the session or a coordinator: manages it, sees unpublished recordings
    joinable: bool
    tutors: list
    recordings: list[Recording]
    room_open: bool
    group: tuple[str, str] | None  # a group's meeting: the group's label and URL, as the provider describes it


def session_view(webinar: Webinar, user, *, now: datetime.datetime | None = None) -> SessionView:
    """Recordings go to those who may join the session; unpublished ones to its moderators only."""
    moderator, joinable = can_moderate(user, webinar), can_join(user, webinar)
    recordings = webinar.recordings.all() if moderator else webinar.recordings.filter(published=True)
    return SessionView(
        webinar=webinar,
        moderator=moderator,
        joinable=joinable,
        tutors=list(webinar.tutors.all()),
        recordings=list(recordings) if joinable else [],
        room_open=(now or timezone.now()) >= webinar.opens_at,
        group=audiences().describe(webinar.audience_group) if is_group_meeting(webinar) else None,
    )


def visible_attendances(webinar: Webinar, user):
    """The session's moderators see everyone's attendance; any other member their own."""
    rows = webinar.attendances.select_related("member")
    return rows if can_moderate(user, webinar) else rows.filter(member=user)


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("member").filter(token=token).first()
