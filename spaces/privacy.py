"""What the spaces app keeps about a member, and what it does when they leave (suite.privacy).

It keeps their memberships (with their role, place in line and digest choice), the invitations
they made or used, the notices mailed to them, what they did in spaces (the activity), the
weekly digests sent to them and whether their feed link has a token. When they leave, they
leave every space as a leave does (the waiting list moves, a last coordinator is replaced), and
what only served them goes; what they did stays in the spaces' activity, under the renamed row.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suite.privacy import Kind

from .models import KEY_PREFIX, Activity, DigestSent, FeedToken, Invitation, Membership, Notice
from .notifications import space_url
from .services import member_depart


def membership_rows(member):
    memberships = Membership.objects.filter(member=member).select_related("space").order_by("created_at", "pk")
    for membership in memberships:
        yield {
            "space": membership.space.name,
            "address": space_url(membership.space),
            "role": membership.role,
            "status": membership.status,
            "since": membership.created_at,
            "weekly_digest": membership.digest,
        }


def invitation_rows(member):
    invitations = (
        Invitation.objects.filter(Q(created_by=member) | Q(used_by=member))
        .select_related("space")
        .order_by("created_at", "pk")
    )
    for invitation in invitations:
        yield {
            "space": invitation.space.name,
            "made_by_you": invitation.created_by_id == member.pk,
            "used_by_you": invitation.used_by_id == member.pk,
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
            "used_at": invitation.used_at,
        }


def notice_rows(member):
    notices = Notice.objects.filter(member=member).select_related("space").order_by("created_at", "pk")
    for notice in notices:
        yield {
            "space": notice.space.name,
            "kind": notice.kind,
            "about": str(notice.get_kind_display()),
            "created_at": notice.created_at,
            "mailed_at": notice.mailed_at,
        }


def activity_rows(member):
    activities = Activity.objects.filter(actor=member).select_related("space").order_by("created_at", "pk")
    for activity in activities:
        yield {
            "space": activity.space.name,
            "kind": activity.kind,
            "what": str(activity.get_kind_display()),
            "subject": activity.subject,
            "at": activity.created_at,
        }


def digest_rows(member):
    for week, sent_at in DigestSent.objects.filter(member=member).order_by("week", "pk").values_list("week", "sent_at"):
        yield {"week": week, "sent_at": sent_at}


def feed_rows(member):
    if FeedToken.objects.filter(member=member).exists():
        yield {"feed_token": True}


KINDS = [
    Kind(
        name="spaces.memberships",
        label=_("Your spaces"),
        purpose=_(
            "To let you into the spaces you belong to, keep your turn on a waiting list or your request, "
            "and send the weekly digest you chose."
        ),
        fields=("space", "address", "role", "status", "since", "weekly_digest"),
        rows=membership_rows,
    ),
    Kind(
        name="spaces.invitations",
        label=_("Invitations to spaces you made or used"),
        purpose=_("An invitation link lets one person in, once: it is kept to know whether it was used, and by whom."),
        fields=("space", "made_by_you", "used_by_you", "created_at", "expires_at", "used_at"),
        rows=invitation_rows,
    ),
    Kind(
        name="spaces.notices",
        label=_("Mails about your place in spaces"),
        purpose=_("Each is mailed to you once; it is kept to know that it went."),
        fields=("space", "kind", "about", "created_at", "mailed_at"),
        rows=notice_rows,
    ),
    Kind(
        name="spaces.activity",
        label=_("What you did in spaces"),
        purpose=_(
            "A space’s page, feed and weekly digest say what happened in it and who did it; it stays when "
            "you leave, under a pseudonym."
        ),
        fields=("space", "kind", "what", "subject", "at"),
        rows=activity_rows,
    ),
    Kind(
        name="spaces.digests",
        label=_("Weekly digests sent to you"),
        purpose=_("So that you get at most one digest a week."),
        fields=("week", "sent_at"),
        rows=digest_rows,
    ),
    Kind(
        name="spaces.feed",
        label=_("Your spaces’ feed link"),
        purpose=_(
            "A secret in the links of your members-only spaces’ activity feeds lets your feed reader in; "
            "the secret itself is not written here."
        ),
        fields=("feed_token",),
        rows=feed_rows,
    ),
]


def member_close(member, *, pseudonym: str, options: set[str]) -> None:
    """Leave every space through the services, then erase what served only the member.

    The feed token goes (their feed links answer 404), so do the invitations they made that were
    never used, the notices to them and the record of digests sent. Activity stays, attributed to
    the member row; no row of the app copies their name, except the attendee lists of the meeting
    notes a space writes in the wiki, where the name becomes ``pseudonym``.
    """
    from seminars.models import Attendance
    from wiki.models import WikiPage
    from wiki.services import list_names_replace

    # How the notes may have named them: as the site names them now, by their names, and as they
    # were named in the meetings they attended (the names the notes copy).
    full_name = " ".join(filter(None, (getattr(member, "first_name", ""), getattr(member, "last_name", ""))))
    names = {str(member), member.get_username(), getattr(member, "display_name", ""), full_name}
    names.update(Attendance.objects.filter(member=member).order_by().values_list("full_name", flat=True).distinct())
    names.discard(pseudonym)
    spaces_pages = WikiPage.objects.filter(scope__startswith=KEY_PREFIX)
    list_names_replace(pages=spaces_pages, names=names - {""}, replacement=pseudonym)

    member_depart(member=member)
    FeedToken.objects.filter(member=member).delete()
    Invitation.objects.filter(created_by=member, used_at__isnull=True).delete()
    Notice.objects.filter(member=member).delete()
    DigestSent.objects.filter(member=member).delete()
