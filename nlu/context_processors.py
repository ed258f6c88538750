from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Site


def main_navigation(request) -> list[dict]:
    """Home, the site's pages shown in menus, then each app that registers ``main_navigation``.

    A hook is a callable taking the request and returning ``(label, url)`` or ``None``, so an
    app adds itself to the menu without this project knowing it.
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
