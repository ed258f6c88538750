"""The wiki's part of the Wagtail admin: MediaWiki imports uploaded by staff, and remote authors mapped to accounts.

Registered by wagtail_hooks.py under one "MediaWiki" menu. Imports need ``wiki.add_mediawikiimport``;
the mappings the model's own add/change/delete permissions; the account chooser the mapping
permissions, since it lists the site's members.
"""

import secrets

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn, UserColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from suite.tasks import enqueue_on_commit

from .models import MediaWikiImport, RemoteAuthor
from .scopes import NO_SCOPES, provider
from .tasks import import_mediawiki_file

IMPORT_PERMISSION = "wiki.add_mediawikiimport"
# How many bytes of an upload are looked at before it is queued: enough to tell XML from anything else.
SNIFF_BYTES = 1024
# The first bytes of compressed files a dump is often shipped as (gzip, bzip2, 7-Zip, zip).
COMPRESSED = (b"\x1f\x8b", b"BZh", b"7z\xbc\xaf\x27\x1c", b"PK\x03\x04")
IMPORTS_PER_PAGE = 20


# --- Imports ------------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("MediaWiki export file"),
        help_text=_(
            "An XML file as Special:Export or dumpBackup.php --full write it, with every revision. "
            "Importing the same file again adds nothing; a newer one adds only its new revisions."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the pages"))
    group = forms.CharField(
        label=_("Group"),
        required=False,
        max_length=255,
        help_text=_("The short name (as in its address) of the group the new pages belong to; empty for none."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = list(settings.LANGUAGES)
        self.fields["language"].initial = settings.LANGUAGE_CODE
        if provider() is NO_SCOPES:  # a host without groups: nothing to choose
            del self.fields["group"]

    def clean_file(self):
        """A quick look at the first bytes, so that a wrong file is refused now, not by the worker later."""
        upload = self.cleaned_data["file"]
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if not start:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        if head.startswith(COMPRESSED):
            raise forms.ValidationError(
                _("The file is compressed: unpack it and upload the XML file inside."), code="compressed"
            )
        if not start.startswith(b"<"):
            raise forms.ValidationError(
                _("This is not an XML file. Upload a MediaWiki export (it starts with <mediawiki or <?xml)."),
                code="not_xml",
            )
        return upload

    def clean_group(self):
        """The group's scope (None for none), or the form refuses a name no group has."""
        name = self.cleaned_data["group"].strip()
        if not name:
            return None
        scope = provider().named(name)
        if scope is None:
            raise forms.ValidationError(
                _("There is no group named “%(name)s”. Give the short name from the group's address."),
                code="unknown_group",
                params={"name": name},
            )
        return scope


class ImportPermissionMixin:
    """Every import view asks for the right to start imports (superusers have it)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportViewMixin(ImportPermissionMixin, WagtailAdminTemplateMixin):
    header_icon = "upload"
    viewset = None  # set by ImportViewSet

    def index_crumb(self) -> dict:
        return {"url": reverse(self.viewset.get_url_name("index")), "label": _("MediaWiki imports")}


class ImportIndexView(ImportPermissionMixin, BaseListingView):
    """Past imports, newest first, with who started them; the button to start one."""

    viewset = None
    page_title = _("MediaWiki imports")
    header_icon = "upload"
    paginate_by = IMPORTS_PER_PAGE
    verbose_name_plural = _("MediaWiki imports")

    def get_base_queryset(self):
        return MediaWikiImport.objects.select_related("started_by").order_by("-created_at", "-pk")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "file_name",
                label=_("File"),
                get_url=lambda job: reverse(self.viewset.get_url_name("detail"), args=[job.pk]),
            ),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("revisions_added", label=_("Revisions added")),
            UserColumn("started_by", label=_("Started by"), blank_display_name=_("a former member")),
            DateColumn("created_at", label=_("Started")),
        ]

    def get_index_url(self):
        return reverse(self.viewset.get_url_name("index"))

    def get_header_buttons(self):
        return [
            HeaderButton(_("Import a file"), url=reverse(self.viewset.get_url_name("add")), icon_name="upload"),
        ]


class ImportUploadView(ImportViewMixin, FormView):
    """The upload: stored under a name no one can guess, then imported by a worker once the row is committed."""

    form_class = ImportForm
    template_name = "wiki/admin/import_form.html"
    page_title = _("Import a MediaWiki file")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, self.index_crumb(), {"url": "", "label": self.page_title}]

    def form_valid(self, form):
        upload, scope = form.cleaned_data["file"], form.cleaned_data.get("group")
        with transaction.atomic():
            job = MediaWikiImport(
                file_name=upload.name[: MediaWikiImport._meta.get_field("file_name").max_length],
                size=upload.size,
                language=form.cleaned_data["language"],
                scope=scope.key if scope else "",
                started_by=self.request.user,
            )
            job.file.save(f"{secrets.token_urlsafe(24)}.xml", upload, save=False)
            job.save()
            enqueue_on_commit(import_mediawiki_file, import_id=job.pk)
        return redirect(self.viewset.get_url_name("detail"), job.pk)


class ImportDetailView(ImportViewMixin, TemplateView):
    """One import: how far it got, then its report. Refreshes itself while it runs, without JavaScript."""

    template_name = "wiki/admin/import.html"
    refresh_seconds = 3

    @cached_property
    def job(self) -> MediaWikiImport:
        return get_object_or_404(MediaWikiImport.objects.select_related("started_by"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.job.file_name

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, self.index_crumb(), {"url": "", "label": self.job.file_name}]

    def get_context_data(self, **kwargs):
        job = self.job
        in_progress = job.status in (MediaWikiImport.Status.QUEUED, MediaWikiImport.Status.RUNNING)
        scope = provider().describe([job.scope]).get(job.scope) if job.scope else None
        return super().get_context_data(
            job=job,
            in_progress=in_progress,
            refresh_seconds=self.refresh_seconds if in_progress else None,
            percent=min(100, job.bytes_read * 100 // job.size) if job.size else 0,
            language_name=dict(settings.LANGUAGES).get(job.language, job.language),
            scope=scope,
            report_lines=job.report.splitlines(),
            index_url=reverse(self.viewset.get_url_name("index")),
            **kwargs,
        )


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


class ImportViewSet(ViewSet):
    """The list of imports, the upload form and each import's page."""

    icon = "upload"
    menu_label = _("Imports")
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", ImportIndexView.as_view(viewset=self), name="index"),
            path("new/", ImportUploadView.as_view(viewset=self), name="add"),
            path("<int:pk>/", ImportDetailView.as_view(viewset=self), name="detail"),
        ]


# --- Remote authors -----------------------------------------------------------------------------------


MAPPING_PERMISSIONS = ("wiki.add_remoteauthor", "wiki.change_remoteauthor")


class MemberSearchForm(forms.Form):
    """The chooser's search: by user name, name or e-mail address, in the database (users are not indexed)."""

    q = forms.CharField(
        label=_("Search term"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Search")})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_searching = self.is_filtering_by_collection = False
        self.search_query = None

    def filter(self, users):
        query = self.cleaned_data.get("q", "").strip()
        if not query:
            return users
        self.is_searching, self.search_query = True, query
        model = users.model
        names = {model.USERNAME_FIELD, model.get_email_field_name(), "first_name", "last_name", "display_name"}
        fields = {field.name for field in model._meta.get_fields()}
        condition = Q()
        for name in names & fields:
            condition |= Q(**{f"{name}__icontains": query})
        return users.filter(condition)


class MappersOnly:
    """The chooser lists members: only those who may map a remote name to an account see it."""

    def dispatch(self, request, *args, **kwargs):
        if not any(request.user.has_perm(permission) for permission in MAPPING_PERMISSIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MemberChooseView(MappersOnly, chooser_views.ChooseView):
    filter_form_class = MemberSearchForm


class MemberChooseResultsView(MappersOnly, chooser_views.ChooseResultsView):
    filter_form_class = MemberSearchForm


class MemberChosenView(MappersOnly, chooser_views.ChosenView):
    pass


class MemberChooserViewSet(ChooserViewSet):
    """A searchable modal to pick one account, instead of a select listing every member."""

    model = settings.AUTH_USER_MODEL
    icon = "user"
    choose_one_text = _("Choose an account")
    choose_another_text = _("Choose another account")
    edit_item_text = _("Edit the account")
    choose_view_class = MemberChooseView
    choose_results_view_class = MemberChooseResultsView
    chosen_view_class = MemberChosenView
    # Only this form uses it: other admin forms with a user field keep theirs.
    register_widget = False

    def get_object_list(self):
        return get_user_model().objects.filter(is_active=True).order_by(get_user_model().USERNAME_FIELD)


member_chooser = MemberChooserViewSet("wiki_member_chooser")


class RemoteAuthorViewSet(ModelViewSet):
    """Names on a remote wiki mapped to local accounts: their imported revisions are credited to that account."""

    model = RemoteAuthor
    icon = "user"
    menu_label = _("Remote authors")
    list_display = ["name", "wiki", "user"]
    list_filter = ["wiki"]
    search_fields = ["name"]
    search_backend_name = None

    @cached_property
    def panels(self):
        return [
            FieldPanel("wiki"),
            FieldPanel("name"),
            FieldPanel(
                "user",
                widget=member_chooser.widget_class,
                help_text=_(
                    "The account this name's revisions are credited to. A mapping applies to revisions imported "
                    "after it is made: revisions imported before keep the name they came with."
                ),
            ),
        ]

    def get_queryset(self, request):
        return RemoteAuthor.objects.select_related("wiki", "user").order_by("wiki__name", "name")


class MediaWikiMenu(ViewSetGroup):
    menu_label = _("MediaWiki")
    menu_icon = "site"
    items = (ImportViewSet("wiki_mediawiki_imports"), RemoteAuthorViewSet("wiki_remote_authors"))
