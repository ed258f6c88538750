import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail import hooks

from .models import CourseModulePage
from .selectors import member_dashboard, module_active_count, module_progress, module_roster
from .services import EnrolmentError, enrolment_create, enrolment_withdraw, unit_complete


def can_see_everything(user, module: CourseModulePage) -> bool:
    """Tutors of the module and coordinators see locked units and the roster."""
    if not user.is_authenticated:
        return False
    return user.has_perm("courses.view_roster") or module.is_tutor(user)


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
    }
    response = module.render(request, context_overrides=context)
    if error:
        response.status_code = error.status
    return response


def _refuse_unless_member_post(request, next_url: str):
    """Enrol, withdraw, mark done: POST by a signed-in member (else login, then back)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    return None


def enrol(request, module: CourseModulePage):
    refused = _refuse_unless_member_post(request, module.get_url(request))
    if refused:
        return refused
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


def withdraw(request, module: CourseModulePage):
    refused = _refuse_unless_member_post(request, module.get_url(request))
    if refused:
        return refused
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
    locked = not state.is_open and not can_see_everything(request.user, module)
    context = {"progress": progress, "state": state, "locked": locked, "translated_object": state.unit}
    return render(request, "courses/unit.html", {"page": module, **context}, status=403 if locked else 200)


def unit_done(request, module: CourseModulePage, week: int):
    unit_url = module.get_url(request) + module.reverse_subpage("unit", args=[week])
    refused = _refuse_unless_member_post(request, unit_url)
    if refused:
        return refused
    try:
        unit_complete(module=module, member=request.user, week=week)
    except EnrolmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Unit marked as done."))
    return redirect(unit_url)


def _require_staff_view(request, module):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_see_everything(request.user, module):
        raise PermissionDenied(_("Only the module's tutors and coordinators can see its roster."))
    return None


def roster(request, module: CourseModulePage):
    refused = _require_staff_view(request, module)
    if refused:
        return refused
    context = {"page": module, "enrolments": module_roster(module=module), "units_total": module.units.count()}
    return render(request, "courses/roster.html", context)


def roster_csv(request, module: CourseModulePage):
    refused = _require_staff_view(request, module)
    if refused:
        return refused
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{module.slug}-roster.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (Turkish names) correctly
    writer = csv.writer(response)
    units_total = module.units.count()
    writer.writerow(
        [_("Username"), _("Name"), _("E-mail"), _("Status"), _("Waitlist position"), _("Units done"), _("Since")]
    )
    for enrolment in module_roster(module=module):
        member = enrolment.member
        writer.writerow(
            [
                member.username,
                str(member),
                member.email,
                enrolment.get_status_display(),
                enrolment.position or "",
                f"{enrolment.units_done}/{units_total}",
                enrolment.created_at.isoformat(timespec="minutes"),
            ]
        )
    return response


def certificate(request, module: CourseModulePage):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    progress = module_progress(module=module, member=request.user)
    if not progress.enrolment or progress.enrolment.status != progress.enrolment.Status.COMPLETED:
        raise PermissionDenied(_("The certificate is available once you have completed every unit."))
    versions = []
    for code in module.language_codes:
        with translation.override(code):
            versions.append(
                {
                    "code": code,
                    "title": module.title,
                    "text": _certificate_text(request.user, module, progress.enrolment.updated_at),
                }
            )
    return render(request, "courses/certificate.html", {"page": module, "progress": progress, "versions": versions})


def _certificate_text(member, module, completed_at) -> str:
    return _(
        "%(name)s took part in the module “%(module)s” of the Networked Labour University: "
        "%(weeks)s weeks, %(hours)s hours of study, completed on %(date)s."
    ) % {
        "name": member,
        "module": module.title,
        "weeks": module.weeks,
        "hours": module.total_hours,
        "date": date_format(timezone.localtime(completed_at), "DATE_FORMAT"),
    }


@login_required
def dashboard(request):
    context = {
        "modules": member_dashboard(member=request.user),
        "sections": hook_sections("learning_dashboard_sections", request),
    }
    return render(request, "courses/dashboard.html", context)
