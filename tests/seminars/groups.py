"""A real audiences provider for the tests, backed by django.contrib.auth Groups.

Key "group:<name>": the members are the users of the auth group <name>, its coordinators (who
moderate its meetings) those of "<name>-coordinators", and a group whose name starts with
"closed-" is seen by its members only. Spaces plugs into the same hook with its own models.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from seminars.audiences import MODERATOR, VIEWER, Audiences

COORDINATORS = "-coordinators"


def name_of(key: str) -> str:
    return key.removeprefix("group:")


class GroupAudiences(Audiences):
    def groups_of(self, user) -> list[str]:
        names = user.groups.values_list("name", flat=True)
        return sorted({f"group:{name.removesuffix(COORDINATORS)}" for name in names})

    def role(self, user, key: str) -> str | None:
        name = name_of(key)
        names = set(user.groups.filter(name__in=[name, name + COORDINATORS]).values_list("name", flat=True))
        if name + COORDINATORS in names:
            return MODERATOR
        return VIEWER if name in names else None

    def members(self, key: str):
        name = name_of(key)
        return get_user_model().objects.filter(groups__name__in=[name, name + COORDINATORS])

    def may_see(self, user, key: str) -> bool:
        if not name_of(key).startswith("closed-"):
            return True
        return user.is_authenticated and key in self.groups_of(user)

    def describe(self, key: str) -> tuple[str, str] | None:
        return (name_of(key), f"/groups/{name_of(key)}/")


PROVIDER = GroupAudiences()


def join_group(user, name: str, *, coordinator: bool = False) -> None:
    """Put ``user`` in the group ``name`` (and among its coordinators)."""
    user.groups.add(Group.objects.get_or_create(name=name + (COORDINATORS if coordinator else ""))[0])


RECORDED: list[int] = []


def record_recording(*, recording) -> None:
    """A recording hook (SEMINARS_RECORDING_HOOKS) that notes which recording became available."""
    RECORDED.append(recording.pk)
