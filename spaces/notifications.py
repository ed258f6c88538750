"""Mail to members about their spaces, in their own language: notices of their place, and the weekly digest."""

import datetime

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suite.links import absolute_url
from suite.members import member_locale

from .models import ACTIVE, Activity, DigestSent, Membership, Notice

SUBJECTS = {
    Notice.Kind.REQUESTED: _("%(member)s asks to join %(space)s"),
    Notice.Kind.ACCEPTED: _("Welcome to %(space)s"),
    Notice.Kind.DECLINED: _("Your request to join %(space)s"),
    Notice.Kind.PROMOTED: _("A place is yours in %(space)s"),
    Notice.Kind.REMOVED: _("You are no longer a member of %(space)s"),
    Notice.Kind.COORDINATOR: _("You coordinate %(space)s now"),
}


# A request accepted while every place was taken: the member waits for one, so no "welcome".
ACCEPTED_WAITING_SUBJECT = _("Your request to join %(space)s")


def space_url(space) -> str:
    return absolute_url(reverse("spaces:space", kwargs={"slug": space.slug}))


@transaction.atomic
def notice_mail(*, notice_id: int) -> bool:
    """Send one notice unless it went already (its row locked while sending); True if sent now."""
    notice = (
        Notice.objects.select_for_update(of=("self",)).select_related("member", "space", "about").filter(pk=notice_id)
    ).first()
    # Gone (its member closed their account after it was queued), sent already, or to no address.
    if notice is None or notice.mailed_at or not notice.member.email:
        return False
    waiting = (
        notice.kind == Notice.Kind.ACCEPTED
        and Membership.objects.filter(
            space=notice.space, member=notice.member, status=Membership.Status.WAITING
        ).exists()
    )
    with member_locale(notice.member):
        about = str(notice.about) if notice.about else ""
        subject = (ACCEPTED_WAITING_SUBJECT if waiting else SUBJECTS[notice.kind]) % {
            "space": notice.space.name,
            "member": about,
        }
        body = render_to_string(
            "spaces/mail/notice.txt",
            {
                "notice": notice,
                "waiting": waiting,
                "about": about,
                "space": notice.space,
                "space_url": space_url(notice.space),
                "members_url": absolute_url(reverse("spaces:members", kwargs={"slug": notice.space.slug})),
            },
        )
    send_mail(subject, body, None, [notice.member.email])
    notice.mailed_at = timezone.now()
    notice.save(update_fields=["mailed_at"])
    return True


def _without_address() -> dict:
    """The lookup of members with no e-mail address (a closed account has none): no mail goes to them."""
    return {f"member__{get_user_model().get_email_field_name()}": ""}


def notices_mail_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """Mail the notices a broker outage kept from being sent; how many went.

    Notices to members without an address are left out: they would never go, and would take the
    place of those that can.
    """
    cutoff = timezone.now() - older_than
    pending = (
        Notice.objects.filter(mailed_at__isnull=True, created_at__lt=cutoff)
        .exclude(**_without_address())
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    return sum(notice_mail(notice_id=notice_id) for notice_id in list(pending[:500]))


def week_of(moment: datetime.datetime) -> datetime.date:
    day = timezone.localdate(moment, timezone=datetime.UTC)
    return day - datetime.timedelta(days=day.weekday())


DIGEST_DAYS = 7
DIGEST_ITEMS_PER_SPACE = 10


def digest_send(*, member_id: int, now: datetime.datetime | None = None) -> bool:
    """This week's digest for one member: what happened in their spaces in the last seven days; never twice a week."""
    now = now or timezone.now()
    member = get_user_model().objects.get(pk=member_id)
    since = now - datetime.timedelta(days=DIGEST_DAYS)
    spaces = [
        m.space
        for m in Membership.objects.filter(ACTIVE, member=member, digest=True)
        .select_related("space")
        .order_by("space__slug")
    ]
    news = []
    for space in spaces:
        items = list(
            Activity.objects.filter(space=space, created_at__gte=since, created_at__lte=now)
            .exclude(actor=member)
            .select_related("actor", "webinar")[:DIGEST_ITEMS_PER_SPACE]
        )
        if items:
            news.append((space, space_url(space), items))
    if not news or not member.email:
        return False
    try:
        with transaction.atomic():
            DigestSent.objects.create(member=member, week=week_of(now))
            with member_locale(member):
                subject = str(_("This week in your spaces"))
                body = render_to_string("spaces/mail/digest.txt", {"member": member, "news": news})
            send_mail(subject, body, None, [member.email])
    except IntegrityError:
        return False  # sent already this week
    return True


def digest_recipients(*, now: datetime.datetime | None = None) -> list[int]:
    """Members with the digest on in a space where something happened this week, who have not had it yet."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=DIGEST_DAYS)
    busy = Activity.objects.filter(created_at__gte=since).values("space_id")
    sent = DigestSent.objects.filter(week=week_of(now)).values("member_id")
    return list(
        Membership.objects.filter(ACTIVE, digest=True, space_id__in=busy)
        .exclude(member_id__in=sent)
        .exclude(**_without_address())
        .order_by()  # the default ordering's columns would make each membership distinct: one row per member
        .values_list("member_id", flat=True)
        .distinct()
    )
