"""Reads of the courses app. Each returns what a page needs in a fixed number of queries."""

import datetime
import hashlib
import operator
import zoneinfo
from dataclasses import dataclass, field
from functools import reduce

from django.core.cache import cache
from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname, resolution_order
from wagtail.models import Page

from suite.versions import current_version, move_version

from .models import CourseIndexPage, CourseModulePage, CourseUnit, Enrolment, UnitCompletion

Status = Enrolment.Status


def waiting_ahead(module_id, waitlist_number):
    return Enrolment.objects.filter(module_id=module_id, status=Status.WAITLISTED, waitlist_number__lt=waitlist_number)


def waitlist_position(enrolment: Enrolment) -> int | None:
    """1 for the first one waiting; None when not on the waitlist."""
    if enrolment.status != Status.WAITLISTED:
        return None
    if hasattr(enrolment, "waiting_ahead"):
        return enrolment.waiting_ahead + 1
    return waiting_ahead(enrolment.module_id, enrolment.waitlist_number).count() + 1


def with_waitlist_positions(enrolments):
    """Annotate each enrolment with how many wait ahead of it, in the same query."""
    ahead = (
        waiting_ahead(OuterRef("module_id"), OuterRef("waitlist_number"))
        .values("module_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return enrolments.annotate(waiting_ahead=Coalesce(Subquery(ahead), 0))


def language_filter(code: str) -> Q:
    """Modules delivered in ``code`` (delivery_languages is a comma-separated list)."""
    return (
        Q(delivery_languages=code)
        | Q(delivery_languages__startswith=f"{code},")
        | Q(delivery_languages__endswith=f",{code}")
        | Q(delivery_languages__contains=f",{code},")
    )


MODULES_PER_PAGE = 20
SECTIONS = ("upcoming", "running", "finished")
UPCOMING, RUNNING, FINISHED = range(len(SECTIONS))


def children_of(page: Page, model: type[Page]):
    """The ``model`` pages directly below ``page``, found by their tree path range.

    This is treebeard's ``get_children()`` for a page type: a search in the path index on every
    database, where Wagtail's ``child_of()`` is a ``LIKE`` that SQLite scans the whole page table for.
    """
    return model.objects.filter(depth=page.depth + 1, path__range=Page._get_children_path_interval(page.path))


def translated_slug_q(slug: str, language: str) -> Q:
    """Pages whose slug reads ``slug`` in ``language``, as modeltranslation reads it.

    ``page.slug`` is the slug of the language if it has one, else of its first fallback that has
    one (Turkish, then English), so a Turkish URL of a module with no Turkish slug uses the English one.
    """
    parts, none_before = [], Q()
    for code in resolution_order(language):
        field = build_localized_fieldname("slug", code)
        parts.append(none_before & Q(**{field: slug}))
        none_before &= Q(**{f"{field}__isnull": True}) | Q(**{field: ""})
    return reduce(operator.or_, parts)


def module_for_slug(*, index: CourseIndexPage, slug: str, language: str) -> CourseModulePage | None:
    """The module below ``index`` that the URL segment ``slug`` names in ``language``, in one query."""
    return children_of(index, CourseModulePage).filter(translated_slug_q(slug, language)).order_by("path").first()


def _section(modules, now: datetime.datetime) -> Case:
    """Where each module stands at ``now`` as SQL: UPCOMING before its start, FINISHED after its last week.

    A module starts at midnight of its start date in its own zone and ends ``weeks`` later, so
    what counts is today's date in that zone. One condition per zone and length the modules use
    (a handful) keeps it to date comparisons, so the database sorts and pages the listing.
    """
    whens = []
    for zone, weeks in modules.order_by().values_list("timezone", "weeks").distinct():
        today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
        same = Q(timezone=zone, weeks=weeks)
        whens.append(When(same & Q(start_date__gt=today), then=Value(UPCOMING)))
        whens.append(When(same & Q(start_date__lte=today - datetime.timedelta(weeks=weeks)), then=Value(FINISHED)))
    return Case(*whens, default=Value(RUNNING))


@dataclass
class ModuleListing:
    page: DjangoPage  # of modules, in the order shown
    sections: dict[str, list[CourseModulePage]]  # the sections this page shows, with its modules


# The listing is kept in the cache under a version that moves whenever a module changes.
LISTING_VERSION_KEY = "courses:listing-version"
LISTING_SECONDS = 15 * 60  # no longer than the quarter hour in its key


def new_listing_version(**signal) -> None:
    """A module was saved, published, moved or deleted: listings kept until now are not read again."""
    move_version(LISTING_VERSION_KEY)


def quarter_hour(now: datetime.datetime) -> datetime.datetime:
    """``now`` rounded down to the quarter hour: every zone's offset is whole quarters, so its midnight falls on one."""
    now = now.astimezone(datetime.UTC)
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


def module_listing(
    *,
    index: CourseIndexPage,
    language: str = "",
    page_number=1,
    now: datetime.datetime | None = None,
    per_page: int = MODULES_PER_PAGE,
) -> ModuleListing:
    """A page of the index's modules: open for enrolment (or upcoming), running, finished (latest first).

    Three queries however many modules there are: the zones and lengths in use, the count per
    section, the page. A page shows the sections of its modules; the first page also says which
    sections are empty. Raises InvalidPage for a page number that is not one or is past the end.

    Kept until a module changes: a module's section moves only at a midnight in its own zone, so
    the page's modules and counts hold for the quarter hour they were read in.
    """
    now = now or timezone.now()
    parts = [
        current_version(LISTING_VERSION_KEY),
        index.pk,
        language,
        page_number,
        per_page,
        quarter_hour(now).isoformat(),
    ]
    cache_key = "courses:listing:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    kept = cache.get(cache_key)
    if kept is None:
        kept = _listed_modules(index, language, page_number, now, per_page)
        cache.set(cache_key, kept, LISTING_SECONDS)
    modules, counts, number = kept
    paginator = Paginator(modules, per_page)
    paginator.count = sum(counts.values())  # of the whole listing, of which ``modules`` is one page
    page = DjangoPage(modules, number, paginator)
    sections = {key: [] for position, key in enumerate(SECTIONS) if page.number == 1 and not counts.get(position)}
    for module in page:
        sections.setdefault(SECTIONS[module.section], []).append(module)
    return ModuleListing(page=page, sections={key: sections[key] for key in SECTIONS if key in sections})


def _listed_modules(index, language, page_number, now, per_page) -> tuple[list[CourseModulePage], dict[int, int], int]:
    """The modules of one page of the listing, the count in each section, and the page's number."""
    modules = children_of(index, CourseModulePage).live()
    if language:
        modules = modules.filter(language_filter(language))
    modules = modules.annotate(section=_section(modules, now))
    counts = dict(modules.order_by().values_list("section").annotate(Count("pk")))
    latest_finished_first = Case(When(section=FINISHED, then=F("start_date"))).desc()
    paginator = Paginator(modules.order_by("section", latest_finished_first, "start_date", "pk"), per_page)
    paginator.count = sum(counts.values())  # known from the counts per section: no COUNT(*) query
    page = paginator.page(page_number)
    return list(page), counts, page.number


@dataclass
class UnitState:
    unit: CourseUnit
    opens_at: datetime.datetime
    is_open: bool
    done: bool


@dataclass
class ModuleProgress:
    module: CourseModulePage
    enrolment: Enrolment | None
    units: list[UnitState] = field(default_factory=list)
    current_week: int | None = None
    waitlist_position: int | None = None

    @property
    def done_count(self) -> int:
        return sum(state.done for state in self.units)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.units)) if self.units else 0

    @property
    def unit_of_the_week(self) -> UnitState | None:
        return next((state for state in self.units if state.unit.week == self.current_week), None)


def _progress(module, enrolment, units, done_ids, now) -> ModuleProgress:
    states = []
    for unit in units:
        opens_at = unit.opens_at(module)
        states.append(UnitState(unit=unit, opens_at=opens_at, is_open=now >= opens_at, done=unit.id in done_ids))
    return ModuleProgress(
        module=module,
        enrolment=enrolment,
        units=states,
        current_week=module.week_of(now),
        waitlist_position=waitlist_position(enrolment) if enrolment else None,
    )


def member_enrolment(*, module: CourseModulePage, member) -> Enrolment | None:
    """The member's live enrolment in the module, with its waitlist position; None for anonymous.

    Looked up once per module object: the module page needs it, and so do the sections other
    apps add to that page (seminars: may the member watch the recordings?).
    """
    if not member.is_authenticated:
        return None
    live = module.enrolments.filter(member=member, status__in=Enrolment.LIVE)
    return module.for_member("enrolment", member, lambda: with_waitlist_positions(live).first())


def module_progress(*, module: CourseModulePage, member, now: datetime.datetime | None = None) -> ModuleProgress:
    """The module's units with their opening times, and the member's enrolment and progress.

    Two queries for a member: the units, each marked done or not in the same query, and the enrolment.
    """
    now = now or timezone.now()
    units = module.units.order_by("week")
    if member.is_authenticated:
        units = units.annotate(done_by_member=Exists(UnitCompletion.objects.filter(unit=OuterRef("pk"), member=member)))
    units = list(units)
    enrolment = member_enrolment(module=module, member=member)
    # Progress belongs to an enrolment: without a live one, no unit shows as done.
    done_ids = {unit.id for unit in units if enrolment and unit.done_by_member}
    return _progress(module, enrolment, units, done_ids, now)


def _unit_texts() -> list[str]:
    """What "My learning" does not show of a unit (it shows week and title): not read for its dozens of units."""
    names = ["summary", "body"]
    return names + [build_localized_fieldname(name, code) for name in names for code in mt_settings.AVAILABLE_LANGUAGES]


def member_dashboard(*, member, now: datetime.datetime | None = None) -> list[ModuleProgress]:
    """Every module the member is enrolled in or waiting for, running ones first."""
    now = now or timezone.now()
    enrolments = list(
        with_waitlist_positions(Enrolment.objects.filter(member=member, status__in=Enrolment.LIVE))
        .select_related("module")
        .prefetch_related(Prefetch("module__units", queryset=CourseUnit.objects.defer(*_unit_texts()).order_by("week")))
        .order_by("module__start_date")
    )
    done_ids = set(
        UnitCompletion.objects.filter(member=member, unit__module__in=[e.module_id for e in enrolments]).values_list(
            "unit_id", flat=True
        )
    )
    modules = [_progress(e.module, e, list(e.module.units.all()), done_ids, now) for e in enrolments]

    def running_then_upcoming_then_finished(progress: ModuleProgress):
        module = progress.module
        return (0 if progress.current_week else 1 if now < module.starts_at else 2, module.start_date)

    return sorted(modules, key=running_then_upcoming_then_finished)


def module_units_total(module: CourseModulePage) -> int:
    return module.units.count()


def module_active_count(module: CourseModulePage) -> int:
    return module.enrolments.filter(status=Status.ACTIVE).count()


def module_roster(*, module: CourseModulePage) -> list[Enrolment]:
    """Enrolled and completed members by name, then the waitlist in order, then withdrawals."""
    order = {Status.ACTIVE: 0, Status.COMPLETED: 0, Status.WAITLISTED: 1, Status.WITHDRAWN: 2}
    enrolments = list(
        module.enrolments.select_related("member").annotate(
            units_done=Count("member__unit_completions", filter=Q(member__unit_completions__unit__module=module))
        )
    )
    enrolments.sort(key=lambda e: (order[e.status], e.waitlist_number or 0, str(e.member).casefold(), e.created_at))
    position = 0
    for enrolment in enrolments:
        if enrolment.status == Status.WAITLISTED:
            position += 1
            enrolment.position = position
        else:
            enrolment.position = None
    return enrolments


def units_using_wiki_page(title: str) -> list[CourseUnit]:
    """The units of live modules built from the wiki page ``title`` (any case), with their modules, in one query."""
    return list(
        CourseUnit.objects.alias(folded=Lower("wiki_page"))
        .filter(folded=Lower(Value(title.strip())), module__live=True)
        .exclude(wiki_page="")  # what lets the database use its index of the units that name a page
        .select_related("module")
        .order_by("module__start_date", "module_id", "week")
    )
