"""``{% moment value %}``: a date or time on a page, as ``suite.moments`` writes it for the reader.

``{% moment webinar.starts_at %}`` gives ``<time datetime="ISO">tomorrow, Thu 3 Dec 2026, 07:58
(Europe/Istanbul)</time>``; options ``part="date"``/``part="time"``, ``zone=False``,
``relative=False``, ``short=True``; ``as name`` keeps it for a ``blocktranslate``.
``{% moment_text value %}`` is the same without the markup, for plain-text e-mails.
"""

from django import template

from suite.moments import moment_html, moment_text

register = template.Library()


@register.simple_tag(name="moment")
def moment_tag(value, part="datetime", zone=True, relative=True, short=False):
    return moment_html(value, part=part, zone=zone, relative=relative, short=short)


@register.simple_tag(name="moment_text")
def moment_text_tag(value, part="datetime", zone=True, relative=True, short=False):
    return moment_text(value, part=part, zone=zone, relative=relative, short=short)
