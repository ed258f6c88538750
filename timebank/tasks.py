"""Thin tasks: each takes ids and calls a service (modules imported whole: services enqueue these)."""

from celery import shared_task

from . import notifications, services


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=12)
def send_exchange_mail(*, request_id: int) -> None:
    """Retried while the mail server is down; never sent twice."""
    notifications.exchange_request_mail(request_id=request_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=12)
def send_transfer_mail(*, transfer_id: int) -> None:
    """The receiver of a gift or grant is told; retried like the above, never sent twice."""
    notifications.transfer_mail(transfer_id=transfer_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=12)
def send_offer_mail(*, offer_id: int) -> None:
    """A post's author is told what a coordinator did to it; retried like the above, never sent twice."""
    notifications.offer_mail(offer_id=offer_id)


@shared_task
def send_pending_exchange_mails() -> None:
    """The sweep of every mail of the timebank left unsent (named when exchanges were its only mails)."""
    notifications.exchange_mails_send_pending()
    notifications.transfer_mails_send_pending()
    notifications.offer_mails_send_pending()


@shared_task
def expire_exchange_requests() -> None:
    services.exchange_expire_due()
