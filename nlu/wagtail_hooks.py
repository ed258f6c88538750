from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

from .admin_views import CLOSE_PERMISSION, close_member


@hooks.register("register_admin_urls")
def closing_urls():
    return [path("members/<int:pk>/close/", close_member, name="nlu_close_member")]


@hooks.register("register_user_listing_buttons")
def close_member_button(user, request_user):
    if request_user.has_perm(CLOSE_PERMISSION) and user.is_active:
        yield ListingButton(_("Close the account"), reverse("nlu_close_member", args=[user.pk]), priority=60)
