"""Demo sessions: Module 1's weekly sessions, a bi-weekly research meeting, a drop-in open now."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import CourseModulePage

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
