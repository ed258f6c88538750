import datetime
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import CourseModulePage, CourseUnit

ROOM_OPENS_BEFORE = datetime.timedelta(minutes=10)


class Webinar(models.Model):
    """One live session on BigBlueButton.

    The start is stored in UTC together with the organiser's zone, so a series keeps its local
    time across daylight-saving changes and calendars show it in that zone.
    """

    class Audience(models.TextChoices):
        ENROLLED = "enrolled", _("members enrolled in the module")
        MEMBERS = "members", _("all members")
        PUBLIC = "public", _("anyone, with a name")
        # A group's meeting (e.g. a space's): who belongs is the SEMINARS_AUDIENCES provider's answer.
        GROUP = "group", _("members of a group")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        RUNNING = "running", _("running")
        ENDED = "ended", _("ended")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    module = models.ForeignKey(
        CourseModulePage,
        verbose_name=_("module"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webinars",
    )
    unit = models.ForeignKey(
        CourseUnit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="webinars"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    timezone = models.CharField(_("time zone"), max_length=64)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=120)
    tutors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("tutors"), related_name="tutored_webinars")
    audience = models.CharField(_("who may join"), max_length=10, choices=Audience.choices, default=Audience.ENROLLED)
    # The group's opaque key ("space:12") when audience is GROUP, else "": stored, never interpreted.
    audience_group = models.CharField(_("group"), max_length=64, blank=True, db_index=True)
    record = models.BooleanField(_("record the session"), default=False)
    max_participants = models.PositiveIntegerField(_("maximum participants"), default=0, help_text=_("0: no limit"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    meeting_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    series_id = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    # BBB's createTime of the running meeting: joins must name it. Not a secret.
    bbb_create_time = models.CharField(max_length=20, blank=True)
    # Which of the session's BBB meetings that is (a new one after a reopening or a BBB restart): its
    # end callback names it, so that the late callback of an earlier meeting ends no later one.
    bbb_meeting_number = models.PositiveIntegerField(default=0, editable=False)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: raised on every change")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["starts_at", "id"]
        permissions = [("manage_webinars", _("Can schedule and manage every live session"))]
        # The sessions still to come, overall (session list, reminders) and of one module (module page, feeds).
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["module", "status", "starts_at"]),
            # The session list reads each audience on its own in start order (selectors._merged_page):
            # the index gives that order, which a status between audience and start could not (IN).
            models.Index(fields=["audience", "starts_at"], name="seminars_audience_start"),
            # The settlement sweep's few sessions among every past one (services.webinars_settle_pending).
            models.Index(
                fields=["ended_at"],
                condition=models.Q(status="ended", settled_at__isnull=True),
                name="seminars_unsettled",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def opens_at(self) -> datetime.datetime:
        return self.starts_at - ROOM_OPENS_BEFORE

    @property
    def local_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(self.zone)

    def reopenable(self, now: datetime.datetime) -> bool:
        """Ended while its time slot still runs (BBB dropped it, the moderator left): its tutors may open it again."""
        return self.status == self.Status.ENDED and now < self.ends_at


class Attendance(models.Model):
    """Who was in the room, from when, for how long (from joins and from polling BBB).

    A reopened session is a second BBB meeting: the minutes of the earlier ones are kept in
    ``earlier_minutes``, so that the time between the meetings is never counted.
    """

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances"
    )
    # The userID given to BBB: the member's id, or "guest-…" for a public guest.
    user_key = models.CharField(max_length=64)
    full_name = models.CharField(max_length=255)
    role = models.CharField(max_length=10)
    joined_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    # When they came into the current meeting; None after a reopening until they come back.
    meeting_joined_at = models.DateTimeField(null=True, blank=True)
    earlier_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["webinar", "user_key"], name="seminars_one_attendance_per_user")]
        ordering = ["joined_at"]

    def __str__(self) -> str:
        return f"{self.full_name} in {self.webinar}"

    @property
    def minutes(self) -> int:
        """Minutes in the room over all the session's meetings."""
        if self.meeting_joined_at is None:
            return self.earlier_minutes
        return self.earlier_minutes + max(0, round((self.last_seen_at - self.meeting_joined_at).total_seconds() / 60))


class Recording(models.Model):
    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="recordings")
    record_id = models.CharField(max_length=128, unique=True)
    published = models.BooleanField(default=True)
    playback_url = models.URLField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return self.record_id


class Notice(models.Model):
    """A mail sent to a member about a session (reminder, change): the unique row means never twice."""

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="notices")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # "24h@<sequence>", "1h@<sequence>", "changed@<sequence>"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session notice")
        verbose_name_plural = _("session notices")
        constraints = [
            models.UniqueConstraint(fields=["webinar", "member", "kind"], name="seminars_one_notice_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} notice of {self.webinar} to {self.member}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret token of a member's personal calendar feed; regenerating it revokes old links."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar of {self.member}"
