import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from .notifications import enrolment_event_mail, enrolment_events_mail_pending

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=12)
def send_enrolment_event_mail(*, event_id: int) -> None:
    """Mail an enrolment event; retried while the mail server is down, never sent twice."""
    enrolment_event_mail(event_id=event_id)


@shared_task
def send_pending_enrolment_mails() -> None:
    enrolment_events_mail_pending()


def send_enrolment_event_mail_on_commit(*, event_id: int) -> None:
    """Enqueue the event's mail once the enrolment is committed, and never fail the member's request.

    The event row is what is to be mailed (an outbox): with the broker unreachable, the request
    still succeeds and send_pending_enrolment_mails sends the mail later, whatever task class the
    host's Celery app gives.
    """

    def enqueue() -> None:
        try:
            send_enrolment_event_mail.delay(event_id=event_id)
        except (OperationalError, OSError):
            logger.warning(
                "Broker unreachable: the mail of enrolment event %s is left for the sweep", event_id, exc_info=True
            )

    transaction.on_commit(enqueue)
