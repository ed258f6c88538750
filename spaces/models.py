"""Spaces: working groups of members with their meeting series, wiki pages, files and what happened in them.

A space is named to the wiki and to seminars by its ``key`` ("space:12"): its wiki pages carry it
as their scope, its meetings as their audience group. Those apps never import this one.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string

KEY_PREFIX = "space:"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Space(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public: anyone may read it")
        MEMBERS = "members", _("members only: hidden from everyone else")

    class Joining(models.TextChoices):
        OPEN = "open", _("open: anyone signed in may join")
        REQUEST = "request", _("on request: a coordinator accepts each member")
        INVITATION = "invitation", _("by invitation only")

    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    founder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("founder"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    joining = models.CharField(_("joining"), max_length=10, choices=Joining.choices, default=Joining.OPEN)
    member_limit = models.PositiveIntegerField(_("member limit"), null=True, blank=True, help_text=_("Empty: no limit"))
    waiting_list = models.BooleanField(
        _("waiting list"), default=False, help_text=_("When the space is full, newcomers wait for a place in turn.")
    )
    # The Wagtail documents collection holding the space's files.
    collection = models.OneToOneField(
        "wagtailcore.Collection", null=True, editable=False, on_delete=models.SET_NULL, related_name="space"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False, db_index=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["-created_at", "-id"]
        permissions = [("manage_spaces", _("Can manage every space"))]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """The space's name in the wiki (page scope) and in seminars (audience group)."""
        return f"{KEY_PREFIX}{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


def space_id_of(key: str) -> int | None:
    """The id in a key such as "space:12", or None if the key is not a space's."""
    if not key.startswith(KEY_PREFIX) or not key[len(KEY_PREFIX) :].isdigit():
        return None
    return int(key[len(KEY_PREFIX) :])


class Membership(models.Model):
    """A member's place in a space: active, asked for (on request) or waiting for a place (when full)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        MEMBER = "member", _("member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("member")
        REQUESTED = "requested", _("asked to join")
        WAITING = "waiting", _("on the waiting list")

    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="space_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # When the member asked, joined or started waiting: the waiting list's order.
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    digest = models.BooleanField(_("weekly digest"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["space", "member"], name="spaces_one_membership")]
        indexes = [
            models.Index(fields=["space", "status", "created_at"], name="spaces_membership_queue"),
            models.Index(fields=["member", "status"], name="spaces_membership_of_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.space}"


ACTIVE = Q(status=Membership.Status.ACTIVE)


class Invitation(models.Model):
    """A link that lets one person in, once, until it expires."""

    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("used by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"invitation to {self.space}"


class Activity(models.Model):
    """One thing that happened in a space, for its page, its Atom feed and the weekly digest."""

    class Kind(models.TextChoices):
        STARTED = "started", _("started the space")
        JOINED = "joined", _("joined")
        LEFT = "left", _("left")
        PAGE = "page", _("edited a page")
        FILE = "file", _("shared a file")
        MEETING = "meeting", _("scheduled the meetings")
        MEETING_HELD = "held", _("a meeting took place")
        RECORDING = "recording", _("a recording is available")

    space = models.ForeignKey(Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What it is about, as it was then: a page's title, a file's name, a meeting's date.
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # Where to read more: the page, file or meeting, while it exists (its address is built for each reader).
    page = models.ForeignKey("wiki.WikiPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    document = models.ForeignKey(
        get_document_model_string(), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    webinar = models.ForeignKey("seminars.Webinar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["space", "-created_at", "-id"], name="spaces_activity_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.space}"


class Notice(models.Model):
    """A mail to a member about their place in a space (the outbox: sent once, by Celery, in their language)."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("someone asks to join")
        ACCEPTED = "accepted", _("your request was accepted")
        DECLINED = "declined", _("your request was declined")
        PROMOTED = "promoted", _("a place is yours")
        REMOVED = "removed", _("you were removed")
        COORDINATOR = "coordinator", _("you are now a coordinator")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="notices")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Who the notice is about, when it goes to someone else (a request, to the coordinators).
    about = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("space notice")
        verbose_name_plural = _("space notices")
        indexes = [models.Index(fields=["mailed_at", "created_at"], name="spaces_notice_outbox")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.member} about {self.space}"


class FeedToken(models.Model):
    """The secret in a member's activity feed links of members-only spaces; renewing it revokes the old."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = _("activity feed token")
        verbose_name_plural = _("activity feed tokens")

    def __str__(self) -> str:
        return f"feed token of {self.member}"


class DigestSent(models.Model):
    """The weekly digest a member got: the unique row means never twice in a week."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The Monday of the week")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [models.UniqueConstraint(fields=["member", "week"], name="spaces_one_digest_a_week")]

    def __str__(self) -> str:
        return f"digest of {self.week} to {self.member}"
