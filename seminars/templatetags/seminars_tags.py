import zoneinfo

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from suite.moments import moment_html, moment_text

register = template.Library()


@register.simple_tag
def session_time(webinar, relative=True) -> str:
    """When a session starts, in the reader's zone, and in the session's own when that differs.

    ``relative=False`` leaves out "tomorrow" and its kind, for a copy read later (a page saved offline).

    A tag, not an included template: lists show up to twenty sessions, and an include with its
    translation and time-zone blocks cost about 0.08 ms more for each.
    """
    zone = timezone.get_current_timezone_name()
    when = moment_html(webinar.starts_at, relative=relative)
    if webinar.timezone == zone:
        return when
    with timezone.override(zoneinfo.ZoneInfo(webinar.timezone)):
        there = moment_text(webinar.starts_at, part="time", zone=False)  # the language's time format, as above
    elsewhere = gettext("%(local)s in %(zone)s") % {"local": there, "zone": webinar.timezone}
    return format_html('{} <span class="muted">· {}</span>', when, elsewhere)
