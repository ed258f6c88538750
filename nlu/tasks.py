from celery import shared_task

from . import exports, retention
from .outbox import email_send, email_send_pending


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def send_outgoing_email(*, email_id: int) -> None:
    """Retried with backoff while the mail server is down; send_pending_emails catches the rest."""
    email_send(email_id=email_id)


@shared_task
def send_pending_emails() -> None:
    email_send_pending()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def build_data_export(*, export_id: int) -> None:
    """A large account's download: built, then its link mailed; retried while the mail server is down."""
    exports.data_export_build(export_id=export_id)


@shared_task
def apply_retention() -> dict[str, int]:
    """Deletes what is kept past its time (for beat, daily); the counts of each step."""
    return retention.retention_apply()
