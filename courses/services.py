"""Writes of the courses app: enrolment, waitlist promotion, unit completion, a member leaving.

Every service that changes who holds a place locks the module's row first, so concurrent
enrolments and withdrawals queue there: on PostgreSQL with SELECT ... FOR UPDATE, on SQLite
because the transaction is IMMEDIATE (the writer lock is taken at BEGIN).
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision

from suite.tasks import enqueue_on_commit

from .errors import EnrolmentError, ProgressError
from .models import CourseModulePage, Enrolment, EnrolmentEvent, UnitCompletion
from .tasks import send_enrolment_event_mail

Status = Enrolment.Status


def _locked_module(module_id: int) -> CourseModulePage:
    return CourseModulePage.objects.select_for_update(of=("self",)).get(pk=module_id)


def _record(enrolment: Enrolment, kind: str) -> EnrolmentEvent:
    event = EnrolmentEvent.objects.create(enrolment=enrolment, kind=kind)
    enqueue_on_commit(send_enrolment_event_mail, event_id=event.id)
    return event


def _promote(module: CourseModulePage) -> list[Enrolment]:
    """Fill free places from the waitlist, first come first served (module already locked)."""
    waiting = module.enrolments.filter(status=Status.WAITLISTED).order_by("waitlist_number")
    if module.capacity is not None:
        free = module.capacity - module.enrolments.filter(status=Status.ACTIVE).count()
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    for enrolment in promoted:
        enrolment.status, enrolment.waitlist_number = Status.ACTIVE, None
        enrolment.save(update_fields=["status", "waitlist_number", "updated_at"])
        _record(enrolment, EnrolmentEvent.Kind.PROMOTED)
    return promoted


def enrolment_check_open(module: CourseModulePage, now: datetime.datetime) -> None:
    if module.enrolment_opens and now < module.enrolment_opens:
        raise EnrolmentError(_("Enrolment for this module has not opened yet."), code="not_open")
    if now >= module.closes_at:
        raise EnrolmentError(_("Enrolment for this module has closed."), code="closed")


@transaction.atomic
def enrolment_create(*, module: CourseModulePage, member, now: datetime.datetime | None = None) -> Enrolment:
    """Enrol ``member``: a place if one is free, else the end of the waitlist."""
    module = _locked_module(module.pk)
    enrolment_check_open(module, now or timezone.now())
    if module.enrolments.filter(member=member, status__in=Enrolment.LIVE).exists():
        raise EnrolmentError(_("You are already enrolled in this module."), code="already_enrolled")
    completed = Enrolment.objects.filter(member=member, status=Status.COMPLETED).values("module_id")
    missing = module.prerequisites.exclude(pk__in=completed)
    if missing.exists():
        raise EnrolmentError(
            _("Complete these modules first: %(modules)s.") % {"modules": ", ".join(m.title for m in missing)},
            code="prerequisite_missing",
        )
    active = module.enrolments.filter(status=Status.ACTIVE).count()
    if module.capacity is None or active < module.capacity:
        enrolment = Enrolment.objects.create(module=module, member=member, status=Status.ACTIVE)
        _record(enrolment, EnrolmentEvent.Kind.CONFIRMED)
    else:
        last = module.enrolments.filter(status=Status.WAITLISTED).aggregate(last=Max("waitlist_number"))["last"]
        enrolment = Enrolment.objects.create(
            module=module, member=member, status=Status.WAITLISTED, waitlist_number=(last or 0) + 1
        )
        _record(enrolment, EnrolmentEvent.Kind.WAITLISTED)
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, module: CourseModulePage, member) -> Enrolment:
    """Give up a place or a waitlist spot; a freed place goes to the first one waiting."""
    module = _locked_module(module.pk)
    enrolment = module.enrolments.filter(member=member, status__in=[Status.ACTIVE, Status.WAITLISTED]).first()
    if enrolment is None:
        raise EnrolmentError(_("You are not enrolled in this module."), code="not_enrolled")
    held_place = enrolment.status == Status.ACTIVE
    enrolment.status, enrolment.waitlist_number = Status.WITHDRAWN, None
    enrolment.save(update_fields=["status", "waitlist_number", "updated_at"])
    _record(enrolment, EnrolmentEvent.Kind.WITHDRAWN)
    if held_place:
        _promote(module)
    return enrolment


@transaction.atomic
def enrolment_promote(*, module: CourseModulePage) -> list[Enrolment]:
    """After capacity was raised (or removed): let in as many of the waitlist as now fit."""
    return _promote(_locked_module(module.pk))


@transaction.atomic
def unit_complete(*, module: CourseModulePage, member, week: int, now: datetime.datetime | None = None) -> bool:
    """Mark a unit done (idempotent); the last one completes the enrolment. True if newly done."""
    unit = module.units.filter(week=week).first()
    if unit is None:
        raise ProgressError(_("This module has no unit for that week."), code="no_unit")
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(module=module, member=member, status__in=[Status.ACTIVE, Status.COMPLETED])
        .first()
    )
    if enrolment is None:
        raise ProgressError(_("Enrol in this module to record your progress."), code="not_enrolled")
    if (now or timezone.now()) < unit.opens_at(module):
        raise ProgressError(_("This unit has not opened yet."), code="unit_locked")
    _completion, created = UnitCompletion.objects.get_or_create(member=member, unit=unit)
    done = UnitCompletion.objects.filter(member=member, unit__module=module).count()
    if enrolment.status == Status.ACTIVE and done == module.units.count():
        enrolment.status = Status.COMPLETED
        enrolment.save(update_fields=["status", "updated_at"])
        _record(enrolment, EnrolmentEvent.Kind.COMPLETED)
    return created


@transaction.atomic
def member_leave(*, member) -> list[Enrolment]:
    """A member leaves the site: each place or waitlist spot they hold is given up, as a withdrawal.

    Each goes through ``enrolment_withdraw``: the freed place goes to the first one waiting, who
    is mailed, and the member's own withdrawal is recorded (its mail is skipped once the host has
    erased their address). They stop tutoring every module, in the modules' revisions too, so an
    editor saving or reverting a module does not make them a tutor again. Completions and past
    enrolments stay: they are the history of the modules. The withdrawn enrolments are returned.
    """
    live = (
        Enrolment.objects.filter(member=member, status__in=[Status.ACTIVE, Status.WAITLISTED])
        .select_related("module")
        .order_by("module_id")  # modules locked in one order, as every other service does one at a time
    )
    withdrawn = [enrolment_withdraw(module=enrolment.module, member=member) for enrolment in live]
    tutored = list(CourseModulePage.objects.filter(tutors=member).values_list("pk", flat=True))
    if tutored:
        member.tutored_modules.remove(*tutored)
        _revisions_without_tutor(module_ids=tutored, member_id=member.pk)
    return withdrawn


def _revisions_without_tutor(*, module_ids: list[int], member_id: int) -> None:
    """Take ``member_id`` out of the tutors that the modules' revisions (drafts and history) hold."""
    revisions = Revision.page_revisions.filter(object_id__in=[str(pk) for pk in module_ids])
    for revision in revisions:
        tutors = revision.content.get("tutors") or []
        if member_id in tutors:
            revision.content["tutors"] = [pk for pk in tutors if pk != member_id]
            revision.save(update_fields=["content"])
