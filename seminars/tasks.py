"""Thin tasks: each takes ids and calls a service (modules imported whole: services enqueue these)."""

from celery import shared_task

from . import notifications, services, sync


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def settle_webinar(*, webinar_id: int) -> None:
    """Idempotent: the session is settled once, however often this arrives."""
    services.webinar_settle(webinar_id=webinar_id)


@shared_task
def settle_pending_webinars() -> None:
    """The sweep (beat, every five minutes): settles the ended sessions whose settle task was lost."""
    services.webinars_settle_pending()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=8)
def notify_webinar_changed(*, webinar_id: int, sequence: int) -> None:
    notifications.webinar_changed_mail(webinar_id=webinar_id, sequence=sequence)


@shared_task
def send_due_reminders() -> None:
    notifications.reminders_send_due()


@shared_task
def poll_bbb() -> None:
    """Attendance of running sessions, ends whose callback was lost, and new recordings."""
    sync.poll_running()
    sync.poll_recordings()
