"""Staff closing a member's account from Wagtail's admin, with the reason kept (issue of consent
or of safety: a member who asked by letter, a departed member's family, an abusive account)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from suite import privacy

from .closing import ClosingError, account_close
from .forms import StaffCloseAccountForm
from .models import User

CLOSE_PERMISSION = "nlu.delete_user"


@permission_required(CLOSE_PERMISSION, raise_exception=True)
def close_member(request, pk: int):
    member = get_object_or_404(User, pk=pk)
    closure = getattr(member, "closure", None)
    form = StaffCloseAccountForm(request.POST or None, options=privacy.closing_options(member))
    status = 409 if closure else 200
    if request.method == "POST" and not closure:
        status = 400
        if form.is_valid():
            try:
                account_close(
                    member=member, options=form.chosen_options(), by=request.user, reason=form.cleaned_data["reason"]
                )
            except ClosingError as refusal:
                for message in refusal.messages:
                    form.add_error(None, message)
                status = refusal.status
            else:
                messages.success(request, _("The account is closed; the member is now “%(name)s”.") % {"name": member})
                return redirect("wagtailusers_users:index")
    context = {"member": member, "closure": closure, "form": form}
    return TemplateResponse(request, "nlu/admin/close_member.html", context, status=status)
