import csv
import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from courses.models import CourseModulePage
from suite.members import member_preferences, search_members
from suite.rendering import render

from . import ics, services
from .bbb import BBBError
from .decorators import moderator_required, scheduler_required, signed_in_unless_public, visible_webinar_or_404
from .errors import CallbackError, JoinError, ScheduleError, SeminarError
from .forms import EditForm, ScheduleForm, with_cotutors
from .models import Recording, Webinar
from .permissions import can_moderate, can_name_tutors
from .selectors import (
    calendar_feed_by_token,
    member_feed_webinars,
    module_webinars,
    session_view,
    upcoming_webinars_page,
    visible_attendances,
)

BBB_DOWN = gettext_lazy(
    "The video-meeting server is not answering right now. Nothing is lost: please try again in a minute."
)

# The HTTP status of each refusal of the services (seminars/errors.py); any other is a 409 Conflict.
REFUSAL_STATUS = {
    "no_name": 400,
    "no_consent": 400,
    "bad_series": 400,
    "no_group": 400,
    "group_with_module": 400,
    "unknown_zone": 400,
    "nonexistent_time": 400,
    "bad_token": 401,
    "forbidden": 403,
    "not_open": 403,
    "bad_signature": 403,
    "cancelled": 410,
    "ended": 410,
    "unknown_meeting": 410,
}


def refusal_status(error: SeminarError) -> int:
    return REFUSAL_STATUS.get(error.code, 409)


PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def webinar_list(request):
    """The sessions to come, 20 to a page; a page number that is not one, or past the last page, is a 404."""
    number = request.GET.get("page") or "1"
    webinars = upcoming_webinars_page(request.user, number=int(number)) if PAGE_NUMBER.fullmatch(number) else None
    if webinars is None or (webinars.has_previous and not webinars.webinars):
        raise Http404(_("The list of sessions has no such page."))
    return render(request, "seminars/list.html", {"webinars": webinars})


def webinar_detail(request, pk, *, error: str = "", status: int = 200):
    """The session's page; with ``error``, the reason a click on it was refused, under ``status``."""
    webinar = visible_webinar_or_404(request.user, pk, Webinar.objects.select_related("module"))
    view = session_view(webinar, request.user)
    context = {
        "webinar": webinar,
        "translated_object": webinar,
        "moderator": view.moderator,
        "joinable": view.joinable,
        "tutors": view.tutors,
        "recordings": view.recordings,
        "error": error,
        "room_open": view.room_open,
        "ended_early": webinar.reopenable(timezone.now()),
        "group": view.group,
    }
    return render(request, "seminars/detail.html", context, status=status)


def refused(request, pk, error: SeminarError):
    return webinar_detail(request, pk, error=error.message, status=refusal_status(error))


def bbb_down(request, pk):
    return webinar_detail(request, pk, error=BBB_DOWN, status=503)


@require_POST
@signed_in_unless_public
def webinar_join(request, pk, *, webinar):
    try:
        join_url = services.webinar_join(
            webinar=webinar,
            user=request.user,
            guest_name=request.POST.get("guest_name", ""),
            consent=bool(request.POST.get("consent")),
        )
    except JoinError as error:
        if error.code == "waiting":
            return redirect("seminars:wait", pk=pk)
        return refused(request, pk, error)
    except BBBError:
        return bbb_down(request, pk)
    return to_the_room(join_url)


def to_the_room(join_url: str):
    response = redirect(join_url)  # a bearer secret: only ever in this one redirect
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
@moderator_required
def webinar_reopen(request, pk, *, webinar):
    """A tutor opens again a session BBB ended before its time, and goes straight in."""
    try:
        join_url = services.webinar_reopen(
            webinar=webinar, user=request.user, consent=bool(request.POST.get("consent"))
        )
    except JoinError as error:
        return refused(request, pk, error)
    except BBBError:
        return bbb_down(request, pk)
    return to_the_room(join_url)


@never_cache
def webinar_wait(request, pk):
    """For a learner who came before the tutor: refreshes itself until the room is open."""
    webinar = visible_webinar_or_404(request.user, pk)
    return render(request, "seminars/wait.html", {"webinar": webinar, "translated_object": webinar})


@never_cache
def webinar_status(request, pk):
    webinar = visible_webinar_or_404(request.user, pk)
    return JsonResponse({"status": webinar.status})


@login_required
@scheduler_required
def webinar_schedule(request, *, module):
    # In the module's zone, else the organiser's own.
    zone = module.timezone if module else member_preferences(request.user).timezone
    form = ScheduleForm(request.POST or None, initial={"timezone": zone})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webinars = services.webinar_schedule(
                title=form.title(),
                translations=form.translations(),
                start_local=datetime.datetime.combine(data["start_date"], data["start_time"]),
                timezone_name=data["timezone"],
                duration_minutes=data["duration_minutes"],
                tutors=with_cotutors(request.user, data["cotutors"]),
                created_by=request.user,
                module=module,
                audience=data["audience"],
                record=data["record"],
                max_participants=data["max_participants"],
                occurrences=data["occurrences"],
                every_weeks=data["every_weeks"],
            )
        except ScheduleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)s session(s) scheduled.") % {"count": len(webinars)})
            return redirect("seminars:detail", pk=webinars[0].pk)
    return render(
        request, "seminars/schedule.html", {"form": form, "module": module}, status=400 if form.errors else 200
    )


@login_required
@moderator_required
def webinar_reschedule(request, pk, *, webinar):
    form = EditForm(request.POST or None, initial=EditForm.initial_for(webinar))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.webinar_reschedule(
                webinar=webinar,
                start_local=datetime.datetime.combine(data["start_date"], data["start_time"]),
                timezone_name=data["timezone"],
                duration_minutes=data["duration_minutes"],
                tutors=with_cotutors(webinar.created_by, data["cotutors"]),
            )
        except ScheduleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The session has a new time; everyone concerned is told by e-mail."))
            return redirect("seminars:detail", pk=pk)
    context = {"form": form, "webinar": webinar, "translated_object": webinar}
    return render(request, "seminars/reschedule.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def member_suggestions(request):
    """Members whose names start with what a tutor typed (``?q=``): a few co-tutor suggestions, for tutors only."""
    if not can_name_tutors(request.user):
        raise PermissionDenied(_("Only tutors and coordinators can look members up."))
    members = search_members(request.GET.get("q", ""))
    names = [{"username": member.get_username(), "label": str(member)} for member in members]
    return JsonResponse({"members": names})


@login_required
@require_POST
@moderator_required
def webinar_cancel(request, pk, *, webinar):
    try:
        services.webinar_cancel(webinar=webinar)
    except ScheduleError as error:
        return refused(request, pk, error)
    messages.success(request, _("The session is cancelled; everyone concerned is told by e-mail."))
    return redirect("seminars:detail", pk=pk)


@login_required
def attendance(request, pk):
    webinar = visible_webinar_or_404(request.user, pk)
    rows, moderator = visible_attendances(webinar, request.user), can_moderate(request.user, webinar)
    if request.GET.get("format") == "csv" and moderator:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="session-{pk}-attendance.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Name"), _("Role"), _("Joined"), _("Minutes")])
        for row in rows:
            # As the page: a member as they choose to be shown now, a guest by the name they gave BBB.
            name = str(row.member) if row.member_id else row.full_name
            writer.writerow([name, row.role, row.joined_at.isoformat(timespec="minutes"), row.minutes])
        return response
    context = {"webinar": webinar, "rows": rows, "moderator": moderator}
    return render(request, "seminars/attendance.html", context)


@login_required
@require_POST
@moderator_required
def recording_manage(request, pk, record_id, *, webinar):
    recording = get_object_or_404(Recording, webinar=webinar, record_id=record_id)
    action = request.POST.get("action")
    try:
        if action == "delete":
            services.recording_delete(recording=recording)
        elif action in ("publish", "unpublish"):
            services.recording_publish(recording=recording, publish=action == "publish")
        else:
            return HttpResponse(_("Unknown action."), status=400)
    except BBBError:
        return bbb_down(request, pk)
    messages.success(request, _("The recording has been updated."))
    return redirect("seminars:detail", pk=pk)


@require_GET
def webinar_ics(request, pk):
    webinar = visible_webinar_or_404(request.user, pk)
    return ics.feed_response(request, Webinar.objects.filter(pk=pk), name=webinar.title, filename=f"session-{pk}.ics")


@require_GET
def module_ics(request, module_pk):
    module = get_object_or_404(CourseModulePage, pk=module_pk)
    return ics.feed_response(request, module_webinars(module), name=module.title, filename=f"module-{module_pk}.ics")


@require_GET
def member_ics(request, token):
    feed = calendar_feed_by_token(token)
    if feed is None:
        raise Http404(_("This calendar link is no longer valid."))
    # A calendar program sends no cookie: times in its member's zone, in the language of the address they copied.
    zone = member_preferences(feed.member).timezone
    name = _("NLU sessions of %(name)s") % {"name": feed.member}
    webinars = member_feed_webinars(feed.member)
    return ics.feed_response(request, webinars, name=name, filename="nlu-sessions.ics", zone=zone)


@login_required
def my_calendar(request):
    """The member's private feed address; making a new one revokes the old one."""
    if request.method == "POST":
        services.calendar_feed_renew(member=request.user)
        messages.success(request, _("Your calendar link has been replaced; the old one no longer works."))
        return redirect("seminars:my_calendar")
    feed = services.calendar_feed_get_or_create(member=request.user)
    # On the address the member reached the site at: the one they copy from is the one that works for them.
    url = request.build_absolute_uri(reverse("seminars:member_ics", args=[feed.token]))
    return render(request, "seminars/my_calendar.html", {"feed_url": url})


# --- Callbacks from BBB (no language prefix, no session, no CSRF: each is verified) --------------


def callback_refused(error: CallbackError) -> HttpResponse:
    return HttpResponse(error.message, status=refusal_status(error))


@csrf_exempt
def end_callback(request, meeting_id):
    try:
        services.end_callback_receive(
            meeting_id=meeting_id,
            meeting_number=request.GET.get("meeting", ""),
            signature=request.GET.get("signature", ""),
        )
    except CallbackError as error:
        return callback_refused(error)
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def recording_ready_callback(request):
    try:
        services.recording_ready_receive(signed_parameters=request.POST.get("signed_parameters", ""))
    except CallbackError as error:
        return callback_refused(error)
    except BBBError:
        return HttpResponse("try again", status=503)  # BBB retries; the poller also catches it
    return HttpResponse("ok")
