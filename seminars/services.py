"""Writes of the seminars app: scheduling, joining, ending, recordings, settlement."""

import datetime
import hashlib
import hmac
import logging
import uuid
import zoneinfo
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname

from suite.links import absolute_url
from suite.moments import moment_text
from suite.tasks import enqueue_on_commit

from . import ics, tasks
from .bbb import BBBClient
from .conf import app_settings, bbb_settings
from .errors import CallbackError, JoinError, ScheduleError
from .models import Attendance, CalendarFeed, Notice, Recording, Webinar, new_calendar_token
from .permissions import can_join, can_moderate

Status = Webinar.Status

logger = logging.getLogger(__name__)

# The longest name a guest may give (BBB shows it to everyone in the room).
GUEST_NAME_LENGTH = 100


def local_to_utc(local: datetime.datetime, zone_name: str) -> datetime.datetime:
    """A wall-clock time in ``zone_name`` as UTC; refuses unknown zones and times that do not exist."""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ScheduleError(
            _("“%(zone)s” is not a known time zone.") % {"zone": zone_name}, code="unknown_zone"
        ) from error
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise ScheduleError(
            _("%(time)s does not exist in %(zone)s (the clocks change that night). Choose another time.")
            % {"time": moment_text(local, zone=False, relative=False), "zone": zone_name},
            code="nonexistent_time",
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
    audience_group: str = "",
    record: bool = False,
    max_participants: int = 0,
    occurrences: int = 1,
    every_weeks: int = 1,
    translations: dict | None = None,
) -> list[Webinar]:
    """One session, or a series every ``every_weeks`` weeks at the same local time (across DST).

    A group's meeting (audience GROUP) names its group by key (``audience_group``, e.g. "space:12")
    and belongs to no module: its audience is the group's, never a module's.
    """
    if occurrences < 1 or every_weeks < 1 or duration_minutes < 1:
        raise ScheduleError(_("Give at least one session, a week apart or more."), code="bad_series")
    if audience == Webinar.Audience.GROUP:
        if not audience_group or len(audience_group) > Webinar._meta.get_field("audience_group").max_length:
            raise ScheduleError(_("A meeting for the members of a group must name the group."), code="no_group")
        if module is not None:
            raise ScheduleError(_("A meeting of a group cannot belong to a module."), code="group_with_module")
    elif audience_group:
        raise ValueError("audience_group is only for a meeting whose audience is GROUP")
    starts = [
        local_to_utc(start_local + datetime.timedelta(weeks=every_weeks * n), timezone_name) for n in range(occurrences)
    ]
    series_id = uuid.uuid4() if occurrences > 1 else None
    # ``title`` is the title in modeltranslation's default language, whatever language is active
    # (modeltranslation would put it in the active one's field), unless the translations say it.
    translations = {build_localized_fieldname("title", DEFAULT_LANGUAGE): title, **(translations or {})}
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
            audience_group=audience_group,
            record=record,
            max_participants=max_participants,
            series_id=series_id,
            created_by=created_by,
            **translations,
        )
        webinar.tutors.set(tutors)
        webinars.append(webinar)
    return webinars


def _unit_of_week(module, week: int):
    return module.units.filter(week=week).first() if module else None


@transaction.atomic
def webinar_reschedule(
    *,
    webinar: Webinar,
    start_local: datetime.datetime,
    timezone_name: str,
    duration_minutes: int,
    tutors: list | None = None,
) -> Webinar:
    """A new time (and, with ``tutors``, new tutors): one new version of the session, told to everyone concerned."""
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if webinar.status != Status.SCHEDULED:
        raise ScheduleError(_("Only a session that has not started can be moved."), code="not_scheduled")
    webinar.starts_at = local_to_utc(start_local, timezone_name)
    webinar.timezone, webinar.duration_minutes = timezone_name, duration_minutes
    webinar.sequence += 1
    webinar.save()
    if tutors is not None:
        webinar.tutors.set(tutors)
    enqueue_on_commit(tasks.notify_webinar_changed, webinar_id=webinar.id, sequence=webinar.sequence)
    return webinar


@transaction.atomic
def webinar_cancel(*, webinar: Webinar) -> Webinar:
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if webinar.status not in (Status.SCHEDULED, Status.RUNNING):
        raise ScheduleError(_("This session has already ended or been cancelled."), code="not_cancellable")
    webinar.status = Status.CANCELLED
    webinar.sequence += 1
    webinar.save()
    enqueue_on_commit(tasks.notify_webinar_changed, webinar_id=webinar.id, sequence=webinar.sequence)
    return webinar


def end_callback_signature(meeting_id, meeting_number=1) -> str:
    """HMAC of the meeting id and number: BBB calls back the URL we gave it, and nobody else can forge it.

    Each BBB meeting of a session has its own, so a signature seen once (in a log, say) ends no
    later meeting of a reopened session.
    """
    message = f"bbb-end:{meeting_id}:{meeting_number}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def end_callback_url(webinar: Webinar, meeting_number: int) -> str:
    """Where BBB reports the end of the session's meeting ``meeting_number`` (a GET: BBB can send nothing else)."""
    query = urlencode(
        {"meeting": meeting_number, "signature": end_callback_signature(webinar.meeting_id, meeting_number)}
    )
    return absolute_url(f"{reverse('seminars_callbacks:end', args=[webinar.meeting_id])}?{query}")


def _create_meeting(webinar: Webinar, client: BBBClient) -> None:
    # The URL names the next meeting: BBB keeps it only if it creates a new meeting (a reopening,
    # a restarted BBB), and answers a running one's create with that meeting's createTime and URL.
    number = webinar.bbb_meeting_number + 1
    meeting = client.create(
        str(webinar.meeting_id),
        webinar.title,
        record=webinar.record,
        max_participants=webinar.max_participants,
        duration=webinar.duration_minutes + 60,
        logout_url=absolute_url(reverse("seminars:detail", args=[webinar.pk])),
        meta={
            "endCallbackUrl": end_callback_url(webinar, number),
            "bbb-recording-ready-url": absolute_url(reverse("seminars_callbacks:recording_ready")),
        },
    )
    if str(meeting.create_time) != webinar.bbb_create_time:
        webinar.bbb_create_time, webinar.bbb_meeting_number = str(meeting.create_time), number
    webinar.status = Status.RUNNING


@transaction.atomic
def webinar_join(
    *, webinar: Webinar, user, guest_name: str = "", consent: bool = False, now: datetime.datetime | None = None
) -> str:
    """Check who may enter, start the meeting on a moderator's click, and make a join URL.

    A guest (a visitor to a public session) must give a name, and everyone must agree to a
    recorded session's recording. The URL is a bearer secret for this one request: it is
    returned to be redirected to and never stored, logged or sent anywhere else.
    """
    guest_name = guest_name.strip()[:GUEST_NAME_LENGTH]
    if not user.is_authenticated and not guest_name:
        raise JoinError(_("Please give the name others will see."), code="no_name")
    now = now or timezone.now()
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if webinar.record and not consent:
        raise JoinError(_("This session is recorded: please confirm that you agree before joining."), code="no_consent")
    if webinar.status == Status.CANCELLED:
        raise JoinError(_("This session has been cancelled."), code="cancelled")
    if webinar.status == Status.ENDED:  # until its tutor reopens it (webinar_reopen)
        raise JoinError(_("This session has ended."), code="ended")
    if not can_join(user, webinar):
        if webinar.audience == Webinar.Audience.GROUP:
            raise JoinError(_("This meeting is only for the members of its group."), code="forbidden")
        raise JoinError(_("This session is only for members enrolled in its module."), code="forbidden")
    moderator = can_moderate(user, webinar)
    if now < webinar.opens_at and not moderator:
        raise JoinError(_("The room is not open yet."), code="not_open")
    client = BBBClient.from_settings()
    if webinar.status == Status.SCHEDULED and not moderator:
        raise JoinError(_("The tutor has not started the session yet."), code="waiting")
    if moderator:
        # create is idempotent: the same createTime while the meeting runs, a new one if BBB
        # restarted and forgot it, so a tutor always gets back in.
        _create_meeting(webinar, client)
        webinar.save(update_fields=["bbb_create_time", "bbb_meeting_number", "status", "updated_at"])
    if user.is_authenticated:
        user_key, full_name = str(user.pk), str(user)
    else:
        user_key, full_name = f"guest-{uuid.uuid4().hex[:12]}", guest_name
    role = "MODERATOR" if moderator else "VIEWER"
    attendance, created = Attendance.objects.get_or_create(
        webinar=webinar,
        user_key=user_key,
        defaults={
            "member": user if user.is_authenticated else None,
            "full_name": full_name,
            "role": role,
            "joined_at": now,
            "last_seen_at": now,
            "meeting_joined_at": now,
        },
    )
    if not created and attendance.meeting_joined_at is None:  # back in a reopened session
        Attendance.objects.filter(pk=attendance.pk).update(meeting_joined_at=now, last_seen_at=now)
    return client.join_url(
        str(webinar.meeting_id), full_name, role=role, user_id=user_key, create_time=webinar.bbb_create_time
    )


@transaction.atomic
def webinar_reopen(*, webinar: Webinar, user, consent: bool = False, now: datetime.datetime | None = None) -> str:
    """Open again a session that BBB ended before its time (a dropped network, a moderator who left).

    Only its tutors and coordinators, and only while its time slot lasts: afterwards "ended" is
    final. BBB makes a new meeting under the same id. Everyone's minutes so far are kept and those
    who come back add to them; the settlement runs again at the new end, and its hooks add only
    what is new. Returns the tutor's join URL, a bearer secret as webinar_join's.
    """
    now = now or timezone.now()
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if not can_moderate(user, webinar):
        raise JoinError(_("Only the session's tutors and coordinators can reopen it."), code="forbidden")
    if webinar.status != Status.ENDED:
        raise JoinError(_("Only a session that has ended can be reopened."), code="not_ended")
    if not webinar.reopenable(now):
        raise JoinError(_("This session has ended and its time is over: it cannot be reopened."), code="ended")
    present = list(webinar.attendances.filter(meeting_joined_at__isnull=False))
    for attendance in present:
        attendance.earlier_minutes, attendance.meeting_joined_at = attendance.minutes, None
    Attendance.objects.bulk_update(present, ["earlier_minutes", "meeting_joined_at"])
    webinar.status, webinar.ended_at, webinar.settled_at = Status.RUNNING, None, None
    webinar.save(update_fields=["status", "ended_at", "settled_at", "updated_at"])
    # The tutor's join creates the new meeting; if BBB or the consent fails, all of this is undone.
    return webinar_join(webinar=webinar, user=user, consent=consent, now=now)


@transaction.atomic
def webinar_end(*, webinar: Webinar, now: datetime.datetime | None = None, meeting_number: int | None = None) -> bool:
    """Mark the session ended (from BBB's callback or the poller) and settle it; True if it changed.

    ``meeting_number`` names the BBB meeting that ended, when known: the end of an earlier meeting
    of a reopened session ends nothing.
    """
    webinar = Webinar.objects.select_for_update().get(pk=webinar.pk)
    if webinar.status != Status.RUNNING:
        return False
    if meeting_number is not None and meeting_number != webinar.bbb_meeting_number:
        return False
    webinar.status, webinar.ended_at = Status.ENDED, now or timezone.now()
    webinar.save(update_fields=["status", "ended_at", "updated_at"])
    # Those in the meeting stayed to its end (the poll sees them only every minute).
    webinar.attendances.filter(meeting_joined_at__isnull=False, last_seen_at__lt=webinar.ended_at).update(
        last_seen_at=webinar.ended_at
    )
    enqueue_on_commit(tasks.settle_webinar, webinar_id=webinar.id)
    return True


def end_callback_receive(*, meeting_id: uuid.UUID, meeting_number: str, signature: str) -> bool:
    """BBB's call at a meeting's end: only with our signature of that meeting; True if the session ended now."""
    if not constant_time_compare(signature, end_callback_signature(meeting_id, meeting_number)):
        raise CallbackError("bad signature", code="bad_signature")
    webinar = Webinar.objects.filter(meeting_id=meeting_id).first()
    if webinar is None:
        raise CallbackError("unknown meeting", code="unknown_meeting")
    return webinar_end(webinar=webinar, meeting_number=int(meeting_number))


@transaction.atomic
def attendance_sync(*, webinar: Webinar, attendees, now: datetime.datetime | None = None) -> None:
    """Record who BBB says is in the room now (polled while the session runs)."""
    now = now or timezone.now()
    for attendee in attendees:
        attendance, created = Attendance.objects.get_or_create(
            webinar=webinar,
            user_key=attendee.user_id,
            defaults={
                "full_name": attendee.full_name,
                "role": attendee.role,
                "joined_at": now,
                "last_seen_at": now,
                "meeting_joined_at": now,
            },
        )
        if not created:
            Attendance.objects.filter(pk=attendance.pk).update(
                last_seen_at=now, meeting_joined_at=Coalesce("meeting_joined_at", Value(now))
            )


def recordings_sync(*, webinar: Webinar, recordings) -> int:
    """Store the recordings BBB reports; the record id is unique, so repeats add nothing.

    Each new recording runs the recording hooks in the transaction that stores it: a hook that
    fails leaves the recording unstored, for the next callback or poll, and a stored one never
    runs them again.
    """
    added = 0
    for recording in recordings:
        with transaction.atomic():
            stored, created = Recording.objects.update_or_create(
                record_id=recording.record_id,
                defaults={
                    "webinar": webinar,
                    "published": recording.published,
                    "playback_url": recording.playback_url or "",
                    "started_at": recording.start_time,
                    "ended_at": recording.end_time,
                },
            )
            if created:
                for path in app_settings.RECORDING_HOOKS:
                    import_string(path)(recording=stored)
        added += created
    return added


def recording_ready_receive(*, signed_parameters: str) -> int:
    """BBB's call once a recording is ready: a JWT (HS256, our shared secret) naming the meeting.

    The recordings themselves are asked of BBB, not taken from the call; raises BBBError when BBB
    cannot say (it calls again, and the poller catches up). Returns how many recordings are new.
    """
    try:
        claims = jwt.decode(signed_parameters, bbb_settings.SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        raise CallbackError("bad token", code="bad_token") from None
    try:
        webinar = Webinar.objects.filter(meeting_id=uuid.UUID(str(claims.get("meeting_id")))).first()
    except ValueError:
        webinar = None
    if webinar is None:
        raise CallbackError("unknown meeting", code="unknown_meeting")
    return recordings_sync(
        webinar=webinar, recordings=BBBClient.from_settings().get_recordings(str(webinar.meeting_id))
    )


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
    for path in app_settings.SETTLEMENT_HOOKS:
        import_string(path)(webinar=webinar)
    webinar.settled_at = timezone.now()
    webinar.save(update_fields=["settled_at"])
    return True


def webinars_settle_pending() -> int:
    """Settle every ended session not yet settled, e.g. one whose settle task the broker lost; how many now.

    Run beside the settle task or another sweep, each session is still settled once: webinar_settle
    locks it first. A session whose hooks fail is left for the next sweep, and the others go on.
    """
    pending = Webinar.objects.filter(status=Status.ENDED, settled_at__isnull=True).order_by("ended_at")
    settled = 0
    for webinar_id in list(pending.values_list("pk", flat=True)):
        try:
            settled += webinar_settle(webinar_id=webinar_id)
        except Exception:
            logger.exception("Settling session %s failed; the next sweep tries again", webinar_id)
    return settled


def calendar_feed_get_or_create(*, member) -> CalendarFeed:
    """The member's personal calendar feed, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(member=member)
    return feed


@transaction.atomic
def calendar_feed_renew(*, member) -> CalendarFeed:
    """A new secret address for the member's feed: the old one stops working at once."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(member=member)
    _forget_feed(feed.token)
    feed.token = new_calendar_token()
    feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, member) -> None:
    """No personal feed any more: its address answers 404, and a new one is made only on the member's request."""
    for feed in CalendarFeed.objects.select_for_update().filter(member=member):
        _forget_feed(feed.token)
        feed.delete()


def _forget_feed(token: str) -> None:
    """Drop the kept copies of the feed at ``token``'s address, in every language: they name the member.

    Only the address without a query string is known here; any other copy expires within a day.
    """
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths.append(reverse("seminars:member_ics", args=[token]))
    cache.delete_many({ics.feed_cache_key(path) for path in paths})


@transaction.atomic
def member_leave(*, member, pseudonym: str) -> None:
    """A member closes their account: what seminars keeps of them stops naming them or acting for them.

    Their personal calendar feed is revoked. Their attendance stays, minutes and all (the session's
    record of who took part), but named by ``pseudonym`` instead of the copy of their name BBB was
    given. They stop tutoring the sessions still to come, nor count as the one who scheduled them
    (an edit keeps that one a tutor); sessions past keep their tutors, as history. What was noted of
    the reminders of sessions still to come goes: nothing more is mailed to them.
    """
    calendar_feed_revoke(member=member)
    Attendance.objects.filter(member=member).update(full_name=pseudonym)
    to_come = Webinar.objects.filter(status__in=[Status.SCHEDULED, Status.RUNNING])
    Webinar.tutors.through.objects.filter(user=member, webinar__in=to_come).delete()
    to_come.filter(created_by=member).update(created_by=None)
    Notice.objects.filter(member=member, webinar__in=to_come).delete()


def attendance_details_clear(*, before: datetime.datetime, batch_size: int = 500) -> int:
    """Forget the details of the attendance last seen before ``before``; the minutes stay. How many rows.

    The details are when each one came and went (joined, last seen, in the current meeting) and
    the copy of the name BBB was given: the times become the session's start and the name goes
    (a member is named by their row, as the attendance list does; a guest by nothing now). The
    minutes are kept, as ``earlier_minutes``: the session's record of who took part, and for how
    long. For the retention a host runs daily: in batches of ``batch_size``, each its own
    transaction, and a row done (no name, no current meeting) is not read again, so a second run
    changes nothing.
    """
    to_clear = (
        Attendance.objects.filter(last_seen_at__lt=before)
        .exclude(webinar__status=Status.RUNNING)
        .exclude(full_name="", meeting_joined_at=None)
        .select_related("webinar")
        .only("earlier_minutes", "meeting_joined_at", "last_seen_at", "webinar__starts_at")
        .order_by("pk")
    )
    cleared = 0
    while True:
        with transaction.atomic():
            rows = list(to_clear.select_for_update(of=("self",))[:batch_size])
            for row in rows:
                row.earlier_minutes, row.meeting_joined_at = row.minutes, None
                row.joined_at = row.last_seen_at = row.webinar.starts_at
                row.full_name = ""
            fields = ["earlier_minutes", "meeting_joined_at", "joined_at", "last_seen_at", "full_name"]
            Attendance.objects.bulk_update(rows, fields)
        cleared += len(rows)
        if len(rows) < batch_size:
            return cleared
