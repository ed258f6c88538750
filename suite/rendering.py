"""Pages of the apps inside the host's own layout (the base template of docs/plugins.md).

``{% extends %}`` must be a template's first tag, so the name of the host's base template
reaches the apps' ``<app>/base.html`` as a context variable, set here.
"""

from django.shortcuts import render as django_render

from .conf import suite_settings


def layout_context() -> dict:
    return {"suite_base_template": suite_settings.BASE_TEMPLATE}


def render(request, template_name: str, context: dict | None = None, **kwargs):
    """django.shortcuts.render, with the host's base template named for the app's layout."""
    return django_render(request, template_name, {**layout_context(), **(context or {})}, **kwargs)


class LayoutPageMixin:
    """For a Wagtail page model of an app: its template gets the host's base template too."""

    def get_context(self, request, *args, **kwargs):
        return {**super().get_context(request, *args, **kwargs), **layout_context()}
