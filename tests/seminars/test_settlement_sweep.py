"""The sweep that settles ended sessions whose settle task the broker lost (seminars.tasks.settle_pending_webinars).

Without it such a session was never settled again: its tutors never got their credits.
"""

import datetime

import pytest
from celery import current_app
from django.utils import timezone

from seminars import services, tasks
from seminars.models import Webinar
from tests.factories import UserFactory
from tests.threads import at_once

from .test_reopen import timebank_credits  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

Status = Webinar.Status
FAILING: set[int] = set()


def failing_hook(*, webinar) -> None:
    """A settlement hook whose other side is down for the sessions in FAILING."""
    if webinar.pk in FAILING:
        raise OSError("the ledger is not answering")


def session(tutor, status=Status.RUNNING, title="Organising platform workers") -> Webinar:
    webinar = Webinar.objects.create(
        title=title,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        timezone="Europe/Istanbul",
        duration_minutes=90,
        status=status,
    )
    webinar.tutors.set([tutor])
    return webinar


def ended_with_its_settle_task_lost(tutor, title="Organising platform workers") -> Webinar:
    """A session BBB ended whose settle task never ran: queued on commit, it went to a broker that lost it."""
    webinar = session(tutor, title=title)
    assert services.webinar_end(webinar=webinar)  # its on-commit task is never run here: lost
    return Webinar.objects.get(pk=webinar.pk)


def test_the_sweep_settles_an_ended_session_whose_settle_task_was_lost(settlement_hook):
    webinar = ended_with_its_settle_task_lost(UserFactory())
    assert (webinar.settled_at, settlement_hook) == (None, [])

    tasks.settle_pending_webinars.delay()

    assert settlement_hook == [webinar.pk]
    assert Webinar.objects.get(pk=webinar.pk).settled_at is not None


def test_the_sweep_credits_the_tutor_once_however_often_it_runs(timebank_credits, settlement_hook):  # noqa: F811
    if timebank_credits is None:
        pytest.skip("the timebank is not installed in this host: nothing credits tutors")
    tutor = UserFactory()
    webinar = ended_with_its_settle_task_lost(tutor)

    for _ in range(3):
        tasks.settle_pending_webinars.delay()
    tasks.settle_webinar.delay(webinar_id=webinar.pk)  # the lost task, found again after all

    assert settlement_hook == [webinar.pk]
    assert timebank_credits(webinar) == [(tutor, 90)]


def test_the_sweep_leaves_sessions_that_have_not_ended_or_are_settled(settlement_hook):
    tutor = UserFactory()
    for status in (Status.SCHEDULED, Status.RUNNING, Status.CANCELLED):
        session(tutor, status=status)
    settled = ended_with_its_settle_task_lost(tutor)
    services.webinar_settle(webinar_id=settled.pk)

    assert services.webinars_settle_pending() == 0
    assert settlement_hook == [settled.pk]


def test_a_session_whose_settlement_fails_is_tried_again_and_holds_up_no_other(settings, settlement_hook):
    settings.SEMINARS_SETTLEMENT_HOOKS = [f"{__name__}.failing_hook", *settings.SEMINARS_SETTLEMENT_HOOKS]
    tutor = UserFactory()
    failing, fine = (ended_with_its_settle_task_lost(tutor, title) for title in ("First", "Second"))
    FAILING.add(failing.pk)
    try:
        assert services.webinars_settle_pending() == 1
        assert settlement_hook == [fine.pk]
        assert Webinar.objects.get(pk=failing.pk).settled_at is None
    finally:
        FAILING.clear()

    assert services.webinars_settle_pending() == 1
    assert settlement_hook == [fine.pk, failing.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweeps_and_the_settle_task_at_once_settle_a_session_once(timebank_credits, settlement_hook):  # noqa: F811
    """Threads on the real database: two sweeps and the settle task, twice over, all released together."""
    tutor = UserFactory()
    webinar = ended_with_its_settle_task_lost(tutor)

    def run(kind: str):
        if kind == "sweep":
            return tasks.settle_pending_webinars()
        return tasks.settle_webinar(webinar_id=webinar.pk)

    results = at_once(run, ["sweep", "task", "sweep"] * 2)

    assert results == [None] * 6  # no thread failed
    assert settlement_hook == [webinar.pk]
    if timebank_credits:  # a host with the timebank
        assert timebank_credits(webinar) == [(tutor, 90)]


def test_beat_runs_the_sweep_where_the_host_schedules_seminars_tasks():
    scheduled = {entry["task"] for entry in (current_app.conf.beat_schedule or {}).values()}
    if "seminars.tasks.poll_bbb" not in scheduled:
        pytest.skip("this host schedules none of seminars' tasks (a bare host): docs/plugins.md tells it to")
    assert "seminars.tasks.settle_pending_webinars" in scheduled
