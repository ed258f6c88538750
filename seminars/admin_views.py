"""The live sessions in Wagtail's admin: find and filter them, move them, change their co-tutors, cancel them.

Every change goes through the services the site's own pages use (a new version of the session,
everyone concerned told by e-mail), never a plain save of the row; the form checks what the
site's edit form checks.
"""

import datetime

import django_filters
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.permission_policies import ModelPermissionPolicy

from courses.models import CourseModulePage

from . import services
from .errors import ScheduleError
from .forms import EditForm, with_cotutors
from .models import Webinar

MANAGE = "manage_webinars"
CANCELLABLE = (Webinar.Status.SCHEDULED, Webinar.Status.RUNNING)


class ManageWebinarsPolicy(ModelPermissionPolicy):
    """Every action here needs "Can schedule and manage every live session", as on the site.

    Nothing is added or deleted here: sessions are scheduled on the site's form (series, units,
    zones), and cancelled, never deleted (their attendance and credits hang on them).
    """

    def _get_permission_codename(self, action):
        return MANAGE

    def user_has_permission(self, user, action):
        return action not in ("add", "delete") and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in ("add", "delete")]
        return super().users_with_any_permission(actions) if actions else get_user_model().objects.none()


class WebinarFilterSet(WagtailFilterSet):
    module = django_filters.ModelChoiceFilter(label=_("Module"), queryset=CourseModulePage.objects.order_by("title"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Webinar.Status.choices)
    starts_at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = Webinar
        fields = ["module", "status", "starts_at"]


class WebinarAdminForm(WagtailAdminModelForm, EditForm):
    """The site's edit form (time, zone, length, co-tutors) on the admin's page of a session."""

    class Meta:
        model = Webinar
        fields = []


def local_start(webinar: Webinar) -> str:
    """The start on the organiser's clock, with its zone: what the tutor typed and the calendars show."""
    return f"{webinar.local_start:%Y-%m-%d %H:%M} ({webinar.timezone})"


class RefusalsOnTheForm:
    """A refusal of the services (a session that has started cannot be moved) shows on the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ScheduleError as error:
            form.add_error(None, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class WebinarIndexView(IndexView):
    cancel_url_name = None
    default_ordering = "-starts_at"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("module")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status in CANCELLABLE:
            url = reverse(self.cancel_url_name, args=[instance.pk])
            buttons.append(MenuItem(_("Cancel the session"), url=url, icon_name="cross", priority=30))
        return buttons


class WebinarEditView(RefusalsOnTheForm, EditView):
    """Saved by ``services.webinar_reschedule``: a new version (SEQUENCE), change notices to everyone concerned."""

    cancel_url_name = None

    def get_initial(self):
        return {**super().get_initial(), **EditForm.initial_for(self.object)}

    def save_instance(self):
        data = self.form.cleaned_data
        webinar = Webinar.objects.get(pk=self.object.pk)
        return services.webinar_reschedule(
            webinar=webinar,
            start_local=datetime.datetime.combine(data["start_date"], data["start_time"]),
            timezone_name=data["timezone"],
            duration_minutes=data["duration_minutes"],
            tutors=with_cotutors(webinar.created_by, data["cotutors"]),
        )

    def get_success_message(self):
        return _("“%(title)s” is saved; everyone concerned is told by e-mail.") % {"title": self.object}

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.object.status in CANCELLABLE:
            url = reverse(self.cancel_url_name, args=[self.object.pk])
            buttons.append(Button(_("Cancel the session"), url=url, icon_name="cross", priority=40))
        return buttons


class WebinarCancelView(DeleteView):
    """Cancels through ``services.webinar_cancel`` (everyone concerned told), after a confirmation page."""

    permission_required = "change"
    page_title = _("Cancel the session")
    template_name = "seminars/admin/confirm_cancel.html"

    @property
    def confirmation_message(self):
        return _("Cancel this session? Everyone concerned is told by e-mail; it cannot be undone.")

    def form_valid(self, form):
        try:
            services.webinar_cancel(webinar=self.object)
        except ScheduleError as error:
            messages.error(self.request, error.message)
            return HttpResponseRedirect(reverse(self.edit_url_name, args=[self.object.pk]))
        messages.success(
            self.request, _("“%(title)s” is cancelled; everyone concerned is told by e-mail.") % {"title": self.object}
        )
        return HttpResponseRedirect(self.get_success_url())


class WebinarViewSet(ModelViewSet):
    """Every live session, for those who may manage them all (seminars.manage_webinars)."""

    model = Webinar
    icon = "date"
    menu_label = _("Live sessions")
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = WebinarIndexView
    edit_view_class = WebinarEditView
    filterset_class = WebinarFilterSet
    search_fields = ["title"]
    search_backend_name = None
    list_display = [
        "title",
        "module",
        Column("local_start", label=_("Starts"), accessor=local_start, sort_key="starts_at"),
        "status",
    ]
    edit_handler = ObjectList(
        [FieldPanel(name) for name in ("start_date", "start_time", "timezone", "duration_minutes", "cotutors")],
        base_form_class=WebinarAdminForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(cancel_url_name=self.get_url_name("cancel"), **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(cancel_url_name=self.get_url_name("cancel"), **kwargs)

    @property
    def cancel_view(self):
        return self.construct_view(WebinarCancelView, delete_url_name=self.get_url_name("cancel"), usage_url_name=None)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("cancel/<int:pk>/", self.cancel_view, name="cancel")]

    def get_permissions_to_register(self):
        return Permission.objects.filter(content_type__app_label="seminars", codename=MANAGE)
