"""Writes of the core app: the e-mail outbox."""

from django.db import transaction

from .models import OutgoingEmail
from .tasks import send_outgoing_email


@transaction.atomic
def email_queue(*, subject: str, body: str, from_email: str, to: list[str], html: str = "") -> OutgoingEmail:
    """Store the e-mail with the transaction that caused it; a worker sends it after commit."""
    email = OutgoingEmail.objects.create(subject=subject, body=body, html=html, from_email=from_email, to=to)
    send_outgoing_email.delay_on_commit(email_id=email.id)
    return email
