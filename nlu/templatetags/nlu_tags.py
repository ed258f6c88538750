from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, override
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname
from wagtail.models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """This very page in every language of the site (a Wagtail page by its translated slug)."""
    request = context["request"]
    page = context.get("page")
    links = []
    for code, name in settings.LANGUAGES:
        if isinstance(page, Page):
            with override(code):
                url = page.get_url(request)
        else:
            url = translate_url(request.get_full_path(), code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "absolute_url": request.build_absolute_uri(url),  # hreflang links must be whole addresses
                "current": code == context.get("LANGUAGE_CODE"),
            }
        )
    return links


@register.simple_tag(takes_context=True)
def untranslated_fields(context) -> set[str]:
    """Fields of the page (or of ``translated_object``) shown in English for want of a translation."""
    obj = context.get("translated_object") or context.get("page")
    language = get_language()
    if obj is None or language == settings.LANGUAGE_CODE:
        return set()
    try:
        options = translator.get_options_for_model(type(obj))
    except NotRegistered:
        return set()
    return {
        name
        for name in options.all_fields
        if name not in {"slug", "url_path"}
        and not getattr(obj, build_localized_fieldname(name, language), None)
        and getattr(obj, build_localized_fieldname(name, settings.LANGUAGE_CODE), None)
    }
