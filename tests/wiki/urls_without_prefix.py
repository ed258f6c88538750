"""The wiki included as a ``wagtail start`` site does it: no language prefix (tests/wiki/test_plugin.py)."""

from django.urls import include, path

urlpatterns = [path("wiki/", include("wiki.urls"))]
