from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html

from ..activity import activity_line, activity_url

register = template.Library()


@register.simple_tag
def url_in_language(name: str, language: str, **kwargs) -> str:
    """The URL of ``name`` under ``language``'s prefix (a wiki page lives in its own language)."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@register.simple_tag
def activity_link(activity):
    """One line of a space's activity, linked to what it is about while that exists."""
    url = activity_url(activity)
    line = activity_line(activity)
    return format_html('<a href="{}">{}</a>', url, line) if url else line


@register.simple_tag
def activity_text(activity) -> str:
    """One line of a space's activity as plain text (the weekly digest)."""
    return activity_line(activity)
