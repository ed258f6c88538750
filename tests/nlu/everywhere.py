"""A member with data in every app of the site, made through the apps' own services on the demo.

Their names are ones no demo text holds, so a test can look for them in a dump of everything:
``NEEDLES`` are what must be gone once the account is closed.
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from courses.models import CourseModulePage, Enrolment
from courses.services import enrolment_create, unit_complete
from seminars.models import Attendance, Recording, Webinar
from seminars.services import calendar_feed_get_or_create
from spaces.models import Space
from spaces.services import space_join
from tests.factories import UserFactory
from timebank.models import Transfer
from timebank.services import account_for, commons_account, exchange_request_create, offer_create, transfer_create
from wiki.models import WikiPage
from wiki.services import page_create, page_save

IDENTITY = {
    "username": "zelihaoktay",
    "email": "zeliha.oktay@example.org",
    "first_name": "Zeliha",
    "last_name": "Oktaybeyli",
    "display_name": "Zeliha Oktaybeyli",
}
NEEDLES = ("zelihaoktay", "zeliha.oktay@example.org", "Zeliha", "Oktaybeyli")


def member_everywhere() -> SimpleNamespace:
    """Needs the demo (the ``demo`` fixture). The member holds the last place of a full module
    with someone waiting, has progress, attended and was recorded, has a calendar feed, hours,
    a post and a waiting request both ways, wiki revisions and a space membership."""
    member = UserFactory(**IDENTITY, language="tr", timezone="Europe/Istanbul")
    module = CourseModulePage.objects.live().order_by("path").first()
    module.capacity = module.enrolments.filter(status=Enrolment.Status.ACTIVE).count() + 1
    module.save(update_fields=["capacity"])
    enrolment_create(module=module, member=member)
    waiting = UserFactory(username="waitingmember")
    enrolment_create(module=module, member=waiting)
    unit = module.units.get(week=1)
    unit_complete(module=module, member=member, week=1, now=unit.opens_at(module))

    webinar = Webinar.objects.filter(module=module).order_by("starts_at").first()
    now = timezone.now()
    Attendance.objects.create(
        webinar=webinar,
        member=member,
        user_key=str(member.pk),
        full_name=IDENTITY["display_name"],
        role="VIEWER",
        joined_at=now - datetime.timedelta(minutes=50),
        last_seen_at=now,
        meeting_joined_at=now - datetime.timedelta(minutes=50),
    )
    Recording.objects.create(webinar=webinar, record_id="rec-everywhere-1", started_at=now, ended_at=now)
    calendar_feed_get_or_create(member=member)

    account, helper = account_for(member), UserFactory(username="helpermember")
    transfer_create(
        payer=commons_account(),
        payee=account,
        minutes=180,
        kind=Transfer.Kind.GRANT,
        memo="Translation",
        idempotency_key="everywhere-grant",
    )
    offer_create(author=member, kind="offer", category="translation", title="Turkish–English translation")
    exchange_request_create(creditor_member=member, debtor_member=helper, minutes=60, memo="Read my leaflet")
    exchange_request_create(creditor_member=helper, debtor_member=member, minutes=30, memo="Helped with the form")

    demo_page = WikiPage.objects.order_by("pk").first()
    revision = demo_page.current_revision
    page_save(
        page=demo_page,
        text=revision.text + "\n\nA note from the shop floor.",
        author=member,
        base_number=revision.number,
    )
    page_create(title="Night shift notes", language="en", text="What the night shift said.", author=member)

    space = Space.objects.filter(visibility=Space.Visibility.PUBLIC).order_by("pk").first()
    space_join(space=space, member=member)
    return SimpleNamespace(member=member, module=module, waiting=waiting, helper=helper, space=space)
