from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from . import demo

hooks.register("load_demo", demo.load_demo)


@hooks.register("main_navigation")
def wiki_navigation(request):
    return (_("Wiki"), reverse("wiki:index"))
