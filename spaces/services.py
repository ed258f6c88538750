"""Writes of the spaces app: start and edit a space, join, leave, requests, invitations, roles, meetings, files.

Every write that changes who holds a place locks the space's row first and counts only then, so
thirty people joining a space with ten places at the same instant leave exactly ten members: on
PostgreSQL by SELECT ... FOR UPDATE, on SQLite because the transaction is IMMEDIATE (the writer
lock is taken at BEGIN). The unique (space, member) constraint stands behind a double join.
"""

import datetime
import os
import secrets

from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modeltranslation.settings import AVAILABLE_LANGUAGES, DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname
from wagtail.documents import get_document_model
from wagtail.models import Collection

from suite.moments import moment_text
from suite.tasks import enqueue_on_commit

from .conf import app_settings
from .errors import SpaceError
from .models import ACTIVE, Activity, Invitation, Membership, Notice, Space
from .rules import is_site_manager, may_manage
from .selectors import display_name

MAX_NAME_LENGTH = 200


def _locked(space: Space) -> Space:
    return Space.objects.select_for_update().get(pk=space.pk)


def _record(space: Space, kind: str, *, actor=None, subject: str = "", **about) -> Activity:
    """News in the space; ``about`` names its page, document or webinar."""
    return Activity.objects.create(space=space, kind=kind, actor=actor, subject=subject[:255], **about)


def _notify(space: Space, member, kind: str, *, about=None) -> Notice:
    """A mail to ``member``, sent by Celery after commit (the outbox row stays for the sweep if the broker is down)."""
    from .tasks import send_notice_mail

    notice = Notice.objects.create(space=space, member=member, kind=kind, about=about)
    enqueue_on_commit(send_notice_mail, notice_id=notice.pk)
    return notice


def _membership(space: Space, member) -> Membership | None:
    return Membership.objects.filter(space=space, member=member).first()


def _check_manager(space: Space, by) -> None:
    """Coordinators of the space and site staff manage it; anyone else is refused."""
    coordinates = Membership.objects.filter(
        ACTIVE, space=space, member_id=getattr(by, "pk", None), role=Membership.Role.COORDINATOR
    ).exists()
    if not (coordinates or is_site_manager(by)):
        raise SpaceError(_("Only the coordinators of this space can do that."), code="not_allowed")


def _has_room(space: Space) -> bool:
    if space.member_limit is None:
        return True
    return Membership.objects.filter(ACTIVE, space=space).count() < space.member_limit


def _full() -> SpaceError:
    return SpaceError(_("This space is full: it has no place for another member."), code="full")


def _promote(space: Space) -> list[Membership]:
    """Give free places to those waiting, first come first served (the space already locked)."""
    promoted = []
    while _has_room(space):
        waiting = (
            Membership.objects.filter(space=space, status=Membership.Status.WAITING)
            .order_by("created_at", "id")
            .select_related("member")
            .first()
        )
        if waiting is None:
            break
        waiting.status = Membership.Status.ACTIVE
        waiting.save(update_fields=["status"])
        _record(space, Activity.Kind.JOINED, actor=waiting.member)
        _notify(space, waiting.member, Notice.Kind.PROMOTED)
        promoted.append(waiting)
    return promoted


def _admit(space: Space, member, *, membership: Membership | None = None) -> Membership:
    """A place for ``member`` if there is one, else the waiting list if the space keeps one, else 'full'."""
    if _has_room(space):
        status = Membership.Status.ACTIVE
    elif space.waiting_list:
        status = Membership.Status.WAITING
    else:
        raise _full()
    if membership is None:
        membership = Membership.objects.create(space=space, member=member, status=status)
    else:
        membership.status, membership.created_at = status, timezone.now()
        membership.save(update_fields=["status", "created_at"])
    if status == Membership.Status.ACTIVE:
        _record(space, Activity.Kind.JOINED, actor=member)
    return membership


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:70].strip("-") or "space"
    slug, n = base, 1
    while Space.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_may_start(founder) -> None:
    if founder is None or not founder.is_authenticated:
        raise SpaceError(_("Sign in to start a space."), code="anonymous")
    permission = app_settings.START_PERMISSION
    if permission and not founder.has_perm(permission):
        raise SpaceError(
            _("Starting a space is open to members given that right; ask a coordinator."), code="not_allowed"
        )


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise SpaceError(_("Give the space a name."), code="no_name")
    if len(name) > MAX_NAME_LENGTH:
        raise SpaceError(_("Keep the name to %(limit)s characters.") % {"limit": MAX_NAME_LENGTH}, code="name_too_long")
    return name


def _joining_for(visibility: str, joining: str | None) -> str:
    """How members join: by default open, or by invitation for a members-only space, the only way into one.

    A members-only space is not there for anyone else (404), so no one could find it to join or ask.
    """
    hidden = visibility == Space.Visibility.MEMBERS
    if joining is None:
        return Space.Joining.INVITATION if hidden else Space.Joining.OPEN
    if hidden and joining != Space.Joining.INVITATION:
        raise SpaceError(
            _("No one else can see a members-only space, so it takes new members by invitation only: choose that."),
            code="hidden_needs_invitation",
        )
    return joining


@transaction.atomic
def space_start(
    *,
    founder,
    name: str,
    purpose: str = "",
    visibility: str = Space.Visibility.PUBLIC,
    joining: str | None = None,
    member_limit: int | None = None,
    waiting_list: bool = False,
    slug: str = "",
    translations: dict | None = None,
    logo=None,
) -> Space:
    """A new space whose founder is its first coordinator, with a documents collection for its files."""
    _check_may_start(founder)
    name = _clean_name(name)
    joining = _joining_for(visibility, joining)
    if slug and Space.objects.filter(slug=slug).exists():
        raise SpaceError(_("Another space has that address; choose another."), code="slug_taken")
    collection = Collection.get_first_root_node().add_child(name=name[:255])
    space = Space(
        slug=slug or _unique_slug(name),
        name=name,
        purpose=purpose.strip(),
        visibility=visibility,
        joining=joining,
        member_limit=member_limit,
        waiting_list=waiting_list,
        founder=founder,
        collection=collection,
        logo=logo,
        **(translations or {}),
    )
    try:
        with transaction.atomic():
            space.save(force_insert=True)
    except IntegrityError:
        raise SpaceError(_("Another space has that address; choose another."), code="slug_taken") from None
    Membership.objects.create(space=space, member=founder, role=Membership.Role.COORDINATOR)
    _record(space, Activity.Kind.STARTED, actor=founder)
    return space


EDITABLE = {"name", "purpose", "visibility", "joining", "member_limit", "waiting_list", "logo"}


@transaction.atomic
def space_update(*, space: Space, by, translations: dict | None = None, **fields) -> Space:
    """Change what a coordinator may change; a change of visibility hides or shows the space's wiki pages too."""
    from wiki.services import scope_set_private

    _check_manager(space, by)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"space_update cannot change {sorted(unknown)}")
    locked = _locked(space)
    was_public = locked.is_public
    if "name" in fields:
        fields["name"] = _clean_name(fields["name"])
    for field, value in {**fields, **(translations or {})}.items():
        setattr(locked, field, value)
    _joining_for(locked.visibility, locked.joining)
    locked.save()
    if locked.is_public != was_public:
        scope_set_private(scope=locked.key, private=not locked.is_public)
    _promote(locked)
    return locked


@transaction.atomic
def space_join(*, space: Space, member) -> Membership:
    """Join an open space, ask to join one on request, or wait for a place; refused with a clear reason otherwise."""
    if member is None or not member.is_authenticated:
        raise SpaceError(_("Sign in to join a space."), code="anonymous")
    space = _locked(space)
    membership = _membership(space, member)
    if membership is not None:
        raise {
            Membership.Status.ACTIVE: SpaceError(_("You are already a member of this space."), code="already_member"),
            Membership.Status.REQUESTED: SpaceError(
                _("You have asked to join already; a coordinator will answer."), code="already_requested"
            ),
            Membership.Status.WAITING: SpaceError(_("You are on the waiting list already."), code="already_waiting"),
        }[membership.status]
    if space.joining == Space.Joining.INVITATION:
        raise SpaceError(_("This space takes new members by invitation only."), code="invitation_only")
    if space.joining == Space.Joining.REQUEST:
        membership = Membership.objects.create(space=space, member=member, status=Membership.Status.REQUESTED)
        for coordinator in space.memberships.filter(ACTIVE, role=Membership.Role.COORDINATOR).select_related("member"):
            _notify(space, coordinator.member, Notice.Kind.REQUESTED, about=member)
        return membership
    return _admit(space, member)


@transaction.atomic
def space_leave(*, space: Space, member) -> None:
    """Leave (or withdraw a request, or stop waiting); the first on the waiting list takes the place."""
    space = _locked(space)
    membership = _membership(space, member)
    if membership is None:
        raise SpaceError(_("You are not a member of this space."), code="not_member")
    _check_not_last_coordinator(space, membership)
    membership.delete()
    if membership.status == Membership.Status.ACTIVE:
        _record(space, Activity.Kind.LEFT, actor=member)
        _promote(space)


def _is_last_coordinator(space: Space, membership: Membership) -> bool:
    if membership.role != Membership.Role.COORDINATOR or membership.status != Membership.Status.ACTIVE:
        return False
    others = space.memberships.filter(ACTIVE, role=Membership.Role.COORDINATOR).exclude(pk=membership.pk)
    return not others.exists()


@transaction.atomic
def member_depart(*, member) -> list[Membership]:
    """A member whose account closes leaves every space, as a leave does; the coordinators handed over.

    A place they held goes to the first on the waiting list, a request of theirs is withdrawn (its
    notices to the coordinators, if not mailed yet, with it). Where they were the last coordinator,
    the longest-standing member (the earliest joined, those just given a place included) becomes
    coordinator and is told; a space left with no member keeps none, and site staff
    (``spaces.manage_spaces``) manage it. Returns the memberships made coordinator.
    """
    handed = []
    space_ids = Membership.objects.filter(member=member).values("space_id")
    for space in Space.objects.filter(pk__in=space_ids).order_by("pk"):
        space = _locked(space)
        membership = _membership(space, member)
        if membership is None:
            continue
        last = _is_last_coordinator(space, membership)
        membership.delete()
        Notice.objects.filter(space=space, about=member, mailed_at__isnull=True).delete()
        if membership.status == Membership.Status.ACTIVE:
            _record(space, Activity.Kind.LEFT, actor=member)
            _promote(space)
        if last:
            successor = space.memberships.filter(ACTIVE).order_by("created_at", "id").select_related("member").first()
            if successor is not None:
                successor.role = Membership.Role.COORDINATOR
                successor.save(update_fields=["role"])
                _notify(space, successor.member, Notice.Kind.COORDINATOR)
                handed.append(successor)
    return handed


def _check_not_last_coordinator(space: Space, membership: Membership) -> None:
    if _is_last_coordinator(space, membership):
        raise SpaceError(
            _("A space needs a coordinator: hand the role to another member first."), code="last_coordinator"
        )


@transaction.atomic
def request_answer(*, space: Space, by, member, accept: bool) -> Membership | None:
    """A coordinator accepts (a place, or the waiting list) or declines a request; the requester is told."""
    _check_manager(space, by)
    space = _locked(space)
    membership = _membership(space, member)
    if membership is None or membership.status != Membership.Status.REQUESTED:
        raise SpaceError(
            _("There is no request from this member to answer (it may have been answered already)."), code="no_request"
        )
    if not accept:
        membership.delete()
        _notify(space, member, Notice.Kind.DECLINED)
        return None
    membership = _admit(space, member, membership=membership)
    _notify(space, member, Notice.Kind.ACCEPTED)
    return membership


@transaction.atomic
def invitation_create(*, space: Space, by) -> Invitation:
    """A single-use link into the space, valid for SPACES_INVITATION_DAYS."""
    _check_manager(space, by)
    expires_at = timezone.now() + datetime.timedelta(days=app_settings.INVITATION_DAYS)
    return Invitation.objects.create(space=space, created_by=by, expires_at=expires_at)


def invitation_check(invitation: Invitation | None, *, now: datetime.datetime | None = None) -> Invitation:
    """The invitation if it can still be used, else the reason it cannot."""
    if invitation is None:
        raise SpaceError(
            _("This invitation link is not known: check that it was copied whole."), code="invitation_unknown"
        )
    if invitation.used_at is not None:
        raise SpaceError(
            _("This invitation has been used already; ask the space's coordinators for a new one."),
            code="invitation_used",
        )
    if invitation.created_by is None or not may_manage(invitation.space, invitation.created_by):
        # A coordinator who stepped down or was removed takes back the links they made.
        raise SpaceError(
            _("Whoever made this invitation no longer coordinates the space; ask its coordinators for a new one."),
            code="invitation_withdrawn",
        )
    if invitation.expires_at <= (now or timezone.now()):
        raise SpaceError(
            _("This invitation has expired; ask the space's coordinators for a new one."), code="invitation_expired"
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, member) -> Membership:
    """Join by invitation (whatever the space's way of joining), using the link up; a request waiting is granted."""
    if member is None or not member.is_authenticated:
        raise SpaceError(_("Sign in to accept the invitation."), code="anonymous")
    invitation = invitation_check(Invitation.objects.select_for_update().filter(token=token).first())
    space = _locked(invitation.space)
    membership = _membership(space, member)
    if membership is not None and membership.status == Membership.Status.ACTIVE:
        raise SpaceError(_("You are already a member of this space."), code="already_member")
    if not _has_room(space):
        raise _full()
    membership = _admit(space, member, membership=membership)
    invitation.used_by, invitation.used_at = member, timezone.now()
    invitation.save(update_fields=["used_by", "used_at"])
    return membership


@transaction.atomic
def member_remove(*, space: Space, by, member) -> None:
    """A coordinator removes a member (not the last coordinator); the member is told, a waiting one takes the place."""
    _check_manager(space, by)
    space = _locked(space)
    membership = _membership(space, member)
    if membership is None or membership.status != Membership.Status.ACTIVE:
        raise SpaceError(_("This person is not a member of the space."), code="not_member")
    _check_not_last_coordinator(space, membership)
    membership.delete()
    _notify(space, member, Notice.Kind.REMOVED)
    _record(space, Activity.Kind.LEFT, actor=member)
    _promote(space)


@transaction.atomic
def role_set(*, space: Space, by, member, role: str) -> Membership:
    """Make a member a coordinator, or a coordinator a member again (never the last one)."""
    _check_manager(space, by)
    space = _locked(space)
    membership = _membership(space, member)
    if membership is None or membership.status != Membership.Status.ACTIVE:
        raise SpaceError(_("This person is not a member of the space."), code="not_member")
    if role not in Membership.Role.values:
        raise SpaceError(_("Choose coordinator or member."), code="bad_role")
    if role == Membership.Role.MEMBER:
        _check_not_last_coordinator(space, membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def digest_set(*, space: Space, member, digest: bool) -> Membership:
    membership = _membership(space, member)
    if membership is None:
        raise SpaceError(_("You are not a member of this space."), code="not_member")
    membership.digest = digest
    membership.save(update_fields=["digest"])
    return membership


def _check_file(upload) -> str:
    """The upload's extension if size and type are allowed, else a clear refusal."""
    size, limit = upload.size, app_settings.MAX_FILE_BYTES
    if size > limit:
        raise SpaceError(
            _("The file is too large: %(size)s, and a space takes files of at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    extension = os.path.splitext(upload.name)[1].lstrip(".").lower()
    allowed = [ext.lower() for ext in app_settings.FILE_EXTENSIONS]
    if extension not in allowed:
        raise SpaceError(
            _("Files of this type (%(extension)s) cannot be shared here. Allowed: %(allowed)s.")
            % {"extension": extension or _("no extension"), "allowed": ", ".join(allowed)},
            code="file_type",
        )
    return extension


@transaction.atomic
def file_add(*, space: Space, by, upload, title: str = ""):
    """A member shares a file: a Wagtail document in the space's collection."""
    if not Membership.objects.filter(ACTIVE, space=space, member_id=getattr(by, "pk", None)).exists():
        raise SpaceError(_("Only members of this space can share files in it."), code="not_allowed")
    _check_file(upload)
    if space.collection_id is None:
        space.collection = Collection.get_first_root_node().add_child(name=space.name[:255])
        space.save(update_fields=["collection"])
    title = " ".join((title or os.path.splitext(os.path.basename(upload.name))[0]).split())[:255]
    document = get_document_model()(title=title or upload.name, collection=space.collection, uploaded_by_user=by)
    # Stored in a folder of a name nobody can guess: a web server may serve MEDIA_URL to anyone (docs/deploy.md), and
    # a space may be members-only now or later. Served by its name (Document.filename) all the same.
    document.file.save(f"{secrets.token_hex(16)}/{os.path.basename(upload.name)}", upload, save=False)
    # Its size (listed with the file) and hash (the ETag of Wagtail's serve view), as Wagtail's own upload sets them.
    document._set_document_file_metadata()
    document.save()
    _record(space, Activity.Kind.FILE, actor=by, subject=document.title, document=document)
    return document


def _meeting_title(space: Space, language: str) -> str:
    """ "Meeting: <the space's name>" in ``language``, with the name in that language if it has one."""
    name = getattr(space, build_localized_fieldname("name", language), "") or space.name
    with translation.override(language):
        return str(_("Meeting: %(space)s") % {"space": name})[:255]


@transaction.atomic
def meeting_schedule(
    *,
    space: Space,
    by,
    start_local: datetime.datetime,
    timezone_name: str,
    every_weeks: int = 2,
    occurrences: int = 6,
    duration_minutes: int = 60,
    record: bool = False,
) -> list:
    """The space's regular meeting: a seminars series for the space's members, its coordinators as hosts."""
    from seminars.models import Webinar
    from seminars.services import webinar_schedule

    _check_manager(space, by)
    titles = {
        build_localized_fieldname("title", language): _meeting_title(space, language)
        for language in AVAILABLE_LANGUAGES
    }
    webinars = webinar_schedule(
        title=_meeting_title(space, DEFAULT_LANGUAGE),
        start_local=start_local,
        timezone_name=timezone_name,
        duration_minutes=duration_minutes,
        # No tutors: who hosts is the space's coordinators of the day (SEMINARS_AUDIENCES' role), not those of the
        # day it was scheduled; a tutor would keep seeing and hosting a members-only space's meetings after leaving it.
        tutors=[],
        created_by=by,
        audience=Webinar.Audience.GROUP,
        audience_group=space.key,
        record=record,
        occurrences=occurrences,
        every_weeks=every_weeks,
        translations=titles,
    )
    first = webinars[0].local_start
    _record(
        space,
        Activity.Kind.MEETING,
        actor=by,
        # Kept in this fixed form, for once the meeting is deleted: activity_subject() writes it for the reader.
        subject=first.strftime("%Y-%m-%d %H:%M ") + timezone_name,
        webinar=webinars[0],
    )
    return webinars


NOTES_TEMPLATE = _(
    """Meeting of %(space)s on %(date)s (%(zone)s).

## Attendees

%(attendees)s

## Agenda

1.

## Decisions

-
"""
)


def meeting_notes_create(*, space: Space, webinar_id: int, by, language: str | None = None):
    """The wiki page of a meeting's notes, in the space, from the template; the same page again if it exists."""
    from seminars.models import Webinar
    from wiki.errors import WikiError
    from wiki.markdown import slug_for
    from wiki.models import WikiPage
    from wiki.services import page_create

    if not Membership.objects.filter(ACTIVE, space=space, member_id=getattr(by, "pk", None)).exists():
        raise SpaceError(_("Only members of this space can write its meeting notes."), code="not_allowed")
    webinar = Webinar.objects.filter(pk=webinar_id, audience_group=space.key).first()
    if webinar is None:
        raise SpaceError(_("This meeting is not one of this space's."), code="no_meeting")
    language = language or translation.get_language()
    local = webinar.local_start
    with translation.override(language):
        title = str(_("Meeting notes: %(space)s, %(date)s") % {"space": space.name, "date": local.strftime("%Y-%m-%d")})
        existing = WikiPage.objects.filter(language=language, slug=slug_for(title), scope=space.key).first()
        if existing is not None:
            return existing
        names = list(webinar.attendances.exclude(member=None).values_list("full_name", flat=True))
        if not names:
            names = [display_name(m.member) for m in space.memberships.filter(ACTIVE).select_related("member")]
        with timezone.override(webinar.timezone):  # the notes are everyone's: the meeting's own zone
            when = moment_text(webinar.starts_at, zone=False, relative=False)
        text = NOTES_TEMPLATE % {
            "space": space.name,
            "date": when,
            "zone": webinar.timezone,
            "attendees": "\n".join(f"- {name}" for name in names),
        }
    try:
        return page_create(
            title=title, language=language, text=text, author=by, scope=space.key, private=not space.is_public
        )
    except WikiError as error:
        raise SpaceError(error.message, code="notes_" + error.code) from error
