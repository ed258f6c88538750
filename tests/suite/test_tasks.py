"""An app's task is queued when its transaction commits; a broker that is down costs no request."""

import pytest
from kombu.exceptions import OperationalError

from suite.tasks import enqueue_on_commit

pytestmark = pytest.mark.django_db


class Task:
    """A task whose broker answers as ``outcome`` says (Celery's own needs a host's app and broker)."""

    name = "app.tasks.mail"

    def __init__(self, outcome=None):
        self.outcome, self.queued = outcome, []

    def delay(self, **kwargs):
        if self.outcome:
            raise self.outcome
        self.queued.append(kwargs)


def test_the_task_is_queued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):

    task = Task()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(task, event_id=7)
    assert task.queued == []

    callbacks[0]()

    assert task.queued == [{"event_id": 7}]


def test_a_broker_that_is_down_is_logged_and_left_for_the_sweep(django_capture_on_commit_callbacks, caplog):

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(Task(OperationalError("connection refused")), event_id=7)

    assert "Broker unreachable: app.tasks.mail{'event_id': 7} is left for the sweep" in caplog.text


def test_any_other_error_of_the_task_is_raised(django_capture_on_commit_callbacks):

    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(Task(ValueError("a bug")), event_id=7)
