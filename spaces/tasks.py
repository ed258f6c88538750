from celery import shared_task

from suite.tasks import enqueue_on_commit

from .notifications import digest_recipients, digest_send, notice_mail, notices_mail_pending


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=12)
def send_notice_mail(*, notice_id: int) -> None:
    """Mail one notice; retried while the mail server is down, never sent twice."""
    notice_mail(notice_id=notice_id)


@shared_task
def send_pending_notices() -> None:
    notices_mail_pending()


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=12)
def send_digest(*, member_id: int) -> None:
    digest_send(member_id=member_id)


@shared_task
def send_weekly_digests() -> int:
    """Queue this week's digest of every member who has one due (beat: weekly; safe to run more often)."""
    members = digest_recipients()
    for member_id in members:
        enqueue_on_commit(send_digest, member_id=member_id)
    return len(members)
