"""Each member's permissions, kept in the cache until any grant changes.

Django's ``ModelBackend`` asks the database for a member's permissions (two queries) on every
request that checks one: the module page (may they see the roster?), the session list, the
timebank pages and the wiki page all do, for every signed-in member. The answer changes only
when a permission, a group or a membership changes, so it is kept under a version that each of
those writes moves, per member and per superuser and active flag (both part of the answer).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from suite.versions import current_version, move_version

VERSION_KEY = "nlu:permissions:version"
KEPT_SECONDS = 24 * 60 * 60


class KeptPermissionsBackend(ModelBackend):
    """First in ``AUTHENTICATION_BACKENDS``, so the backends after it find the permissions it kept.

    It signs no one in: Django's ``ModelBackend`` and allauth's, after it, do as before, and the
    sessions they started stay valid.
    """

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            key = f"nlu:permissions:{current_version(VERSION_KEY)}:{user_obj.pk}:{user_obj.is_superuser:d}"
            kept = cache.get(key)
            if kept is None:
                kept = super().get_all_permissions(user_obj)
                cache.set(key, kept, KEPT_SECONDS)
            user_obj._perm_cache = kept  # where every ModelBackend of this request looks first
        return user_obj._perm_cache


def grants_changed(**signal) -> None:
    move_version(VERSION_KEY)


def connect_signals() -> None:
    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(grants_changed, sender=through, dispatch_uid=f"nlu.backends.{through._meta.label}")
    # A deleted member's key is never asked again; moving on costs nothing and leaves nothing to chance.
    for model in (Group, Permission, User):
        post_delete.connect(grants_changed, sender=model, dispatch_uid=f"nlu.backends.delete.{model._meta.label}")
    for model in (Group, Permission):
        post_save.connect(grants_changed, sender=model, dispatch_uid=f"nlu.backends.save.{model._meta.label}")
