"""Who may do what with a live session (one place, used by services, views and selectors)."""

from courses.models import Enrolment

from .models import Webinar


def is_coordinator(user) -> bool:
    return user.is_authenticated and user.has_perm("seminars.manage_webinars")


def can_moderate(user, webinar: Webinar) -> bool:
    """Tutors of the session and coordinators enter as MODERATOR and manage it."""
    if not user.is_authenticated:
        return False
    return is_coordinator(user) or webinar.tutors.filter(pk=user.pk).exists()


def can_join(user, webinar: Webinar) -> bool:
    if webinar.audience == Webinar.Audience.PUBLIC or can_moderate(user, webinar):
        return True
    if not user.is_authenticated:
        return False
    if webinar.audience == Webinar.Audience.MEMBERS or webinar.module_id is None:
        return True
    return Enrolment.objects.filter(
        module_id=webinar.module_id, member=user, status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED]
    ).exists()


def can_schedule(user, module=None) -> bool:
    """A module's tutors schedule its sessions; coordinators schedule any, research meetings too."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return module is not None and module.is_tutor(user)
