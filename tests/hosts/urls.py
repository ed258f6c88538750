"""The URL includes of docs/plugins.md, for the plugins this host installs."""

from django.apps import apps
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

# Each app's include, as docs/plugins.md gives it.
INCLUDES = {
    "courses": [path("", include("courses.urls"))],
    "seminars": [path("", include("seminars.urls"))],
    "timebank": [path("timebank/", include("timebank.urls"))],
    "wiki": [path("wiki/", include("wiki.urls"))],
}
UNTRANSLATED = {"seminars": [path("seminars/callbacks/", include("seminars.callback_urls"))]}


def installed(includes: dict) -> list:
    return [pattern for app, patterns in includes.items() if apps.is_installed(app) for pattern in patterns]


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    *installed(UNTRANSLATED),
]
urlpatterns += i18n_patterns(*installed(INCLUDES), path("", include(wagtail_urls)))
