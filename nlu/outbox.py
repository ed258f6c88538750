"""Sending the stored e-mails of the outbox (see services.email_queue)."""

import datetime

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail


@transaction.atomic
def email_send(*, email_id: int) -> bool:
    """Send one stored e-mail unless it went already; True if sent now.

    The row stays locked while sending, so a task delivered twice sends once; a failure rolls
    back and leaves the e-mail for the retry or the sweep.
    """
    email = OutgoingEmail.objects.select_for_update().get(pk=email_id)
    if email.sent_at:
        return False
    message = EmailMultiAlternatives(subject=email.subject, body=email.body, from_email=email.from_email, to=email.to)
    if email.html:
        message.attach_alternative(email.html, "text/html")
    message.send()
    email.sent_at = timezone.now()
    email.save(update_fields=["sent_at"])
    return True


def email_send_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Send what the broker never delivered (older than a normal delivery takes); the count sent."""
    cutoff = timezone.now() - older_than
    pending = OutgoingEmail.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).values_list("id", flat=True)
    return sum(email_send(email_id=email_id) for email_id in list(pending))
