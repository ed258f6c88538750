"""The member's data page, its download, and the mailed link of a large download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from suite.privacy import kinds

from .exports import (
    ExportUnavailable,
    data_export_fetch,
    data_export_request,
    download_name,
    export_days,
    pending_export,
)


def _page(request, *, problem: str = "", status: int = 200):
    context = {
        "kinds": kinds(),
        "preparing": pending_export(request.user, now=timezone.now()) is not None,
        "days": export_days(),
        "problem": problem,
    }
    return render(request, "nlu/my_data.html", context, status=status)


@never_cache
@login_required
@require_GET
def my_data(request):
    return _page(request)


@never_cache
@login_required
@require_POST
def my_data_download(request):
    requested = data_export_request(member=request.user)
    if requested.archive is not None:
        return HttpResponse(
            requested.archive,
            content_type="application/zip",
            headers={"Content-Disposition": content_disposition_header(True, download_name(timezone.now()))},
        )
    days = export_days()
    messages.info(
        request,
        ngettext(
            "Your data is too much to put together at once: we are preparing your download and will "
            "e-mail a link to %(email)s. The link works once, for %(days)d day.",
            "Your data is too much to put together at once: we are preparing your download and will "
            "e-mail a link to %(email)s. The link works once, for %(days)d days.",
            days,
        )
        % {"email": request.user.email, "days": days},
    )
    return redirect("my_data")


@never_cache
@login_required
@require_GET
def my_data_export(request, token: str):
    try:
        file = data_export_fetch(member=request.user, token=token)
    except ExportUnavailable as unavailable:
        return _page(request, problem=unavailable.message, status=unavailable.status)
    return FileResponse(
        file, as_attachment=True, filename=download_name(timezone.now()), content_type="application/zip"
    )
