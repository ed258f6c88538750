"""Wagtail's page routing, remembered: a URL's page is found by its primary key, not by walking the tree.

For every page request Wagtail finds the site (one query), walks down from the site's root page
(the children of each level, then the specific page found there), and reads the view
restrictions of the page and its ancestors (two more): seven queries before a module's weekly
unit is served, paid by every signed-in member (a visitor's page comes from the page cache).
This keeps what it found (the site, the page's model and primary key, the restrictions) per
host, port, language and path, until any page, site or restriction is saved, moved or deleted.
A request then costs one query for the page itself, and Wagtail's own ``route`` of that page for
the rest of the path (a module's weekly unit), which still refuses a page that is not live. Each
restriction is still checked against the request.

Wagtail reads the site and route from the request (``request._wagtail_site`` and
``request._wagtail_route_for_request``, the memo that ``Page.route_for_request`` documents) and the
restrictions from the page (``get_view_restrictions``), so its ``serve`` view and hooks work as before.
"""

import hashlib

from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import Http404
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from suite.versions import current_version, move_version

VERSION_KEY = "nlu:routes:version"
KEPT_FORMAT = "site, model, pk, depth, restrictions"  # in every key: a new release never reads an older shape
ROUTE_SECONDS = 24 * 60 * 60  # what no page change moved on is still refreshed daily


def routes_changed(**signal) -> None:
    move_version(VERSION_KEY)


def page_or_site_changed(*, sender, **signal) -> None:
    if issubclass(sender, (Page, Site, PageViewRestriction)):
        routes_changed()


def connect_signals() -> None:
    for signal in (post_save, post_delete):
        signal.connect(page_or_site_changed, dispatch_uid=f"nlu.routing.{signal}")
    m2m_changed.connect(routes_changed, sender=PageViewRestriction.groups.through, dispatch_uid="nlu.routing.groups")
    # A move rewrites the descendants' paths with UPDATEs, which send no post_save.
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(routes_changed, dispatch_uid=f"nlu.routing.{signal}")


def route_key(request, path: str) -> str:
    """Per host and port (the site), language (the slugs) and path, in the current version."""
    what = "\n".join(
        [
            KEPT_FORMAT,
            current_version(VERSION_KEY),
            request._get_raw_host(),
            request.get_port(),
            translation.get_language(),
            path,
        ]
    )
    return "nlu:routes:" + hashlib.sha256(what.encode()).hexdigest()


def path_components(path: str) -> list[str]:
    return [component for component in path.split("/") if component]


def remembered_route(request, key: str, path: str):
    """``(site, route result)`` from what an earlier request found for ``path``, or ``None``."""
    kept = cache.get(key)
    if kept is None:
        return None
    site, model_label, page_pk, depth, restrictions = kept
    try:
        page = apps.get_model(model_label)._default_manager.get(pk=page_pk)
    except (LookupError, Page.DoesNotExist):
        return None
    page.get_view_restrictions = lambda: restrictions  # what Wagtail's check_view_restrictions asks
    try:
        return site, page.route(request, path_components(path)[depth:])
    except Http404:
        return site, None


def remember_route(key: str, site: Site, page: Page) -> None:
    """The site is kept with its root page (menus read it), as fresh as the route: any page change moves both on."""
    depth = page.depth - site.root_page.depth  # how many of the path's components the walk used
    restrictions = list(page.get_view_restrictions())  # the page's and its ancestors'; each is still checked
    cache.set(key, (site, page._meta.label_lower, page.pk, depth, restrictions), ROUTE_SECONDS)
    page.get_view_restrictions = lambda: restrictions  # not read again for this request


def serve(request, path):
    """Wagtail's ``serve``, with the site and route known before it asks for them."""
    key = route_key(request, path)  # before the walk: a route found from older rows is kept under an older version
    remembered = remembered_route(request, key, path)
    if remembered is not None:
        request._wagtail_site, request._wagtail_route_for_request = remembered
    elif (route := Page.route_for_request(request, path)) is not None:
        remember_route(key, request._wagtail_site, route[0])
    return wagtail_views.serve(request, path)
