"""Who may see what of a module: asked by the views' decorators and by the pages."""

from .models import CourseModulePage, Enrolment
from .selectors import UnitState, member_enrolment

# Coordinators hold it: they see the roster and the locked units of every module.
ROSTER_PERMISSION = "courses.view_roster"


def can_see_everything(user, module: CourseModulePage) -> bool:
    """Tutors of the module and coordinators see locked units and the roster."""
    if not user.is_authenticated:
        return False
    return user.has_perm(ROSTER_PERMISSION) or module.is_tutor(user)


def may_read_unit(user, module: CourseModulePage, state: UnitState) -> bool:
    """An open unit is for everyone; before it opens, only for those who see everything."""
    return state.is_open or can_see_everything(user, module)


def has_completed(member, module: CourseModulePage) -> bool:
    """Whether ``member`` completed every unit of ``module`` (what its certificate needs)."""
    enrolment = member_enrolment(module=module, member=member)
    return enrolment is not None and enrolment.status == Enrolment.Status.COMPLETED
