from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=3600, max_retries=12)
def send_email(*, subject: str, body: str, from_email: str, to: list[str], html: str | None = None) -> None:
    """Send one e-mail; a mail server that is down is retried for about a day, not dropped."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
