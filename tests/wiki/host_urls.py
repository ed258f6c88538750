"""TEMPORARY (reported to the lead): tests/hosts/urls.py imports every app's urls at import, so the
wiki's bare host cannot load it; this is its wiki part alone, as docs/plugins.md gives it."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
]
urlpatterns += i18n_patterns(path("wiki/", include("wiki.urls")), path("", include(wagtail_urls)))
