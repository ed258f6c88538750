"""The privacy page's address, for the footer of every page and the sign-up form.

The page is a StandardPage found by its stable English slug ``privacy`` (the demo makes it, in
English and Turkish); without one, no link is shown. Kept until the site's content changes.
"""

from django import template
from django.utils.translation import get_language
from wagtail.models import Site

from nlu.models import StandardPage
from nlu.page_cache import until_content_changes

PRIVACY_SLUG = "privacy"

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
    return until_content_changes(
        "privacy-url", request.get_host(), get_language(), build=lambda: privacy_page_url(request)
    )
