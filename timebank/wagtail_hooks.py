from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from . import demo

hooks.register("load_demo", demo.load_demo)


@hooks.register("main_navigation")
def account_navigation(request):
    """A member's own hours, in the main menu once signed in; visitors find the board from there."""
    if not request.user.is_authenticated:
        return None
    return (_("My hours"), reverse("timebank:account"))
