import csv
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from suite.members import search_members
from suite.moments import moment_text
from suite.rendering import render

from .errors import EnrolmentError, ProgressError
from .models import CourseModulePage
from .rules import ROSTER_PERMISSION, can_see_everything, has_completed, may_read_unit
from .selectors import member_dashboard, module_active_count, module_progress, module_roster, module_units_total
from .services import enrolment_create, enrolment_withdraw, unit_complete
from .widgets import member_label

# The HTTP status of each refusal shown on the module page; any other is a conflict (409).
STATUS = {
    "not_open": 403,
    "closed": 403,
    "prerequisite_missing": 403,
    "already_enrolled": 409,
    "not_enrolled": 409,
}


def refusal_status(error: EnrolmentError) -> int:
    return STATUS.get(error.code, 409)


def unit_url(request, module: CourseModulePage, week: int) -> str:
    return module.unit_url(week, request=request)


# --- One decorator per rule; each wraps a view taking (request, module, ...) ------------------------


def member_required(back_to=None):
    """For signed-in members: a visitor signs in first, then comes back to ``back_to(request, module, ...)``
    (by default the URL asked for)."""

    def decorator(view):
        @functools.wraps(view)
        def checked(request, module, *args, **kwargs):
            if not request.user.is_authenticated:
                url = back_to(request, module, *args, **kwargs) if back_to else request.get_full_path()
                return redirect_to_login(url)
            return view(request, module, *args, **kwargs)

        return checked

    return decorator


def staff_view_required(view):
    """For the module's tutors and coordinators only (after member_required)."""

    @functools.wraps(view)
    def checked(request, module, *args, **kwargs):
        if not can_see_everything(request.user, module):
            raise PermissionDenied(_("Only the module's tutors and coordinators can see its roster."))
        return view(request, module, *args, **kwargs)

    return checked


def completion_required(view):
    """For members who completed every unit of the module (after member_required)."""

    @functools.wraps(view)
    def checked(request, module, *args, **kwargs):
        if not has_completed(request.user, module):
            raise PermissionDenied(_("The certificate is available once you have completed every unit."))
        return view(request, module, *args, **kwargs)

    return checked


def module_url(request, module: CourseModulePage, *args) -> str:
    return module.get_url(request)


# --- Views --------------------------------------------------------------------------------------------


def hook_sections(hook_name: str, *args) -> list[str]:
    """HTML that other apps add to a page (seminars: live sessions) without courses knowing them."""
    return [html for hook in hooks.get_hooks(hook_name) if (html := hook(*args))]


def module_overview(request, module: CourseModulePage, *, error: EnrolmentError | None = None):
    progress = module_progress(module=module, member=request.user)
    context = {
        "progress": progress,
        # Only the enrolment box of someone not enrolled shows the places taken.
        "active_count": None if progress.enrolment else module_active_count(module),
        "is_staff_view": can_see_everything(request.user, module),
        "error": error,
        "now": timezone.now(),
        "sections": hook_sections("course_module_sections", request, module),
        # A link, not a form, for visitors: their page has no CSRF token, so a host may cache it.
        "sign_in_url": None if request.user.is_authenticated else redirect_to_login(module.get_url(request)).url,
    }
    response = module.render(request, context_overrides=context)
    if error:
        response.status_code = refusal_status(error)
    return response


@require_POST
@member_required(back_to=module_url)
def enrol(request, module: CourseModulePage):
    try:
        enrolment = enrolment_create(module=module, member=request.user)
    except EnrolmentError as error:
        return module_overview(request, module, error=error)
    if enrolment.status == enrolment.Status.ACTIVE:
        messages.success(request, _("You are enrolled. Welcome!"))
    else:
        messages.info(
            request, _("The module is full: you are on the waitlist. We will e-mail you when a place frees up.")
        )
    return redirect(module.get_url(request))


@require_POST
@member_required(back_to=module_url)
def withdraw(request, module: CourseModulePage):
    try:
        enrolment_withdraw(module=module, member=request.user)
    except EnrolmentError as error:
        return module_overview(request, module, error=error)
    messages.success(request, _("You have withdrawn from this module."))
    return redirect(module.get_url(request))


def unit_detail(request, module: CourseModulePage, week: int):
    progress = module_progress(module=module, member=request.user)
    state = next((state for state in progress.units if state.unit.week == week), None)
    if state is None:
        raise Http404(_("This module has no unit for that week."))
    locked = not may_read_unit(request.user, module, state)
    context = {"page": module, "progress": progress, "state": state, "locked": locked, "translated_object": state.unit}
    # What other apps show on a unit they may read (seminars: the module's next session).
    context["sections"] = [] if locked else hook_sections("course_unit_sections", request, module, state.unit)
    return render(request, "courses/unit.html", context, status=403 if locked else 200)


def moved_permanently(request, module: CourseModulePage, name: str, week: int):
    """An English ``week/`` address in another language, sent on for good to the address in that language.

    A form posted to the old address is sent on as a POST (308), so a member's "done" is not lost.
    """
    url = module.get_url(request) + module.reverse_subpage(name, args=[week])
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return redirect(url, permanent=True, preserve_request=request.method not in ("GET", "HEAD"))


@require_POST
@member_required(back_to=unit_url)
def unit_done(request, module: CourseModulePage, week: int):
    try:
        unit_complete(module=module, member=request.user, week=week)
    except ProgressError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Unit marked as done."))
    return redirect(unit_url(request, module, week))


@member_required()
@staff_view_required
def roster(request, module: CourseModulePage):
    context = {
        "page": module,
        "enrolments": module_roster(module=module),
        "units_total": module_units_total(module),
        "with_contacts": request.user.has_perm(ROSTER_PERMISSION),
    }
    return render(request, "courses/roster.html", context)


@member_required()
@staff_view_required
def roster_csv(request, module: CourseModulePage):
    """The roster as a spreadsheet. Members are named as they choose to be shown to others (str), with their
    status and progress: what a tutor needs to run the module. Coordinators (``courses.view_roster``), who
    run the courses, also get each member's username and e-mail address; tutors do not: the platform
    mails members for them, and a member who chose a pseudonym is not matched with who they are."""
    with_contacts = request.user.has_perm(ROSTER_PERMISSION)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{module.slug}-roster.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (Turkish names) correctly
    writer = csv.writer(response)
    units_total = module_units_total(module)
    header = [_("Name"), _("Status"), _("Waitlist position"), _("Units done"), _("Since")]
    writer.writerow([_("Username"), _("Name"), _("E-mail"), *header[1:]] if with_contacts else header)
    for enrolment in module_roster(module=module):
        member = enrolment.member
        row = [
            str(member),
            enrolment.get_status_display(),
            enrolment.position or "",
            f"{enrolment.units_done}/{units_total}",
            enrolment.created_at.isoformat(timespec="minutes"),
        ]
        writer.writerow([member.get_username(), row[0], member.email, *row[1:]] if with_contacts else row)
    return response


@member_required()
@completion_required
def certificate(request, module: CourseModulePage):
    progress = module_progress(module=module, member=request.user)
    versions = []
    for code in module.language_codes:
        with translation.override(code):
            versions.append(
                {
                    "code": code,
                    "title": module.title,
                    "text": certificate_text(request.user, module, progress.enrolment.updated_at),
                }
            )
    return render(request, "courses/certificate.html", {"page": module, "progress": progress, "versions": versions})


def certificate_text(member, module, completed_at) -> str:
    return _(
        "%(name)s took part in the module “%(module)s” of the Networked Labour University: "
        "%(weeks)s weeks, %(hours)s hours of study, completed on %(date)s."
    ) % {
        "name": member,
        "module": module.title,
        "weeks": module.weeks,
        "hours": module.total_hours,
        "date": moment_text(completed_at, part="date", relative=False),
    }


@login_required
def dashboard(request):
    context = {
        "modules": member_dashboard(member=request.user),
        "sections": hook_sections("learning_dashboard_sections", request),
    }
    return render(request, "courses/dashboard.html", context)


def member_suggestions(request):
    """The admin's member chooser asks here (an admin URL: Wagtail lets in only who may use the admin)."""
    members = search_members(request.GET.get("q", ""))
    return JsonResponse({"members": [{"id": member.pk, "label": member_label(member)} for member in members]})
