"""Thin tasks: each takes ids and calls a service (modules imported whole: services enqueue these)."""

from celery import shared_task

from . import notifications, services


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=12)
def send_exchange_mail(*, request_id: int) -> None:
    """Retried while the mail server is down; never sent twice."""
    notifications.exchange_request_mail(request_id=request_id)


@shared_task
def send_pending_exchange_mails() -> None:
    notifications.exchange_mails_send_pending()


@shared_task
def expire_exchange_requests() -> None:
    services.exchange_expire_due()
