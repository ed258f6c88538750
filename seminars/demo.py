"""Demo sessions: Module 1's weekly sessions, a bi-weekly research meeting, a drop-in open now."""

import datetime
import uuid
import zoneinfo

from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from courses.demo import SCALED_SLUG_PREFIX
from courses.models import CourseModulePage, CourseUnit

from .models import Webinar
from .services import webinar_schedule

WEEKLY = {"title_en": "Module 1: weekly live session", "title_tr": "Modül 1: haftalık canlı oturum"}
RESEARCH = {
    "title_en": "Co-operations Research Unit: bi-weekly meeting",
    "title_tr": "Kooperasyon Araştırma Birimi: iki haftada bir toplantı",
    "description_en": (
        "Working group: P2P and Commons Critique of Great Transformation: From Industrial Disciplinary "
        "Global Capitalism to Trans-Human Zombie Informationalism."
    ),
}
DROP_IN = {"title_en": "Module 1: drop-in session (open now)", "title_tr": "Modül 1: açık oturum (şimdi açık)"}


def _schedule_once(marker: dict, **kwargs) -> None:
    if not Webinar.objects.filter(title_en=marker["title_en"]).exists():
        webinar_schedule(title=marker["title_en"], translations=marker, **kwargs)


def load_demo(*, scale: int, stdout) -> None:
    User = get_user_model()
    tutor, researcher = User.objects.get(username="tutor"), User.objects.get(username="researcher")
    module = CourseModulePage.objects.get(slug_en="module-1")
    _schedule_once(
        WEEKLY,
        start_local=datetime.datetime.combine(module.start_date, datetime.time(16, 0)),
        timezone_name="Europe/Istanbul",
        duration_minutes=120,
        tutors=[tutor],
        created_by=tutor,
        module=module,
        occurrences=module.weeks,
        record=True,
    )
    today = timezone.localdate()
    _schedule_once(
        RESEARCH,
        start_local=datetime.datetime.combine(
            today + datetime.timedelta(days=(3 - today.weekday()) % 7 or 7), datetime.time(16, 0)
        ),
        timezone_name="Europe/Berlin",
        duration_minutes=90,
        tutors=[researcher],
        created_by=researcher,
        audience=Webinar.Audience.MEMBERS,
        occurrences=6,
        every_weeks=2,
    )
    now = timezone.now().astimezone(datetime.UTC).replace(second=0, microsecond=0, tzinfo=None)
    _schedule_once(
        DROP_IN,
        start_local=now,
        timezone_name="UTC",
        duration_minutes=120,
        tutors=[tutor],
        created_by=tutor,
        module=module,
    )
    stdout.write("Seminars: seven weekly sessions, a bi-weekly research meeting, a drop-in open now.")
    if scale:
        created = ensure_scaled_webinars(now=timezone.now())
        stdout.write(f"Seminars: {created} sessions added to the scaled modules.")


# --- load_demo --scale N: 20 sessions for each scaled module (DESIGN §5: 20k at N=100) -----------
SCALED_SESSIONS = 20
# Three a week (Monday, Wednesday, Friday at 16:00 in the cohort's zone) until twenty are set.
SCALED_DAYS = [7 * week + day for week in range(7) for day in (0, 2, 4)][:SCALED_SESSIONS]
SCALED_NAMESPACE = uuid.UUID("6f1f4f55-52b5-4c0e-9d4a-2f6b51f3b6a1")


def scaled_webinars(module: dict, tutor_ids: list[int], units: dict[int, int], now: datetime.datetime):
    """The module's twenty sessions, taught by its tutors: the first open to the public, past ones ended."""
    zone = zoneinfo.ZoneInfo(module["timezone"])
    for number, day in enumerate(SCALED_DAYS):
        local = datetime.datetime.combine(module["start_date"] + datetime.timedelta(days=day), datetime.time(16))
        starts_at = local.replace(tzinfo=zone).astimezone(datetime.UTC)
        ended = starts_at + datetime.timedelta(minutes=120) <= now
        title_en, title_tr = (
            f"{module['title_en']}: session {number + 1}",
            f"{module['title_tr']}: {number + 1}. oturum",
        )
        yield Webinar(
            title=title_en,
            title_en=title_en,
            title_tr=title_tr,
            module_id=module["pk"],
            unit_id=units.get(day // 7 + 1),
            starts_at=starts_at,
            timezone=module["timezone"],
            duration_minutes=120,
            audience=Webinar.Audience.PUBLIC if number == 0 else Webinar.Audience.ENROLLED,
            record=True,
            status=Webinar.Status.ENDED if ended else Webinar.Status.SCHEDULED,
            ended_at=starts_at + datetime.timedelta(minutes=120) if ended else None,
            meeting_id=uuid.uuid5(SCALED_NAMESPACE, f"{module['slug_en']}:{number}"),
            created_by_id=tutor_ids[0] if tutor_ids else None,
        )


def ensure_scaled_webinars(*, now: datetime.datetime) -> int:
    """Sessions for the scaled modules that have none yet, bulk inserted; returns how many."""
    modules = list(
        CourseModulePage.objects.filter(slug_en__startswith=SCALED_SLUG_PREFIX, webinars__isnull=True)
        .order_by("slug_en")
        .values("pk", "slug_en", "title_en", "title_tr", "start_date", "timezone")
    )
    ids = [module["pk"] for module in modules]
    tutors: dict[int, list[int]] = {}
    for module_id, user_id in CourseModulePage.tutors.through.objects.filter(coursemodulepage_id__in=ids).values_list(
        "coursemodulepage_id", "user_id"
    ):
        tutors.setdefault(module_id, []).append(user_id)
    units: dict[int, dict[int, int]] = {}
    for module_id, week, pk in CourseUnit.objects.filter(module_id__in=ids).values_list("module_id", "week", "pk"):
        units.setdefault(module_id, {})[week] = pk
    with translation.override("en"):
        planned = [
            webinar
            for module in modules
            for webinar in scaled_webinars(module, tutors.get(module["pk"], []), units.get(module["pk"], {}), now)
        ]
    webinars = Webinar.objects.bulk_create(planned, batch_size=2000)
    Tutors = Webinar.tutors.through
    Tutors.objects.bulk_create(
        [
            Tutors(webinar_id=webinar.pk, user_id=user_id)
            for webinar in webinars
            for user_id in tutors.get(webinar.module_id, [])
        ],
        batch_size=5000,
    )
    return len(webinars)
