from celery import shared_task

from .notifications import enrolment_event_mail, enrolment_events_mail_pending


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=12)
def send_enrolment_event_mail(*, event_id: int) -> None:
    """Mail an enrolment event; retried while the mail server is down, never sent twice."""
    enrolment_event_mail(event_id=event_id)


@shared_task
def send_pending_enrolment_mails() -> None:
    enrolment_events_mail_pending()
