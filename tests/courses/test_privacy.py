"""What courses keeps about a member (suite.privacy's kinds), and a member leaving: the waitlists move
on, they tutor no module, their progress stays as history, and no mail goes to the address erased."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from courses import privacy
from courses.models import CourseModulePage, CourseUnit, Enrolment, EnrolmentEvent, UnitCompletion
from courses.notifications import enrolment_events_mail_pending
from courses.services import enrolment_create, enrolment_withdraw, unit_complete
from suite.privacy import kinds, privacy_modules, scalar
from tests.factories import UserFactory, has_field

from .conftest import add_modules, days_from_today
from .test_admin import edit_form


@pytest.fixture(autouse=True)
def english():
    """Modules are named in the active language: English here, whatever an earlier test left active."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

PSEUDONYM = "former member 8f3a"


def rows(name: str, member) -> list[dict]:
    """The member's rows of one courses kind, as the download writes them (keys checked as suite.privacy does)."""
    [kind] = [kind for kind in privacy.KINDS if kind.name == name]
    found = []
    for row in kind.rows(member):
        assert tuple(row) == kind.fields
        found.append({key: scalar(value) for key, value in row.items()})
    return found


def close_as_the_host_does(member) -> None:
    """Courses' part of closing, then the host's erasing of the user row, in one transaction."""
    with transaction.atomic():
        privacy.member_close(member, pseudonym=PSEUDONYM, options=set())
        member.username = PSEUDONYM.replace(" ", "-")
        member.email = member.first_name = member.last_name = ""
        if has_field(type(member), "display_name"):
            member.display_name = PSEUDONYM
        member.set_unusable_password()
        member.is_active = False
        member.save()


def running_module(make_module, **fields) -> CourseModulePage:
    """A module in its second week, still open for enrolment."""
    return make_module(
        start_date=days_from_today(-8), enrolment_closes=timezone.now() + datetime.timedelta(days=1), **fields
    )


def mail_addresses() -> list[str]:
    return [address for message in mail.outbox for address in message.to]


# --- What is kept -----------------------------------------------------------------------------------


def test_the_site_finds_the_kinds_of_courses():
    assert privacy in privacy_modules()
    names = [kind.name for kind in kinds()]
    for name in ("courses.enrolments", "courses.enrolment_events", "courses.progress", "courses.tutoring"):
        assert name in names


def test_a_members_enrolments_history_progress_and_tutoring(make_module, member, django_capture_on_commit_callbacks):
    running = running_module(make_module, title="Organising online", units=3)
    full = make_module(title="Bargaining basics", capacity=1)
    left = make_module(title="Union history")
    tutored = make_module(title="Health and safety", tutors=[member])
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(module=running, member=member)
        unit_complete(module=running, member=member, week=2)
        unit_complete(module=running, member=member, week=1)
        enrolment_create(module=full, member=UserFactory())
        enrolment_create(module=full, member=UserFactory())
        enrolment_create(module=full, member=member)
        enrolment_create(module=left, member=member)
        enrolment_withdraw(module=left, member=member)

    enrolments = rows("courses.enrolments", member)
    assert [(r["module"], r["module_page_id"], r["status"], r["waitlist_position"]) for r in enrolments] == [
        ("Organising online", running.pk, "active", None),
        ("Bargaining basics", full.pk, "waitlisted", 2),
        ("Union history", left.pk, "withdrawn", None),
    ]
    assert all(r["enrolled_at"] <= r["changed_at"] for r in enrolments)
    assert datetime.datetime.fromisoformat(enrolments[0]["enrolled_at"]) <= timezone.now()

    events = rows("courses.enrolment_events", member)
    assert [(r["module"], r["event"]) for r in events] == [
        ("Organising online", "confirmed"),
        ("Bargaining basics", "waitlisted"),
        ("Union history", "confirmed"),
        ("Union history", "withdrawn"),
    ]
    assert all(r["mailed_at"] for r in events)  # each was mailed, and the download says when

    progress = rows("courses.progress", member)
    assert [(r["module"], r["week"], r["unit"]) for r in progress] == [
        ("Organising online", 2, "Unit 2 of Organising online"),
        ("Organising online", 1, "Unit 1 of Organising online"),
    ]  # in the order they were done
    assert progress[0]["completed_at"] <= progress[1]["completed_at"]

    assert rows("courses.tutoring", member) == [
        {
            "module": "Health and safety",
            "module_page_id": tutored.pk,
            "start_date": tutored.start_date.isoformat(),
            "weeks": 7,
        }
    ]


def test_a_member_without_courses_has_no_rows(member):
    for kind in privacy.KINDS:
        assert rows(kind.name, member) == []


def test_the_rows_take_the_same_queries_for_1_and_20_enrolments(course_index):
    def member_with(count: int):
        member = UserFactory()
        modules = add_modules(course_index, [{} for _ in range(count)])
        units = CourseUnit.objects.bulk_create(
            [CourseUnit(module=module, week=1, sort_order=1, title="One", title_en="One") for module in modules]
        )
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(module=module, member=member, status="active") for module in modules[:-1]]
            + [Enrolment(module=modules[-1], member=member, status="waitlisted", waitlist_number=1)]
        )
        EnrolmentEvent.objects.bulk_create([EnrolmentEvent(enrolment=e, kind="confirmed") for e in enrolments])
        UnitCompletion.objects.bulk_create([UnitCompletion(member=member, unit=unit) for unit in units])
        member.tutored_modules.add(*modules)
        return member

    def queries(member) -> dict[str, int]:
        counts = {}
        for kind in privacy.KINDS:
            with CaptureQueriesContext(connection) as captured:
                found = rows(kind.name, member)
            counts[kind.name] = (len(captured), len(found) > 0)
        return counts

    small, large = member_with(1), member_with(20)
    assert queries(small) == queries(large) == {kind.name: (1, True) for kind in privacy.KINDS}  # one query a kind
    for kind in privacy.KINDS:
        assert len(rows(kind.name, large)) == 20


# --- Leaving ----------------------------------------------------------------------------------------


def test_leaving_moves_the_waitlist_on_as_a_withdrawal_does(make_module, django_capture_on_commit_callbacks):
    module = make_module(title="Organising online", capacity=1)
    leaver, first, second = UserFactory.create_batch(3, language="en")
    address = leaver.email
    for each in (leaver, first, second):
        enrolment_create(module=module, member=each)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        close_as_the_host_does(leaver)

    status = dict(Enrolment.objects.filter(module=module).values_list("member", "status"))
    assert status == {leaver.pk: "withdrawn", first.pk: "active", second.pk: "waitlisted"}
    [promoted] = mail.outbox
    assert promoted.to == [first.email]
    assert promoted.subject == "A place is yours: Organising online"
    assert "" not in mail_addresses() and address not in mail_addresses()
    # the withdrawal is recorded as any other, and its mail left unsent: the address is gone
    withdrawn = EnrolmentEvent.objects.get(enrolment__member=leaver, kind="withdrawn")
    assert withdrawn.mailed_at is None
    assert rows("courses.enrolments", first)[0]["status"] == "active"
    assert rows("courses.enrolments", second)[0]["waitlist_position"] == 1


def test_leaving_gives_up_every_place_and_waitlist_spot_and_keeps_the_history(
    make_module, django_capture_on_commit_callbacks
):
    leaver = UserFactory(language="en")
    running = running_module(make_module, title="Organising online", units=3)
    finished_with = make_module(title="Union history", units=1, start_date=days_from_today(-8))
    waiting_in = make_module(title="Bargaining basics", capacity=1)
    enrolment_create(module=running, member=leaver)
    unit_complete(module=running, member=leaver, week=1)
    Enrolment.objects.create(module=finished_with, member=leaver, status="completed")
    UnitCompletion.objects.create(member=leaver, unit=finished_with.units.get())
    enrolment_create(module=waiting_in, member=UserFactory())
    enrolment_create(module=waiting_in, member=leaver)

    with django_capture_on_commit_callbacks(execute=True):
        close_as_the_host_does(leaver)

    status = dict(Enrolment.objects.filter(member=leaver).values_list("module", "status"))
    assert status == {running.pk: "withdrawn", finished_with.pk: "completed", waiting_in.pk: "withdrawn"}
    assert not waiting_in.enrolments.filter(status="waitlisted").exists()
    assert [(r["module"], r["week"]) for r in rows("courses.progress", leaver)] == [
        ("Organising online", 1),
        ("Union history", 1),
    ]
    assert [(r["module"], r["event"]) for r in rows("courses.enrolment_events", leaver)] == [
        ("Organising online", "confirmed"),
        ("Bargaining basics", "waitlisted"),
        ("Organising online", "withdrawn"),
        ("Bargaining basics", "withdrawn"),
    ]
    assert "" not in mail_addresses()


def test_a_leaving_tutor_tutors_no_module_even_after_an_editor_saves_it(client, make_module):
    leaver, colleague = UserFactory(username="leaving-tutor"), UserFactory(username="staying-tutor")
    module = make_module(tutors=[leaver, colleague])
    other = make_module(tutors=[leaver])
    module.save_revision()  # a draft made before the closing, naming the leaver too

    close_as_the_host_does(leaver)

    assert list(CourseModulePage.objects.get(pk=module.pk).tutors.all()) == [colleague]
    assert not CourseModulePage.objects.get(pk=other.pk).tutors.exists()
    assert rows("courses.tutoring", leaver) == []
    assert not CourseModulePage.objects.get(pk=module.pk).is_tutor(leaver)

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    data = edit_form(client, module)
    assert data["tutors"] == [str(colleague.pk)]
    data["action-publish"] = ["action-publish"]
    assert client.post(f"/admin/pages/{module.pk}/edit/", data).status_code == 302
    assert list(CourseModulePage.objects.get(pk=module.pk).tutors.all()) == [colleague]
    for revision in module.revisions.all():  # reverting to an older revision does not bring them back
        assert leaver.pk not in revision.content["tutors"]


def test_a_mail_queued_before_the_closing_is_not_sent_after_it(make_module, django_capture_on_commit_callbacks):
    module = make_module(title="Organising online")
    leaver = UserFactory(language="en")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        enrolment_create(module=module, member=leaver)
    assert queued  # the confirmation's mail, queued but not yet sent

    with django_capture_on_commit_callbacks(execute=True):
        close_as_the_host_does(leaver)
    for send in queued:  # the worker takes the queued task after the closing
        send()

    assert mail.outbox == []
    confirmed = EnrolmentEvent.objects.get(enrolment__member=leaver, kind="confirmed")
    assert confirmed.mailed_at is None

    # the sweep for mails a broker outage left behind does not pick them up again and again
    EnrolmentEvent.objects.filter(enrolment__member=leaver).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with CaptureQueriesContext(connection) as captured:
        assert enrolment_events_mail_pending() == 0
    assert len(captured) == 1
    assert mail.outbox == []


def test_nothing_of_courses_names_the_member_after_the_closing(make_module, django_capture_on_commit_callbacks):
    named = {"first_name": "Ayşegül", "last_name": "Korkmaz"}
    if has_field(get_user_model(), "display_name"):
        named["display_name"] = "Ayşegül K."
    leaver = UserFactory(username="aysegul-k", email="aysegul@example.org", language="en", **named)
    module = running_module(make_module, capacity=1, tutors=[leaver])
    enrolment_create(module=module, member=leaver)
    unit_complete(module=module, member=leaver, week=1)
    enrolment_create(module=module, member=UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        close_as_the_host_does(leaver)

    out = io.StringIO()
    call_command("dumpdata", "courses", stdout=out)
    dump = out.getvalue()
    for trace in ("aysegul-k", "aysegul@example.org", "Ayşegül", "Korkmaz", "Ayşegül K."):
        assert trace not in dump
    assert UnitCompletion.objects.filter(member=leaver).count() == 1
