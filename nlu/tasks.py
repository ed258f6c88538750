from celery import shared_task

from .outbox import email_send, email_send_pending


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def send_outgoing_email(*, email_id: int) -> None:
    """Retried with backoff while the mail server is down; send_pending_emails catches the rest."""
    email_send(email_id=email_id)


@shared_task
def send_pending_emails() -> None:
    email_send_pending()
