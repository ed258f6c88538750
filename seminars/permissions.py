"""Who may do what with a live session (one place, used by services, views and selectors).

A group's meeting (audience GROUP) follows the SEMINARS_AUDIENCES provider, not the module rules:
unlike a session of no module (a research meeting, open to every member), it is for the group's
members only, and hidden (404) from whoever the provider says may not see it.
"""

from courses.models import CourseModulePage, Enrolment

from .audiences import MODERATOR, audiences
from .models import Webinar


def is_coordinator(user) -> bool:
    return user.is_authenticated and user.has_perm("seminars.manage_webinars")


def is_group_meeting(webinar: Webinar) -> bool:
    return webinar.audience == Webinar.Audience.GROUP


def group_role(user, webinar: Webinar) -> str | None:
    """The provider's role of a signed-in ``user`` in the group of a group's meeting, else None."""
    if not user.is_authenticated or not is_group_meeting(webinar):
        return None
    return audiences().role(user, webinar.audience_group)


def can_moderate(user, webinar: Webinar) -> bool:
    """Tutors of the session, coordinators and a group's coordinators enter as MODERATOR and manage it."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user) or webinar.tutors.filter(pk=user.pk).exists():
        return True
    return group_role(user, webinar) == MODERATOR


def can_join(user, webinar: Webinar) -> bool:
    if webinar.audience == Webinar.Audience.PUBLIC or can_moderate(user, webinar):
        return True
    if not user.is_authenticated:
        return False
    if is_group_meeting(webinar):
        return group_role(user, webinar) is not None
    if webinar.audience == Webinar.Audience.MEMBERS or webinar.module_id is None:
        return True
    return Enrolment.objects.filter(
        module_id=webinar.module_id, member=user, status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED]
    ).exists()


def can_see(user, webinar: Webinar) -> bool:
    """False only for a group's meeting the provider hides from ``user`` (its tutors and coordinators see it)."""
    if not is_group_meeting(webinar) or audiences().may_see(user, webinar.audience_group):
        return True
    return user.is_authenticated and (is_coordinator(user) or webinar.tutors.filter(pk=user.pk).exists())


def can_schedule(user, module=None) -> bool:
    """A module's tutors schedule its sessions; coordinators schedule any, research meetings too."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return module is not None and module.is_tutor(user)


def can_name_tutors(user) -> bool:
    """Who may look members up to make them co-tutors: coordinators and anyone who tutors a module or a session."""
    if not user.is_authenticated:
        return False
    return (
        is_coordinator(user)
        or CourseModulePage.objects.filter(tutors=user).exists()
        or Webinar.tutors.through.objects.filter(user=user).exists()
    )
