"""What the courses app keeps about a member, and what it does when they leave (suite.privacy).

It keeps their enrolments (with each one's history of events and whether its mail went), the
units they marked done and the modules they tutor. No row of the app holds a copy of a member's
name, username or e-mail address: every row points at the member, whom the host renames.
"""

from django.utils.translation import gettext_lazy as _

from suite.privacy import Kind

from .models import CourseModulePage, Enrolment, EnrolmentEvent, UnitCompletion
from .selectors import waitlist_position, with_waitlist_positions
from .services import member_leave


def enrolment_rows(member):
    enrolments = with_waitlist_positions(
        Enrolment.objects.filter(member=member).select_related("module").order_by("created_at", "pk")
    )
    for enrolment in enrolments:
        yield {
            "module": enrolment.module.title,
            "module_page_id": enrolment.module_id,
            "status": enrolment.status,
            "waitlist_position": waitlist_position(enrolment),
            "enrolled_at": enrolment.created_at,
            "changed_at": enrolment.updated_at,
        }


def enrolment_event_rows(member):
    events = (
        EnrolmentEvent.objects.filter(enrolment__member=member)
        .select_related("enrolment__module")
        .order_by("created_at", "pk")
    )
    for event in events:
        yield {
            "module": event.enrolment.module.title,
            "module_page_id": event.enrolment.module_id,
            "event": event.kind,
            "happened_at": event.created_at,
            "mailed_at": event.mailed_at,
        }


def progress_rows(member):
    completions = (
        UnitCompletion.objects.filter(member=member).select_related("unit__module").order_by("completed_at", "pk")
    )
    for completion in completions:
        yield {
            "module": completion.unit.module.title,
            "module_page_id": completion.unit.module_id,
            "week": completion.unit.week,
            "unit": completion.unit.title,
            "completed_at": completion.completed_at,
        }


def tutoring_rows(member):
    for module in CourseModulePage.objects.filter(tutors=member).order_by("start_date", "pk"):
        yield {
            "module": module.title,
            "module_page_id": module.pk,
            "start_date": module.start_date,
            "weeks": module.weeks,
        }


KINDS = [
    Kind(
        name="courses.enrolments",
        label=_("Enrolments in course modules"),
        purpose=_(
            "To hold your place or your turn on a module’s waitlist, and to list your modules on your learning page."
        ),
        fields=("module", "module_page_id", "status", "waitlist_position", "enrolled_at", "changed_at"),
        rows=enrolment_rows,
    ),
    Kind(
        name="courses.enrolment_events",
        label=_("History of your enrolments"),
        purpose=_("To mail you once each time your enrolment changes, and to know when each change was mailed."),
        fields=("module", "module_page_id", "event", "happened_at", "mailed_at"),
        rows=enrolment_event_rows,
    ),
    Kind(
        name="courses.progress",
        label=_("Units you marked done"),
        purpose=_(
            "To show your progress in a module, and to complete it (and give its certificate) when every unit is done."
        ),
        fields=("module", "module_page_id", "week", "unit", "completed_at"),
        rows=progress_rows,
    ),
    Kind(
        name="courses.tutoring",
        label=_("Modules you tutor"),
        purpose=_("So you can see the roster and the units not yet open of the modules you tutor."),
        fields=("module", "module_page_id", "start_date", "weeks"),
        rows=tutoring_rows,
    ),
]


def member_close(member, *, pseudonym: str, options: set[str]) -> None:
    """End the member's enrolments as withdrawals (the waitlists move on) and their tutoring.

    Nothing of the app holds their name, so ``pseudonym`` is not needed; past enrolments, their
    events and the units done stay, attributed to the member row.
    """
    member_leave(member=member)
