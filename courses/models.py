import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname, get_language
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.models.pages import PageBase
from wagtail.search import index

from suite.rendering import LayoutPageMixin

from .widgets import MemberChooser

UNIT_BODY_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "image", "embed", "hr"]


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value}) from error


def validate_languages(value: str) -> None:
    known = dict(settings.LANGUAGES)
    unknown = [code for code in value.split(",") if code not in known]
    if unknown or not value:
        raise ValidationError(_("Choose at least one of the site’s languages."))


# A unit's address: /en/courses/module-1/week/2/, /tr/kurslar/modul-1/hafta/2/ (the segment in each language).
WEEK_SEGMENT = pgettext_lazy("the segment of a weekly unit's address: lower case ASCII letters only", "week")


def _views():
    """courses.views imports these models, so routes reach it lazily."""
    from . import views

    return views


class KeepsItsOwnRoute(PageBase):
    """The metaclass of a page model that routes to its children with a ``route`` of its own.

    wagtail-modeltranslation, when it starts, sets ``route`` on every translated page model to its
    own (which loads every child page to compare slugs in Python). A page model of this kind keeps
    the ``route`` its class defines: that one assignment is declined, every other goes through.
    """

    def __setattr__(cls, name, value):
        if name == "route" and "route" in vars(cls) and is_modeltranslation_route(value):
            return
        super().__setattr__(name, value)


def is_modeltranslation_route(function) -> bool:
    return getattr(function, "__module__", "").startswith("wagtail_modeltranslation.")


class CourseIndexPage(LayoutPageMixin, Page, metaclass=KeepsItsOwnRoute):
    """Lists the modules below it: open for enrolment, running, finished; 20 to a page."""

    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["courses.CourseModulePage"]

    class Meta:
        verbose_name = _("course index")
        verbose_name_plural = _("course indexes")

    def get_context(self, request, *args, **kwargs):
        from .selectors import module_listing

        context = super().get_context(request, *args, **kwargs)
        language = request.GET.get("language", "")
        context["language"] = language if language in dict(settings.LANGUAGES) else ""
        try:
            listing = module_listing(index=self, language=context["language"], page_number=request.GET.get("page") or 1)
        except InvalidPage:
            raise Http404(_("The list of modules has no such page.")) from None
        context["sections"], context["modules"] = listing.sections, listing.page
        return context

    def route(self, request, path_components):
        """Route to the module that the URL's next segment names, in one query however many modules there are.

        wagtail-modeltranslation's ``route`` loads every child page to compare slugs in Python;
        this asks the database for the one whose slug in the active language (or its fallback)
        matches. Kept as this class's route by its metaclass, KeepsItsOwnRoute.
        """
        from .selectors import module_for_slug

        if not path_components:
            return super().route(request, path_components)
        module = module_for_slug(index=self, slug=path_components[0], language=get_language())
        if module is None:
            raise Http404
        return module.route(request, path_components[1:])


class CourseModulePage(LayoutPageMixin, RoutablePageMixin, Page):
    """One cohort of a module: both languages in one page, weekly units inline."""

    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("description"), blank=True)
    audience = models.TextField(_("who it is for"), blank=True)
    outcomes = RichTextField(_("what you will be able to do"), blank=True)
    start_date = models.DateField(_("start date"))
    weeks = models.PositiveSmallIntegerField(
        _("number of weeks"), default=7, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), default=2, validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    timezone = models.CharField(
        _("cohort time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("Units open at midnight in this zone; live sessions are scheduled in it."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means unlimited. When full, members join a waitlist.")
    )
    enrolment_opens = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrolment_closes = models.DateTimeField(
        _("enrolment closes"), null=True, blank=True, help_text=_("Empty means at the start of the first week.")
    )
    # Comma-separated language codes, validated against settings.LANGUAGES (no migration per language).
    delivery_languages = models.CharField(
        _("delivery languages"), max_length=100, default="en", validators=[validate_languages]
    )
    tutors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("tutors"), related_name="tutored_modules", blank=True
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisite modules"), symmetrical=False, related_name="+", blank=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("audience"),
        FieldPanel("outcomes"),
        InlinePanel("units", label=_("Weekly units")),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("weeks"), FieldPanel("hours_per_week")]),
                FieldPanel("timezone"),
                FieldPanel("delivery_languages"),
            ],
            heading=_("Schedule"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("enrolment_opens"), FieldPanel("enrolment_closes")]),
                FieldPanel("prerequisites"),
            ],
            heading=_("Enrolment"),
        ),
        FieldPanel("tutors", widget=MemberChooser),
    ] + Page.settings_panels
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("course module")
        verbose_name_plural = _("course modules")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def starts_at(self) -> datetime.datetime:
        """Midnight of the start date in the cohort's zone."""
        return datetime.datetime.combine(self.start_date, datetime.time(), tzinfo=self.zone)

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(weeks=self.weeks)

    @property
    def closes_at(self) -> datetime.datetime:
        return self.enrolment_closes or self.starts_at

    @property
    def total_hours(self) -> int:
        return self.weeks * self.hours_per_week

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.delivery_languages.split(",") if code]

    def translation_completeness(self) -> dict[str, int]:
        """Per language, the percentage of this module's English texts (units included) translated."""
        texts = [(self, name) for name in ("title", "summary", "body", "audience", "outcomes")]
        texts += [(unit, name) for unit in self.units.all() for name in ("title", "summary", "body")]
        source = [(obj, name) for obj, name in texts if getattr(obj, build_localized_fieldname(name, "en"))]
        return {
            code: round(
                100
                * sum(bool(getattr(obj, build_localized_fieldname(name, code))) for obj, name in source)
                / len(source)
            )
            if source
            else 100
            for code in mt_settings.AVAILABLE_LANGUAGES
        }

    def for_member(self, name: str, member, compute):
        """``compute()`` once per module object and member: several parts of one page view ask the same."""
        known = self.__dict__.setdefault(f"_{name}_by_member", {})
        if member.pk not in known:
            known[member.pk] = compute()
        return known[member.pk]

    def is_tutor(self, user) -> bool:
        """Whether ``user`` tutors this module (the enrolment box and the live sessions both ask)."""
        return self.for_member(
            "is_tutor", user, lambda: user.is_authenticated and self.tutors.filter(pk=user.pk).exists()
        )

    def unit_url(self, week: int, *, request=None) -> str:
        """A unit's page in the active language (its ``week/`` segment translated)."""
        return self.get_url(request) + self.reverse_subpage("unit", args=[week])

    def week_of(self, moment: datetime.datetime) -> int | None:
        """The running week number at ``moment`` (1-based), or None before start / after end."""
        if not self.starts_at <= moment < self.ends_at:
            return None
        return (moment - self.starts_at).days // 7 + 1

    # Sub-pages of a module; the work is done in views.py.
    @path("")
    def overview(self, request):
        return _views().module_overview(request, self)

    @path(format_lazy("{}/<int:week>/", WEEK_SEGMENT))
    def unit(self, request, week):
        return _views().unit_detail(request, self, week)

    @path("enrol/")
    def enrol(self, request):
        return _views().enrol(request, self)

    @path("withdraw/")
    def withdraw(self, request):
        return _views().withdraw(request, self)

    @path(format_lazy("{}/<int:week>/done/", WEEK_SEGMENT))
    def unit_done(self, request, week):
        return _views().unit_done(request, self, week)

    # The English segment in another language: addresses given out before the segment was
    # translated (links, bookmarks, a form left open) move for good to the translated one.
    @path("week/<int:week>/")
    def unit_at_english_address(self, request, week):
        return _views().moved_permanently(request, self, "unit", week)

    @path("week/<int:week>/done/")
    def unit_done_at_english_address(self, request, week):
        return _views().moved_permanently(request, self, "unit_done", week)

    @path("roster/")
    def roster(self, request):
        return _views().roster(request, self)

    @path("roster/csv/")
    def roster_csv(self, request):
        return _views().roster_csv(request, self)

    @path("certificate/")
    def certificate(self, request):
        return _views().certificate(request, self)


class CourseUnit(Orderable):
    """A week of the module. Opens to learners at midnight (cohort zone) of its week's first day."""

    module = ParentalKey(CourseModulePage, on_delete=models.CASCADE, related_name="units")
    week = models.PositiveSmallIntegerField(_("week"), validators=[MinValueValidator(1), MaxValueValidator(52)])
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"), blank=True, features=UNIT_BODY_FEATURES)
    wiki_page = models.CharField(
        _("wiki page"),
        max_length=255,
        blank=True,
        help_text=_("Title of the wiki page this unit is built from (optional)."),
    )

    panels = [
        FieldRowPanel([FieldPanel("week"), FieldPanel("title")]),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("wiki_page"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint(fields=["module", "week"], name="courses_unit_week_unique")]
        # Every wiki page view asks which units are built from it, by title in any case. Only the units
        # that name a page are indexed: with all the others in it as one value (""), ANALYZE let
        # SQLite judge the index useless and scan every module instead.
        indexes = [
            models.Index(Lower("wiki_page"), condition=~Q(wiki_page=""), name="courses_unit_named_wiki_page"),
        ]

    def __str__(self) -> str:
        return f"{self.week}. {self.title}"

    def opens_at(self, module: CourseModulePage | None = None) -> datetime.datetime:
        module = module or self.module
        return module.starts_at + datetime.timedelta(weeks=self.week - 1)


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("enrolled")
        WAITLISTED = "waitlisted", _("on the waitlist")
        WITHDRAWN = "withdrawn", _("withdrawn")
        COMPLETED = "completed", _("completed")

    LIVE = (Status.ACTIVE, Status.WAITLISTED, Status.COMPLETED)

    module = models.ForeignKey(CourseModulePage, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # A queue number, increasing per module; the position shown is the rank among those waiting.
    waitlist_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        permissions = [("view_roster", _("Can see the roster of every module"))]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "member"],
                condition=Q(status__in=["active", "waitlisted", "completed"]),
                name="courses_one_live_enrolment",
            ),
            models.UniqueConstraint(
                fields=["module", "waitlist_number"],
                condition=Q(status="waitlisted"),
                name="courses_unique_waitlist_number",
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_number__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_number__isnull=True)),
                name="courses_waitlist_number_iff_waitlisted",
            ),
        ]
        # A member's enrolments (dashboard, feeds); a module's enrolled members (places taken, waitlist).
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["module", "status"])]

    def __str__(self) -> str:
        return f"{self.member} – {self.module} ({self.status})"


class EnrolmentEvent(models.Model):
    """Append-only history of an enrolment; each row is mailed to the member at most once."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("enrolment confirmed")
        WAITLISTED = "waitlisted", _("put on the waitlist")
        PROMOTED = "promoted", _("promoted from the waitlist")
        WITHDRAWN = "withdrawn", _("withdrawn")
        COMPLETED = "completed", _("completed")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["mailed_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.kind}"


class UnitCompletion(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_completions")
    unit = models.ForeignKey(CourseUnit, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit completion")
        verbose_name_plural = _("unit completions")
        constraints = [models.UniqueConstraint(fields=["member", "unit"], name="courses_unit_done_once")]

    def __str__(self) -> str:
        return f"{self.member} – {self.unit}"
