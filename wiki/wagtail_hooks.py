from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from . import demo
from .admin_views import MediaWikiMenu, member_chooser

hooks.register("load_demo", demo.load_demo)


@hooks.register("main_navigation")
def wiki_navigation(request):
    return (_("Wiki"), reverse("wiki:index"))


@hooks.register("register_admin_viewset")
def register_mediawiki_admin():
    """The "MediaWiki" menu (imports, remote authors) and the account chooser its mappings use."""
    return [MediaWikiMenu(), member_chooser]
