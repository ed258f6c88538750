"""Offline reading: the site's service worker, its web app manifest, the offline page, and every
sign-out (the site's, Wagtail admin's) telling the browser to empty its copies.

The worker keeps only what a member asked for with "Save" (offline.js does the saving), the static
files those pages link to and the offline page; it never stores the pages a member merely browses.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_headers

# What a signed-out browser must forget: saved pages (Cache API) and the worker itself.
CLEAR_SITE_DATA = '"cache", "storage"'
THEME_COLOR = "#a4161a"  # nlu.css --accent


def offline_pages() -> dict[str, str]:
    """The offline page in each of the site's languages, by language code."""
    pages = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            pages[code] = reverse("offline")
    return pages


@cache_control(no_cache=True)
def service_worker(request):
    """The worker at the site's root, so its scope is the whole site; ``no-cache`` lets a deploy reach
    browsers at once (the worker's text names the hashed static files, so it changes with them)."""
    config = {
        "offlinePages": offline_pages(),
        "defaultLanguage": settings.LANGUAGE_CODE,
        "staticUrl": settings.STATIC_URL,
        "mediaUrl": settings.MEDIA_URL,
        "staticFiles": [static("nlu/nlu.css"), static("nlu/offline.js")],
    }
    config_text = json.dumps(config, sort_keys=True)
    # A new worker fills a cache of its own name: the one in use stays whole until the new one is ready.
    shell = "nlu-shell-" + hashlib.sha256(config_text.encode()).hexdigest()[:12]
    context = {"config": config_text, "shell": json.dumps(shell)}
    response = render(request, "nlu/sw.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@cache_control(max_age=60 * 60 * 24)
@vary_on_headers("Accept-Language", "Cookie")
def manifest(request):
    """The web app manifest: the site can be added to a phone's home screen and opens without browser bars.

    Kept a day (not fetched on every page), in the language the browser or the member's cookie asks for.
    """
    data = {
        "name": _("Networked Labour University"),
        "short_name": "NLU",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#fffdf8",
        "theme_color": THEME_COLOR,
        # A phone offers to install only a manifest with an icon.
        "icons": [{"src": static("nlu/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def offline(request):
    """What a page not saved answers while offline: the worker keeps one per language, fetched as a visitor."""
    return render(request, "nlu/offline.html")


@receiver(user_logged_out, dispatch_uid="nlu.offline.forget_on_sign_out")
def forget_on_sign_out(sender, request, **kwargs):
    """Any way of signing out (the site's form, Wagtail admin's, a closed account) ends the session the
    saved pages belong to: the answer tells the browser to drop them (ClearSiteDataOnSignOut)."""
    if request is not None:
        request.offline_signed_out = True


class ClearSiteDataOnSignOut:
    """Adds ``Clear-Site-Data`` to the answer of a request that signed out, whichever view did it: the
    saved pages and the worker go even if no page script ran (Wagtail admin has none of ours)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "offline_signed_out", False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response
