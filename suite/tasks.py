"""Queuing an app's Celery task when the transaction commits, whatever Celery app the host has."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, **kwargs) -> None:
    """``task.delay(**kwargs)`` once the transaction commits; a broker that is down is logged, not raised.

    The row the task works from is the outbox: the app's sweep finds what was not queued, so a
    broker outage costs a delay, never the member's request. Other errors are raised as ever.
    """

    def enqueue():
        try:
            task.delay(**kwargs)
        except (OperationalError, OSError):
            logger.warning("Broker unreachable: %s%r is left for the sweep", task.name, kwargs, exc_info=True)

    transaction.on_commit(enqueue)
