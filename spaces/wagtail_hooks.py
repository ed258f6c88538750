from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.settings import AVAILABLE_LANGUAGES, DEFAULT_LANGUAGE
from modeltranslation.utils import build_localized_fieldname
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import CreateView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import demo
from .errors import SpaceError
from .models import Space
from .rules import MANAGE_PERMISSION, may_see
from .selectors import member_spaces, with_member_count
from .services import EDITABLE, space_start, space_update

hooks.register("load_demo", demo.load_demo)


@hooks.register("main_navigation")
def spaces_navigation(request):
    return (_("Spaces"), reverse("spaces:index"))


TRANSLATED = [build_localized_fieldname(field, code) for field in ("name", "purpose") for code in AVAILABLE_LANGUAGES]


def _split(data: dict) -> tuple[dict, dict]:
    """The form's data as the services take it: settings, and texts per language."""
    fields = {name: value for name, value in data.items() if name in EDITABLE}
    return fields, {name: value or "" for name, value in data.items() if name in TRANSLATED}


@hooks.register("learning_dashboard_sections")
def my_spaces(request):
    """ "My learning" lists the member's spaces, each with its next meeting."""
    spaces = member_spaces(request.user)
    return render_to_string("spaces/_my_spaces.html", {"spaces": spaces}, request=request) if spaces else ""


class RefusalsOnTheForm:
    """A refusal of the services (a members-only space that is open to join, say) shows on the form, as a page
    of the site shows it, instead of an error page."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except SpaceError as error:
            form.add_error(None, error.message)
            self.produced_error_message = error.message
            return self.form_invalid(form)


class SpaceCreateView(RefusalsOnTheForm, CreateView):
    """Staff start a space through the same service as members: they are its first coordinator."""

    def save_instance(self):
        fields, translations = _split(self.form.cleaned_data)
        name = translations[build_localized_fieldname("name", DEFAULT_LANGUAGE)]
        return space_start(founder=self.request.user, name=name, translations=translations, **fields)


class SpaceEditView(RefusalsOnTheForm, EditView):
    """Staff edit a space through its coordinators' service: a change of visibility reaches its wiki pages."""

    def save_instance(self):
        fields, translations = _split(self.form.cleaned_data)
        space = Space.objects.get(pk=self.object.pk)
        return space_update(space=space, by=self.request.user, translations=translations, **fields)


def front_end_link(space: Space) -> str:
    return reverse("spaces:space", kwargs={"slug": space.slug})


class ManageSpacesPolicy(ModelPermissionPolicy):
    """Every action of the admin view needs "Can manage every space" (rules.MANAGE_PERMISSION), the right the
    services ask of staff: Django's add/change_space alone would open forms whose save they refuse.

    No one deletes a space here: its files, private wiki pages and meetings would outlive it with no space
    to guard them (a members-only space's files would be served to anyone). Make it members-only instead.
    """

    def _get_permission_codename(self, action):
        return MANAGE_PERMISSION.split(".", 1)[1]

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action != "delete"]
        return super().users_with_any_permission(actions) if actions else get_user_model().objects.none()


register_permission_policy(Space, ManageSpacesPolicy(Space), exact_class=True)

FORM_FIELDS = [*TRANSLATED, "visibility", "joining", "member_limit", "waiting_list", "logo"]


class SpaceViewSet(ModelViewSet):
    """Every space, for site staff: find, filter, start, edit (never delete: ManageSpacesPolicy); members are
    managed on the space's own page."""

    model = Space
    icon = "group"
    menu_label = gettext_lazy("Spaces")
    add_to_admin_menu = True
    add_view_class = SpaceCreateView
    edit_view_class = SpaceEditView
    form_fields = FORM_FIELDS
    # Panels of their own: wagtail-modeltranslation gives Space an edit_handler of every field (slug and founder
    # too, both required), which Wagtail would prefer to form_fields, and no form could be saved.
    panels = [FieldPanel(name) for name in FORM_FIELDS]
    list_filter = ["visibility", "joining"]
    search_fields = ["name", "slug"]
    search_backend_name = None
    list_display = [
        "name",
        Column("member_count", label=gettext_lazy("Members")),
        "visibility",
        "joining",
        "created_at",
        Column("page", label=gettext_lazy("On the site"), accessor=front_end_link),
    ]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return with_member_count(Space.objects.all())


@hooks.register("register_admin_viewset")
def register_space_viewset():
    return SpaceViewSet("space_admin")


@hooks.register("before_serve_document")
def members_only_documents(document, request):
    """Wagtail's own address of a members-only space's file (/documents/<id>/<name>) is no way round the space:
    404 for everyone outside it, and its members are sent to the space's address, which serves it privately."""
    space = Space.objects.filter(collection_id=document.collection_id).first()
    if space is None or space.is_public:
        return None
    if not may_see(space, request.user):
        raise Http404(_("There is no such file in this space."))
    kwargs = {"slug": space.slug, "document_id": document.pk, "filename": document.filename}
    return redirect(reverse("spaces:file", kwargs=kwargs))
