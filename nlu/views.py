import os

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.cache import never_cache
from kombu import Connection

from suite import privacy

from .closing import ClosingError, account_close
from .forms import CloseAccountForm, ProfileForm


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            # Say it, and show the next page, in the language just chosen.
            with override(user.language):
                messages.success(request, _("Your profile has been saved."))
                return redirect(reverse("profile"))
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "nlu/profile.html", {"form": form, "now": timezone.now()})


@login_required
def close_account(request):
    """The member closes their own account, after reading what goes and what stays."""
    form = CloseAccountForm(request.POST or None, member=request.user, options=privacy.closing_options(request.user))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                account_close(member=request.user, options=form.chosen_options())
            except ClosingError as refusal:
                for message in refusal.messages:
                    form.add_error(None, message)
                status = refusal.status
            else:
                logout(request)
                messages.success(request, _("Your account is closed. Thank you for all you gave."))
                return redirect(reverse("wagtail_serve", args=[""]))
    return render(request, "nlu/close_account.html", {"form": form}, status=status)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def check_broker() -> None:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # The file-system transport "connects" to anything; what matters is its folders.
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if not os.access(options[key], os.W_OK):
                raise OSError(f"broker folder {options[key]} is missing or not writable")
        return
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=options,
        connect_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
    ) as broker:
        broker.ensure_connection(max_retries=1)


HEALTH_CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when every backing service answers, else 503."""
    checks = {}
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception as error:
            checks[name] = f"error: {type(error).__name__}"
        else:
            checks[name] = "ok"
    failing = [name for name, state in checks.items() if state != "ok"]
    return JsonResponse(
        {"status": "error" if failing else "ok", "failing": failing, "checks": checks},
        status=503 if failing else 200,
    )
