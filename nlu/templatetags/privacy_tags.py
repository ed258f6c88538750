"""The privacy page's address, for the footer of every page and the sign-up form.

The page is a StandardPage found by its stable English slug ``privacy`` (the demo makes it, in
English and Turkish); without one, no link is shown. Every page shows it, so it is kept in the
cache until the site's content changes (a new generation of nlu.page_cache), whether or not whole
pages are kept: a page costs no query for it.
"""

from django import template
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Site

from nlu.models import StandardPage
from nlu.page_cache import content_key

PRIVACY_SLUG = "privacy"
KEPT_SECONDS = 24 * 3600

register = template.Library()


def privacy_page_url(request) -> str:
    """The live, public privacy page of the request's site in the current language; "" if there is none."""
    pages = StandardPage.objects.live().public().filter(slug_en=PRIVACY_SLUG)
    site = Site.find_for_request(request)
    if site is not None:
        pages = pages.in_site(site)
    page = pages.first()
    return (page.get_url(request) or "") if page is not None else ""


@register.simple_tag(takes_context=True)
def privacy_url(context) -> str:
    """``{% privacy_url as privacy %}{% if privacy %}<a href="{{ privacy }}">…</a>{% endif %}``."""
    request = context.get("request")
    if request is None:
        return ""
    key = content_key("privacy-url", request.get_host(), get_language())
    url = cache.get(key)
    if url is None:
        url = privacy_page_url(request)
        cache.set(key, url, KEPT_SECONDS)
    return url
