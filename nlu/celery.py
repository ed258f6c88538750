"""The Celery application: configured from Django settings under the ``CELERY_`` namespace."""

import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nlu.settings.dev")

logger = logging.getLogger(__name__)


class OutboxTask(DjangoTask):
    """A task whose on-commit enqueue never fails the request that committed.

    What the task acts on is already stored (an outbox row such as an e-mail or an enrolment
    event), so when the broker is down the request still succeeds and a periodic sweep sends
    whatever was not sent: nothing is lost and the member sees no error.
    """

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(lambda: self._enqueue(args, kwargs))

    def _enqueue(self, args, kwargs) -> None:
        try:
            self.apply_async(args, kwargs)
        except (OperationalError, OSError):
            logger.warning("Broker unreachable: %s left for the periodic sweep", self.name, exc_info=True)


app = Celery("nlu", task_cls=OutboxTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
