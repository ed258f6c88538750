import mimetypes

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from suite.links import absolute_url
from suite.members import member_preferences
from suite.rendering import render

from . import selectors, services
from .activity import activity_line, activity_subject, activity_url
from .decorators import coordinators_only, members_only, signed_in, space_from_slug, space_path
from .errors import SpaceError
from .forms import FileForm, MeetingForm, SpaceForm
from .models import Invitation, Membership, Space
from .rules import is_coordinator, is_member, may_manage, may_see, membership_of

# The HTTP status of each refusal of the services (spaces/errors.py); any other is a 409 Conflict.
REFUSAL_STATUS = {
    "anonymous": 401,
    "no_name": 400,
    "name_too_long": 400,
    "hidden_needs_invitation": 400,
    "bad_role": 400,
    "not_allowed": 403,
    "invitation_only": 403,
    "invitation_unknown": 404,
    "invitation_used": 410,
    "invitation_expired": 410,
    "invitation_withdrawn": 410,
    "file_too_large": 413,
    "file_type": 415,
    "no_meeting": 404,
}


def refusal_status(error: SpaceError) -> int:
    return REFUSAL_STATUS.get(error.code, 409)


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def index(request):
    query = request.GET.get("q", "").strip()[:200]
    page = selectors.spaces_page(request.user, query=query, number=_page_number(request))
    return render(request, "spaces/index.html", {"page": page, "query": query})


def start(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = SpaceForm(
        request.POST or None, initial={"visibility": Space.Visibility.PUBLIC, "joining": Space.Joining.OPEN}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                space = services.space_start(
                    founder=request.user, name=form.name(), translations=form.translations(), **form.settings()
                )
            except SpaceError as error:
                form.add_error(None, error.message)
                status = refusal_status(error)
            else:
                messages.success(request, _("Your space is open. Invite others, add pages, schedule your meeting."))
                return redirect(space_path(space))
        else:
            status = 400
    return render(request, "spaces/start.html", {"form": form}, status=status)


@space_from_slug
def space(request, space):
    membership = membership_of(space, request.user)
    context = {
        "space": space,
        "membership": membership,
        "is_member": is_member(space, request.user),
        "is_coordinator": is_coordinator(space, request.user),
        "may_manage": may_manage(space, request.user),
        "member_count": selectors.member_count(space),
        "next_meeting": selectors.next_meeting(space),
        "pages": selectors.space_pages(space),
        "files": selectors.space_files(space)[:10],
        "activity": selectors.activity_page(space, number=_page_number(request)),
        # The host's layout says "Not yet translated" for the fields of this object shown in English.
        "translated_object": space,
        "feed_url": _feed_url(request, space),
        "zone": member_preferences(request.user).timezone,
        # A visitor is asked to sign in first by a link, not a form: a page with no form token is one
        # a host's anonymous page cache may keep.
        "sign_in_url": "" if request.user.is_authenticated else redirect_to_login(space_path(space)).url,
    }
    return render(request, "spaces/space.html", context)


def _feed_url(request, space) -> str:
    url = reverse("spaces:feed", kwargs={"slug": space.slug})
    if not space.is_public and request.user.is_authenticated:
        url += "?token=" + selectors.feed_token(request.user)
    return url


def _refusal_page(request, space, error: SpaceError):
    return render(request, "spaces/refused.html", {"space": space, "error": error}, status=refusal_status(error))


@require_POST
@space_from_slug
@signed_in
def join(request, space):
    try:
        membership = services.space_join(space=space, member=request.user)
    except SpaceError as error:
        return _refusal_page(request, space, error)
    messages.success(
        request,
        {
            Membership.Status.ACTIVE: _("Welcome: you are a member of this space."),
            Membership.Status.REQUESTED: _(
                "Your request is sent: a coordinator will answer, and you will be told by e-mail."
            ),
            Membership.Status.WAITING: _(
                "The space is full: you are on its waiting list and will be told when a place is yours."
            ),
        }[membership.status],
    )
    return redirect(space_path(space))


@require_POST
@space_from_slug
@signed_in
def leave(request, space):
    try:
        services.space_leave(space=space, member=request.user)
    except SpaceError as error:
        return _refusal_page(request, space, error)
    messages.success(request, _("You have left the space."))
    # A members-only space is no longer readable to the one who left it.
    return redirect(space_path(space) if space.is_public else reverse("spaces:index"))


@require_POST
@space_from_slug
@signed_in
def digest(request, space):
    try:
        services.digest_set(space=space, member=request.user, digest=request.POST.get("digest") == "on")
    except SpaceError as error:
        return _refusal_page(request, space, error)
    messages.success(request, _("Your choice of the weekly digest is saved."))
    return redirect(space_path(space))


@space_from_slug
@signed_in
@coordinators_only
def edit(request, space):
    form = SpaceForm(request.POST or None, initial=SpaceForm.initial_of(space))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                space = services.space_update(
                    space=space, by=request.user, translations=form.translations(), **form.settings()
                )
            except SpaceError as error:
                form.add_error(None, error.message)
                status = refusal_status(error)
            else:
                messages.success(request, _("The space is saved."))
                return redirect(space_path(space))
        else:
            status = 400
    return render(request, "spaces/edit.html", {"space": space, "form": form}, status=status)


@space_from_slug
def members(request, space):
    manage = may_manage(space, request.user)
    context = {
        "space": space,
        "members": selectors.active_members(space),
        "may_manage": manage,
        "requests": selectors.pending(space, Membership.Status.REQUESTED) if manage else [],
        "waiting": selectors.pending(space, Membership.Status.WAITING) if manage else [],
        "invitations": [(invitation, invitation_link(invitation)) for invitation in selectors.open_invitations(space)]
        if manage
        else [],
    }
    return render(request, "spaces/members.html", context)


def invitation_link(invitation: Invitation) -> str:
    """The link to send, on the site's address (SITE_URL), whatever host the coordinator reached it by."""
    return absolute_url(reverse("spaces:invitation", kwargs={"token": invitation.token}))


MEMBER_ACTIONS = {
    "accept": lambda space, by, member: services.request_answer(space=space, by=by, member=member, accept=True),
    "decline": lambda space, by, member: services.request_answer(space=space, by=by, member=member, accept=False),
    "remove": lambda space, by, member: services.member_remove(space=space, by=by, member=member),
    "coordinator": lambda space, by, member: services.role_set(
        space=space, by=by, member=member, role=Membership.Role.COORDINATOR
    ),
    "member": lambda space, by, member: services.role_set(
        space=space, by=by, member=member, role=Membership.Role.MEMBER
    ),
}
# Lazy: translated when shown, in the language of the request (not the one active when the module was imported).
MEMBER_ACTION_DONE = {
    "accept": gettext_lazy("The request is accepted; the member is told by e-mail."),
    "decline": gettext_lazy("The request is declined; the member is told by e-mail."),
    "remove": gettext_lazy("The member is removed from the space."),
    "coordinator": gettext_lazy("The member is now a coordinator."),
    "member": gettext_lazy("The coordinator is now a member."),
}


@require_POST
@space_from_slug
@signed_in
@coordinators_only
def member_action(request, space, member_id: int, action: str):
    if action not in MEMBER_ACTIONS:
        raise Http404(_("There is no such action."))
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.filter(pk=member_id).first()
    if member is None:
        raise Http404(_("There is no such member."))
    try:
        MEMBER_ACTIONS[action](space, request.user, member)
    except SpaceError as error:
        return _refusal_page(request, space, error)
    messages.success(request, str(MEMBER_ACTION_DONE[action]))
    return redirect(reverse("spaces:members", kwargs={"slug": space.slug}))


@require_POST
@space_from_slug
@signed_in
@coordinators_only
def invite(request, space):
    invitation = services.invitation_create(space=space, by=request.user)
    link = invitation_link(invitation)
    messages.success(request, _("Send this link to the person you invite; it works once: %(link)s") % {"link": link})
    return redirect(reverse("spaces:members", kwargs={"slug": space.slug}))


def invitation(request, token: str):
    """The invitation's page: what the space is, and a button to accept (after signing in)."""
    found = Invitation.objects.select_related("space").filter(token=token).first()
    try:
        services.invitation_check(found)
    except SpaceError as error:
        return _refusal_page(request, None, error)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(token=token, member=request.user)
        except SpaceError as error:
            return _refusal_page(request, found.space, error)
        messages.success(request, _("Welcome: you are a member of this space."))
        return redirect(space_path(found.space))
    return render(request, "spaces/invitation.html", {"invitation": found, "space": found.space})


@space_from_slug
def files(request, space):
    form = FileForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not is_member(space, request.user):
            return _refusal_page(
                request, space, SpaceError(_("Only members of this space can share files in it."), code="not_allowed")
            )
        if form.is_valid():
            try:
                services.file_add(
                    space=space, by=request.user, upload=form.cleaned_data["file"], title=form.cleaned_data["title"]
                )
            except SpaceError as error:
                form.add_error("file", error.message)
                status = refusal_status(error)
            else:
                messages.success(request, _("The file is shared with the space."))
                return redirect(reverse("spaces:files", kwargs={"slug": space.slug}))
        else:
            status = 400
    context = {
        "space": space,
        "files": selectors.space_files(space),
        "form": form,
        "is_member": is_member(space, request.user),
    }
    return render(request, "spaces/files.html", context, status=status)


@space_from_slug
def file(request, space, document_id: int, filename: str):
    """A file of the space, served by the app (members only for a members-only space), never from a public URL."""
    document = selectors.space_files(space).filter(pk=document_id).first()
    if document is None:
        raise Http404(_("There is no such file in this space."))
    content_type = mimetypes.guess_type(document.filename)[0] or "application/octet-stream"
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=content_type != "application/pdf",
        filename=document.filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not space.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


@space_from_slug
@signed_in
@coordinators_only
def meeting(request, space):
    zone = member_preferences(request.user).timezone
    form = MeetingForm(request.POST or None, initial={"timezone": str(zone), "duration_minutes": 60})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            import datetime

            data = form.cleaned_data
            try:
                services.meeting_schedule(
                    space=space,
                    by=request.user,
                    start_local=datetime.datetime.combine(data["start_date"], data["start_time"]),
                    timezone_name=data["timezone"],
                    every_weeks=data["every_weeks"],
                    occurrences=data["occurrences"],
                    duration_minutes=data["duration_minutes"],
                )
            except SpaceError as error:
                form.add_error(None, error.message)
                status = refusal_status(error)
            except Exception as error:  # seminars' refusal (a time that does not exist, say)
                from seminars.errors import SeminarError

                if not isinstance(error, SeminarError):
                    raise
                form.add_error(None, error.message)
                status = 400
            else:
                messages.success(request, _("The meetings are scheduled; members find them in their calendars."))
                return redirect(space_path(space))
        else:
            status = 400
    return render(request, "spaces/meeting.html", {"space": space, "form": form}, status=status)


@require_POST
@space_from_slug
@signed_in
@members_only
def meeting_notes(request, space, webinar_id: int):
    try:
        page = services.meeting_notes_create(space=space, webinar_id=webinar_id, by=request.user)
    except SpaceError as error:
        return _refusal_page(request, space, error)
    return redirect(reverse("wiki:page", kwargs={"slug": page.slug}))


class ActivityFeed(Feed):
    """What happened in a space, newest first (Atom); a members-only space's feed needs a member's token."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # A feed reader sends the member's token, not a session: its times are in that member's zone.
        token = request.GET.get("token", "")
        reader = request.feed_reader = selectors.member_by_feed_token(token) if token else None
        if reader is None:
            return super().__call__(request, *args, **kwargs)
        with timezone.override(member_preferences(reader).timezone):
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug):
        space = selectors.space_by_slug(slug)
        reader = request.user
        if space is not None and not may_see(space, reader):
            reader = request.feed_reader or reader  # the token's member, looked up once in __call__
        if space is None or not may_see(space, reader):
            raise Http404(_("There is no such space."))
        return space

    def title(self, space):
        return _("Activity in %(space)s") % {"space": space.name}

    def link(self, space):
        return space_path(space)

    def description(self, space):
        return space.purpose

    def items(self, space):
        return selectors.activity_page(space, number=1).object_list

    def item_title(self, activity):
        return activity_line(activity)

    def item_description(self, activity):
        return activity_subject(activity)

    def item_link(self, activity):
        return activity_url(activity) or space_path(activity.space) + f"#activity-{activity.pk}"

    def item_pubdate(self, activity):
        return activity.created_at

    def item_author_name(self, activity):
        return selectors.display_name(activity.actor) if activity.actor else None
