"""What the host itself keeps about a member: the account, its e-mail addresses, the mails sent.

Closing an account erases these in nlu.closing, after every app's part; the part here is the
member's data downloads, whose files hold all that the closing erases.

The apps tell theirs through their own ``privacy`` modules (suite.privacy); the host's come first
on the member's data page and in the download, since ``nlu`` is listed first in INSTALLED_APPS.
"""

import json

from allauth.account.models import EmailAddress
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from suite.privacy import Kind

from . import exports
from .models import OutgoingEmail


def profile_rows(member):
    yield {
        "username": member.username,
        "email": member.email,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "display_name": member.display_name,
        "shown_as": member.shown_as,
        "pseudonym": member.pseudonym,
        "language": member.language,
        "timezone": member.timezone,
        "date_joined": member.date_joined,
        "last_login": member.last_login,
    }


def email_address_rows(member):
    return EmailAddress.objects.filter(user=member).order_by("pk").values("email", "verified", "primary")


def member_addresses(member) -> set[str]:
    addresses = set(EmailAddress.objects.filter(user=member).values_list("email", flat=True))
    return {address for address in {*addresses, member.email} if address}


def emails_to(member):
    """The stored mails addressed to any of the member's addresses, oldest first.

    ``to`` is a JSON list of addresses; its text holds each address in quotes (escaped as
    json.dumps does on SQLite, as typed on PostgreSQL), which a match on the quoted address finds
    on either database without a JSON lookup SQLite lacks.
    """
    addresses = member_addresses(member)
    if not addresses:
        return OutgoingEmail.objects.none()
    quoted = {json.dumps(address, ensure_ascii=ascii) for address in addresses for ascii in (True, False)}
    match = Q()
    for text in quoted:
        match |= Q(to_text__icontains=text)
    return OutgoingEmail.objects.annotate(to_text=Cast("to", TextField())).filter(match).order_by("created_at", "pk")


def email_rows(member):
    return emails_to(member).values("subject", "body", "created_at", "sent_at")


KINDS = [
    Kind(
        name="account.profile",
        label=_("Your account and profile"),
        purpose=_(
            "To sign you in, to name you to other members as you chose, and to write to you in your "
            "language and time zone."
        ),
        fields=(
            "username",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "shown_as",
            "pseudonym",
            "language",
            "timezone",
            "date_joined",
            "last_login",
        ),
        rows=profile_rows,
    ),
    Kind(
        name="account.email_addresses",
        label=_("Your e-mail addresses"),
        purpose=_("To sign you in by e-mail, to confirm an address is yours, and to know where to write to you."),
        fields=("email", "verified", "primary"),
        rows=email_address_rows,
    ),
    Kind(
        name="account.emails",
        label=_("E-mails the site sent you"),
        purpose=_("Kept so that a mail is sent once, even when the mail server was down for a while."),
        fields=("subject", "body", "created_at", "sent_at"),
        rows=email_rows,
    ),
]


def member_close(member, *, pseudonym: str, options: set[str]) -> None:
    """The member's downloads go, rows now and files once the closing commits."""
    exports.member_exports_delete(member)
