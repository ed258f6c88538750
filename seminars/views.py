import csv
import datetime
import re
import uuid

import jwt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from courses.models import CourseModulePage

from . import ics, services
from .bbb import BBBClient, BBBError
from .forms import ScheduleForm, WhenForm
from .models import CalendarFeed, Recording, Webinar
from .permissions import can_join, can_moderate, can_schedule
from .selectors import member_feed_webinars, module_webinars, upcoming_webinars_page

BBB_DOWN = gettext_lazy(
    "The video-meeting server is not answering right now. Nothing is lost: please try again in a minute."
)


PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


def webinar_list(request):
    """The sessions to come, 20 to a page; a page number that is not one, or past the last page, is a 404."""
    number = request.GET.get("page") or "1"
    webinars = upcoming_webinars_page(request.user, number=int(number)) if PAGE_NUMBER.fullmatch(number) else None
    if webinars is None or (webinars.has_previous and not webinars.webinars):
        raise Http404(_("The list of sessions has no such page."))
    return render(request, "seminars/list.html", {"webinars": webinars})


def webinar_detail(request, pk, *, error: services.SeminarError | None = None):
    webinar = get_object_or_404(Webinar.objects.select_related("module"), pk=pk)
    moderator = can_moderate(request.user, webinar)
    joinable = can_join(request.user, webinar)
    context = {
        "webinar": webinar,
        "translated_object": webinar,
        "moderator": moderator,
        "joinable": joinable,
        "tutors": list(webinar.tutors.all()),
        "recordings": list(webinar.recordings.filter(**({} if moderator else {"published": True}))) if joinable else [],
        "error": error,
        "room_open": timezone.now() >= webinar.opens_at,
    }
    return render(request, "seminars/detail.html", context, status=error.status if error else 200)


@require_POST
def webinar_join(request, pk):
    webinar = get_object_or_404(Webinar, pk=pk)
    if not request.user.is_authenticated and webinar.audience != Webinar.Audience.PUBLIC:
        return redirect_to_login(reverse("seminars:detail", args=[pk]))
    guest_name = request.POST.get("guest_name", "").strip()[:100]
    if not request.user.is_authenticated and not guest_name:
        error = services.SeminarError(_("Please give the name others will see."), code="no_name", status=400)
        return webinar_detail(request, pk, error=error)
    if webinar.record and not request.POST.get("consent"):
        error = services.SeminarError(
            _("This session is recorded: please confirm that you agree before joining."), code="no_consent", status=400
        )
        return webinar_detail(request, pk, error=error)
    try:
        join_url = services.webinar_join(webinar=webinar, user=request.user, guest_name=guest_name)
    except services.SeminarError as error:
        if error.code == "waiting":
            return redirect("seminars:wait", pk=pk)
        return webinar_detail(request, pk, error=error)
    except BBBError:
        return webinar_detail(request, pk, error=services.SeminarError(BBB_DOWN, code="bbb_down", status=503))
    response = redirect(join_url)  # a bearer secret: only ever in this one redirect
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
def webinar_wait(request, pk):
    """For a learner who came before the tutor: refreshes itself until the room is open."""
    webinar = get_object_or_404(Webinar, pk=pk)
    return render(request, "seminars/wait.html", {"webinar": webinar, "translated_object": webinar})


@never_cache
def webinar_status(request, pk):
    webinar = get_object_or_404(Webinar, pk=pk)
    return JsonResponse({"status": webinar.status})


def _schedule_target(request):
    module_id = request.GET.get("module") or request.POST.get("module")
    module = get_object_or_404(CourseModulePage, pk=module_id) if module_id else None
    if not can_schedule(request.user, module):
        raise PermissionDenied(_("Only the module's tutors and coordinators can schedule its sessions."))
    return module


@login_required
def webinar_schedule(request):
    module = _schedule_target(request)
    form = ScheduleForm(
        request.POST or None, initial={"timezone": module.timezone if module else request.user.timezone}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webinars = services.webinar_schedule(
                title=data[f"title_{settings.LANGUAGE_CODE}"],
                translations=form.translations(),
                start_local=datetime.datetime.combine(data["start_date"], data["start_time"]),
                timezone_name=data["timezone"],
                duration_minutes=data["duration_minutes"],
                tutors=[request.user],
                created_by=request.user,
                module=module,
                audience=data["audience"],
                record=data["record"],
                max_participants=data["max_participants"],
                occurrences=data["occurrences"],
                every_weeks=data["every_weeks"],
            )
        except services.SeminarError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)s session(s) scheduled.") % {"count": len(webinars)})
            return redirect("seminars:detail", pk=webinars[0].pk)
    return render(
        request, "seminars/schedule.html", {"form": form, "module": module}, status=400 if form.errors else 200
    )


def _moderated(request, pk) -> Webinar:
    webinar = get_object_or_404(Webinar, pk=pk)
    if not can_moderate(request.user, webinar):
        raise PermissionDenied(_("Only the session's tutors and coordinators can do this."))
    return webinar


@login_required
def webinar_reschedule(request, pk):
    webinar = _moderated(request, pk)
    local = webinar.local_start
    initial = {
        "start_date": local.date(),
        "start_time": local.time(),
        "timezone": webinar.timezone,
        "duration_minutes": webinar.duration_minutes,
    }
    form = WhenForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.webinar_reschedule(
                webinar=webinar,
                start_local=datetime.datetime.combine(data["start_date"], data["start_time"]),
                timezone_name=data["timezone"],
                duration_minutes=data["duration_minutes"],
            )
        except services.SeminarError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The session has a new time; everyone concerned is told by e-mail."))
            return redirect("seminars:detail", pk=pk)
    context = {"form": form, "webinar": webinar, "translated_object": webinar}
    return render(request, "seminars/reschedule.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def webinar_cancel(request, pk):
    webinar = _moderated(request, pk)
    try:
        services.webinar_cancel(webinar=webinar)
    except services.SeminarError as error:
        return webinar_detail(request, pk, error=error)
    messages.success(request, _("The session is cancelled; everyone concerned is told by e-mail."))
    return redirect("seminars:detail", pk=pk)


@login_required
def attendance(request, pk):
    webinar = get_object_or_404(Webinar, pk=pk)
    rows = webinar.attendances.select_related("member")
    if not can_moderate(request.user, webinar):
        rows = rows.filter(member=request.user)  # each member sees their own
    if request.GET.get("format") == "csv" and can_moderate(request.user, webinar):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="session-{pk}-attendance.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Name"), _("Role"), _("Joined"), _("Minutes")])
        for row in rows:
            writer.writerow([row.full_name, row.role, row.joined_at.isoformat(timespec="minutes"), row.minutes])
        return response
    context = {"webinar": webinar, "rows": rows, "moderator": can_moderate(request.user, webinar)}
    return render(request, "seminars/attendance.html", context)


@login_required
@require_POST
def recording_manage(request, pk, record_id):
    webinar = _moderated(request, pk)
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
        return webinar_detail(request, pk, error=services.SeminarError(BBB_DOWN, code="bbb_down", status=503))
    messages.success(request, _("The recording has been updated."))
    return redirect("seminars:detail", pk=pk)


@require_GET
def webinar_ics(request, pk):
    webinar = get_object_or_404(Webinar, pk=pk)
    return ics.feed_response(request, Webinar.objects.filter(pk=pk), name=webinar.title, filename=f"session-{pk}.ics")


@require_GET
def module_ics(request, module_pk):
    module = get_object_or_404(CourseModulePage, pk=module_pk)
    return ics.feed_response(request, module_webinars(module), name=module.title, filename=f"module-{module_pk}.ics")


@require_GET
def member_ics(request, token):
    feed = CalendarFeed.objects.select_related("member").filter(token=token).first()
    if feed is None:
        raise Http404(_("This calendar link is no longer valid."))
    name = _("NLU sessions of %(name)s") % {"name": feed.member}
    return ics.feed_response(request, member_feed_webinars(feed.member), name=name, filename="nlu-sessions.ics")


@login_required
def my_calendar(request):
    """The member's private feed address; regenerating it revokes the old one."""
    feed, _created = CalendarFeed.objects.get_or_create(member=request.user)
    if request.method == "POST":
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.save(update_fields=["token"])
        messages.success(request, _("Your calendar link has been replaced; the old one no longer works."))
        return redirect("seminars:my_calendar")
    url = request.build_absolute_uri(reverse("seminars:member_ics", args=[feed.token]))
    return render(request, "seminars/my_calendar.html", {"feed_url": url})


# --- Callbacks from BBB (no language prefix, no session, no CSRF: each is verified) --------------


@csrf_exempt
def end_callback(request, meeting_id):
    signature = request.GET.get("signature", "")
    if not constant_time_compare(signature, services.end_callback_signature(meeting_id)):
        return HttpResponseForbidden("bad signature")
    webinar = Webinar.objects.filter(meeting_id=meeting_id).first()
    if webinar is None:
        return HttpResponse(status=410)
    services.webinar_end(webinar=webinar)
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def recording_ready_callback(request):
    try:
        claims = jwt.decode(request.POST.get("signed_parameters", ""), settings.BBB_SECRET, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return HttpResponse("bad token", status=401)
    try:
        webinar = Webinar.objects.filter(meeting_id=uuid.UUID(str(claims.get("meeting_id")))).first()
    except ValueError:
        webinar = None
    if webinar is None:
        return HttpResponse("unknown meeting", status=410)
    try:
        services.recordings_sync(
            webinar=webinar, recordings=BBBClient.from_settings().get_recordings(str(webinar.meeting_id))
        )
    except BBBError:
        return HttpResponse("try again", status=503)  # BBB retries; the poller also catches it
    return HttpResponse("ok")
