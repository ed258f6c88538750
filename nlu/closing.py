"""Closing a member's account: the person goes, what others built with them stays.

Every app ends what the member takes part in and erases its own copies of their name
(``suite.privacy.member_close``); then the member's row is emptied of everything that names
them and kept under a pseudonym ("former member 8f3a"), so that ledger rows, wiki revisions and
attendance still point at a row and read as that pseudonym. One transaction: all or nothing.
"""

import secrets

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from suite import privacy
from suite.errors import Refusal

from .models import AccountClosure, OutgoingEmail, User
from .privacy import emails_to


class ClosingError(Exception):
    """A closing that cannot be done: ``messages`` say why, in the active language."""

    def __init__(self, messages: list[str], *, status: int):
        super().__init__(" ".join(messages))
        self.messages, self.status = messages, status


def former_member(member: User) -> tuple[str, str]:
    """The pseudonym and username a closed account keeps: "former member 8f3a", "former-member-8f3a".

    The code is the member's own pseudonym's (random, unique among members live and former), so a
    member others knew as "member 8f3a" stays recognisable; a digit more while someone has taken
    the username.
    """
    pseudonym = f"former {member.ensure_pseudonym()}"
    username = pseudonym.replace(" ", "-")
    while User.objects.filter(username=username).exists():
        username += secrets.token_hex(1)[0]
    return pseudonym, username


@transaction.atomic
def account_close(
    *, member: User, options: set[str] = frozenset(), by: User | None = None, reason: str = ""
) -> AccountClosure:
    """Close ``member``'s account, by themself (``by`` None) or by staff, who must give a reason.

    The member row is locked first, so two closings at once (a double click, the member and
    staff) close once and the other is told it is closed already.
    """
    locked = User.objects.select_for_update().get(pk=member.pk)
    if AccountClosure.objects.filter(member=locked).exists():
        raise ClosingError([_("This account is closed already.")], status=409)
    reason = reason.strip()
    if by is not None and not reason:
        raise ClosingError([_("Say why you close this member’s account: the reason is kept.")], status=400)
    obstacles = privacy.closing_obstacles(locked, options=set(options))
    if obstacles:
        raise ClosingError(obstacles, status=409)
    pseudonym, username = former_member(locked)
    try:
        privacy.member_close(locked, pseudonym=pseudonym, options=set(options))
    except Refusal as refusal:  # something changed since the check (a payment came in): nothing is done
        raise ClosingError([str(refusal.message)], status=409) from refusal
    _erase(locked, pseudonym, username)
    transaction.on_commit(_flush_sqlite_log)
    return AccountClosure.objects.create(member=locked, closed_by=by, reason=reason)


def _erase(member: User, pseudonym: str, username: str) -> None:
    """Empty the member's row of all that names them, and the host's own copies of it."""
    content_type = ContentType.objects.get_for_model(User)
    # Wagtail's admin log copies the member's name as it was when staff changed them.
    ModelLogEntry.objects.filter(content_type=content_type, object_id=str(member.pk)).update(label=pseudonym)
    # The account mails of the outbox (sign-up, password reset) went to the member alone.
    OutgoingEmail.objects.filter(pk__in=list(emails_to(member).values_list("pk", flat=True))).delete()
    member.emailaddress_set.all().delete()
    for profile in UserProfile.objects.filter(user=member):
        if profile.avatar:
            profile.avatar.delete(save=False)
        profile.delete()
    member.username = username
    member.display_name = member.pseudonym = pseudonym
    member.first_name = member.last_name = member.email = member.timezone = member.language = ""
    member.shown_as = User.ShownAs.NAME
    member.is_active = member.is_staff = member.is_superuser = False
    # A new password hash also ends every signed-in session: Django checks it on each request.
    member.set_unusable_password()
    member.save()
    member.groups.clear()
    member.user_permissions.clear()


def _flush_sqlite_log() -> None:
    """On SQLite, write the WAL back and empty it, so the erased values are in no file."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
