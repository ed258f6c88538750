from django import template

register = template.Library()


@register.simple_tag
def unit_path(module, week: int, done: bool = False) -> str:
    """A unit's address below its module's (``week/2/``, in Turkish ``hafta/2/``); ``done`` for its form's."""
    return module.reverse_subpage("unit_done" if done else "unit", args=[week])
