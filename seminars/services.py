"""Writes of the seminars app: scheduling, joining, ending, recordings, settlement."""

import datetime
import hashlib
import hmac
import uuid
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import tasks
from .bbb import BBBClient
from .models import Attendance, Recording, Webinar
from .permissions import can_join, can_moderate

Status = Webinar.Status


class SeminarError(Exception):
    """A request the rules refuse; ``message`` is translated, ``status`` is the HTTP code."""

    def __init__(self, message, *, code: str, status: int = 409):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def local_to_utc(local: datetime.datetime, zone_name: str) -> datetime.datetime:
    """A wall-clock time in ``zone_name`` as UTC; refuses unknown zones and times that do not exist."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise SeminarError(
            _("“%(zone)s” is not a known time zone.") % {"zone": zone_name}, code="unknown_zone", status=400
        ) from error
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise SeminarError(
            _("%(time)s does not exist in %(zone)s (the clocks change that night). Choose another time.")
            % {"time": local.strftime("%Y-%m-%d %H:%M"), "zone": zone_name},
            code="nonexistent_time",
            status=400,
        )
    return aware.astimezone(datetime.UTC)


@transaction.atomic
def webinar_schedule(
    *,
    title: str,
    start_local: datetime.datetime,
    timezone_name: str,
    duration_minutes: int,
    tutors: list,
    created_by,
    module=None,
    unit=None,
    description: str = "",
    audience: str = Webinar.Audience.ENROLLED,
    record: bool = False,
    max_participants: int = 0,
    occurrences: int = 1,
    every_weeks: int = 1,
    translations: dict | None = None,
) -> list[Webinar]:
    """One session, or a series every ``every_weeks`` weeks at the same local time (across DST)."""
    if occurrences < 1 or every_weeks < 1 or duration_minutes < 1:
        raise SeminarError(_("Give at least one session, a week apart or more."), code="bad_series", status=400)
    starts = [
        local_to_utc(start_local + datetime.timedelta(weeks=every_weeks * n), timezone_name) for n in range(occurrences)
    ]
    series_id = uuid.uuid4() if occurrences > 1 else None
    webinars = []
    for n, starts_at in enumerate(starts):
        webinar = Webinar.objects.create(
            title=title,
            description=description,
            module=module,
            unit=unit if occurrences == 1 else _unit_of_week(module, n + 1),
            starts_at=starts_at,
            timezone=timezone_name,
            duration_minutes=duration_minutes,
            audience=audience,
            record=record,
            max_participants=max_participants,
            series_id=series_id,
            created_by=created_by,
            **(translations or {}),
        )
        webinar.tutors.set(tutors)
        webinars.append(webinar)
    return webinars


def _unit_of_week(module, week: int):
    return module.units.filter(week=week).first() if module else None


@transaction.atomic
def webinar_reschedule(
    *, webinar: Webinar, start_local: datetime.datetime, timezone_name: str, duration_minutes: int
) -> Webinar:
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if webinar.status != Status.SCHEDULED:
        raise SeminarError(_("Only a session that has not started can be moved."), code="not_scheduled")
    webinar.starts_at = local_to_utc(start_local, timezone_name)
    webinar.timezone, webinar.duration_minutes = timezone_name, duration_minutes
    webinar.sequence += 1
    webinar.save()
    tasks.notify_webinar_changed.delay_on_commit(webinar_id=webinar.id, sequence=webinar.sequence)
    return webinar


@transaction.atomic
def webinar_cancel(*, webinar: Webinar) -> Webinar:
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if webinar.status not in (Status.SCHEDULED, Status.RUNNING):
        raise SeminarError(_("This session has already ended or been cancelled."), code="not_cancellable")
    webinar.status = Status.CANCELLED
    webinar.sequence += 1
    webinar.save()
    tasks.notify_webinar_changed.delay_on_commit(webinar_id=webinar.id, sequence=webinar.sequence)
    return webinar


def end_callback_signature(meeting_id) -> str:
    """HMAC of the meeting id: BBB calls back the URL we gave it, and nobody else can forge it."""
    return hmac.new(settings.SECRET_KEY.encode(), f"bbb-end:{meeting_id}".encode(), hashlib.sha256).hexdigest()


def _create_meeting(webinar: Webinar, client: BBBClient) -> None:
    end_url = reverse("seminars_callbacks:end", args=[webinar.meeting_id])
    meeting = client.create(
        str(webinar.meeting_id),
        webinar.title,
        record=webinar.record,
        max_participants=webinar.max_participants,
        duration=webinar.duration_minutes + 60,
        logout_url=settings.SITE_URL + reverse("seminars:detail", args=[webinar.pk]),
        meta={
            "endCallbackUrl": f"{settings.SITE_URL}{end_url}?signature={end_callback_signature(webinar.meeting_id)}",
            "bbb-recording-ready-url": settings.SITE_URL + reverse("seminars_callbacks:recording_ready"),
        },
    )
    webinar.bbb_create_time = str(meeting.create_time)
    webinar.status = Status.RUNNING


@transaction.atomic
def webinar_join(*, webinar: Webinar, user, guest_name: str = "", now: datetime.datetime | None = None) -> str:
    """Check who may enter, start the meeting on a moderator's click, and make a join URL.

    The URL is a bearer secret for this one request: it is returned to be redirected to and
    never stored, logged or sent anywhere else.
    """
    now = now or timezone.now()
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if webinar.status == Status.CANCELLED:
        raise SeminarError(_("This session has been cancelled."), code="cancelled", status=410)
    if webinar.status == Status.ENDED:
        raise SeminarError(_("This session has ended."), code="ended", status=410)
    if not can_join(user, webinar):
        raise SeminarError(_("This session is only for members enrolled in its module."), code="forbidden", status=403)
    moderator = can_moderate(user, webinar)
    if now < webinar.opens_at and not moderator:
        raise SeminarError(_("The room is not open yet."), code="not_open", status=403)
    client = BBBClient.from_settings()
    if webinar.status == Status.SCHEDULED and not moderator:
        raise SeminarError(_("The tutor has not started the session yet."), code="waiting", status=409)
    if moderator:
        # create is idempotent: the same createTime while the meeting runs, a new one if BBB
        # restarted and forgot it, so a tutor always gets back in.
        _create_meeting(webinar, client)
        webinar.save(update_fields=["bbb_create_time", "status", "updated_at"])
    if user.is_authenticated:
        user_key, full_name = str(user.pk), str(user)
    else:
        user_key, full_name = f"guest-{uuid.uuid4().hex[:12]}", guest_name
    role = "MODERATOR" if moderator else "VIEWER"
    Attendance.objects.get_or_create(
        webinar=webinar,
        user_key=user_key,
        defaults={
            "member": user if user.is_authenticated else None,
            "full_name": full_name,
            "role": role,
            "joined_at": now,
            "last_seen_at": now,
        },
    )
    return client.join_url(
        str(webinar.meeting_id), full_name, role=role, user_id=user_key, create_time=webinar.bbb_create_time
    )


@transaction.atomic
def webinar_end(*, webinar: Webinar, now: datetime.datetime | None = None) -> bool:
    """Mark the session ended (from BBB's callback or the poller) and settle it; True if it changed."""
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if webinar.status != Status.RUNNING:
        return False
    webinar.status, webinar.ended_at = Status.ENDED, now or timezone.now()
    webinar.save(update_fields=["status", "ended_at", "updated_at"])
    webinar.attendances.filter(last_seen_at__lt=webinar.ended_at).update(last_seen_at=webinar.ended_at)
    tasks.settle_webinar.delay_on_commit(webinar_id=webinar.id)
    return True


@transaction.atomic
def attendance_sync(*, webinar: Webinar, attendees, now: datetime.datetime | None = None) -> None:
    """Record who BBB says is in the room now (polled while the session runs)."""
    now = now or timezone.now()
    for attendee in attendees:
        attendance, created = Attendance.objects.get_or_create(
            webinar=webinar,
            user_key=attendee.user_id,
            defaults={"full_name": attendee.full_name, "role": attendee.role, "joined_at": now, "last_seen_at": now},
        )
        if not created:
            Attendance.objects.filter(pk=attendance.pk).update(last_seen_at=now)


def recordings_sync(*, webinar: Webinar, recordings) -> int:
    """Store the recordings BBB reports; the record id is unique, so repeats add nothing."""
    added = 0
    for recording in recordings:
        _obj, created = Recording.objects.update_or_create(
            record_id=recording.record_id,
            defaults={
                "webinar": webinar,
                "published": recording.published,
                "playback_url": recording.playback_url or "",
                "started_at": recording.start_time,
                "ended_at": recording.end_time,
            },
        )
        added += created
    return added


def recording_publish(*, recording: Recording, publish: bool) -> None:
    BBBClient.from_settings().publish_recordings([recording.record_id], publish)
    recording.published = publish
    recording.save(update_fields=["published"])


def recording_delete(*, recording: Recording) -> None:
    BBBClient.from_settings().delete_recordings([recording.record_id])
    recording.delete()


@transaction.atomic
def webinar_settle(*, webinar_id: int) -> bool:
    """Run the settlement hooks once per ended session (tutor credits and the like)."""
    webinar = Webinar.objects.select_for_update().get(pk=webinar_id)
    if webinar.status != Status.ENDED or webinar.settled_at:
        return False
    for path in getattr(settings, "SEMINARS_SETTLEMENT_HOOKS", []):
        import_string(path)(webinar=webinar)
    webinar.settled_at = timezone.now()
    webinar.save(update_fields=["settled_at"])
    return True
