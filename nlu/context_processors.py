from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Site

from .page_cache import until_content_changes


def menu_items(request) -> list[tuple[str, str]]:
    """Home, the site's pages shown in menus, then each app that registers ``main_navigation``.

    A hook is a callable taking the request and returning ``(label, url)`` or ``None``, so an
    app adds itself to the menu without this project knowing it. What it returns may depend on
    the member and the language, not on the page: the menu is kept per member and language.
    """
    items = []
    site = Site.find_for_request(request)
    if site is not None:
        items.append((_("Home"), site.root_page.get_url(request)))
        items += [(page.title, page.get_url(request)) for page in site.root_page.get_children().live().in_menu()]
    for hook in hooks.get_hooks("main_navigation"):
        item = hook(request)
        if item:
            items.append(item)
    return items


def main_navigation(request) -> list[dict]:
    """The menu, with the item of the page being shown marked current."""
    items = until_content_changes(
        "menu", request.get_host(), get_language(), request.user.pk, build=lambda: menu_items(request)
    )
    return [
        {
            "label": label,
            "url": url,
            "current": url == request.path or (url != items[0][1] and request.path.startswith(url)),
        }
        for label, url in items
    ]


def navigation(request):
    return {"main_navigation": SimpleLazyObject(lambda: main_navigation(request))}
