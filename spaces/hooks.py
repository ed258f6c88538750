"""What spaces plugs into the wiki and seminars, which never import this app.

A host names these in its settings (docs/plugins.md):
``WIKI_SCOPES = "spaces.hooks.wiki_scopes"``, ``SEMINARS_AUDIENCES = "spaces.hooks.meeting_audiences"``,
and adds ``"spaces.hooks.page_edited"`` to ``WIKI_REVISION_HOOKS``, ``"spaces.hooks.meeting_held"``
to ``SEMINARS_SETTLEMENT_HOOKS`` and ``"spaces.hooks.recording_added"`` to ``SEMINARS_RECORDING_HOOKS``.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from seminars.audiences import MODERATOR, VIEWER, Audiences
from wiki.scopes import Scope, Scopes

from .models import ACTIVE, Activity, Membership, Space, space_id_of
from .rules import is_member, may_see, membership_of
from .selectors import group_keys, readable_keys


def space_url(space: Space) -> str:
    return reverse("spaces:space", kwargs={"slug": space.slug})


def _space(key: str) -> Space | None:
    space_id = space_id_of(key or "")
    return Space.objects.filter(pk=space_id).first() if space_id is not None else None


class SpaceScopes(Scopes):
    """A space's wiki pages have its key as their scope; a members-only space's pages are private."""

    def readable(self, user) -> list[str]:
        return readable_keys(user)

    def for_new_page(self, request) -> Scope | None:
        slug = request.GET.get("space") or request.POST.get("space")
        if not slug:
            return None
        space = Space.objects.filter(slug=slug).first()
        if space is None or not may_see(space, request.user):
            raise Http404(_("There is no such space."))
        if not is_member(space, request.user):
            raise PermissionDenied(_("Join the space to add pages to it."))
        return self._scope(space)

    def describe(self, keys) -> dict[str, Scope]:
        ids = {space_id_of(key) for key in keys} - {None}
        return {space.key: self._scope(space) for space in Space.objects.filter(pk__in=ids)} if ids else {}

    def named(self, name: str) -> Scope | None:
        space = Space.objects.filter(slug=name).first()
        return self._scope(space) if space is not None else None

    @staticmethod
    def _scope(space: Space) -> Scope:
        return Scope(key=space.key, label=space.name, url=space_url(space), private=not space.is_public)


class SpaceAudiences(Audiences):
    """A space's meetings are for its members: coordinators host them, members take part."""

    def groups_of(self, user) -> list[str]:
        return group_keys(user)

    def role(self, user, key: str) -> str | None:
        space = _space(key)
        if space is None or not user.is_authenticated:
            return None
        membership = membership_of(space, user)
        if membership is None or membership.status != Membership.Status.ACTIVE:
            return None
        return MODERATOR if membership.role == Membership.Role.COORDINATOR else VIEWER

    def members(self, key: str):
        space_id = space_id_of(key or "")
        return get_user_model().objects.filter(
            pk__in=Membership.objects.filter(ACTIVE, space_id=space_id).values("member_id")
        )

    def may_see(self, user, key: str) -> bool:
        space = _space(key)
        return space is not None and may_see(space, user)

    def describe(self, key: str) -> tuple[str, str] | None:
        space = _space(key)
        return (space.name, space_url(space)) if space else None


wiki_scopes = SpaceScopes()
meeting_audiences = SpaceAudiences()


def page_edited(*, revision) -> None:
    """A new revision of a space's page is news in the space (WIKI_REVISION_HOOKS).

    A new page follows its space's visibility as it is when the page is saved, not as it was when its
    form was opened: the space's row is locked, which a change of visibility holds while it turns the
    space's pages private or public, so the two happen one after the other. (Only for a new page: an
    edit holds its page's lock, which that change waits for, and it updates the page after.)
    """
    page = revision.page
    space_id = space_id_of(page.scope or "")
    if space_id is not None and revision.number == 1:
        space = Space.objects.select_for_update().filter(pk=space_id).first()
        if space is not None and page.private == space.is_public:
            page.private = not space.is_public
            type(page).objects.filter(pk=page.pk).update(private=page.private)
    if space_id is not None:
        Activity.objects.create(
            space_id=space_id, kind=Activity.Kind.PAGE, actor=revision.author, subject=page.title[:255], page=page
        )


def _meeting_news(webinar, kind: str) -> None:
    space_id = space_id_of(webinar.audience_group or "")
    if space_id is not None:
        Activity.objects.create(space_id=space_id, kind=kind, subject=webinar.title[:255], webinar=webinar)


def meeting_held(*, webinar) -> None:
    """A space's meeting that ended is news in the space (SEMINARS_SETTLEMENT_HOOKS)."""
    _meeting_news(webinar, Activity.Kind.MEETING_HELD)


def recording_added(*, recording) -> None:
    """A recording of a space's meeting is news in the space (SEMINARS_RECORDING_HOOKS)."""
    _meeting_news(recording.webinar, Activity.Kind.RECORDING)
