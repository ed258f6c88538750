"""The URL includes of docs/plugins.md, for the plugins this host installs."""

from django.apps import apps
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

# Each app's includes as docs/plugins.md gives them: (route, URLconf module).
INCLUDES = {
    "courses": [("", "courses.urls")],
    "seminars": [("", "seminars.urls")],
    "timebank": [("timebank/", "timebank.urls")],
    "wiki": [("wiki/", "wiki.urls")],
    "spaces": [("spaces/", "spaces.urls")],
}
UNTRANSLATED = {"seminars": [("seminars/callbacks/", "seminars.callback_urls")]}


def installed(includes: dict) -> list:
    """The includes of the apps this host installs (an app it lacks cannot even be imported)."""
    return [
        path(route, include(module))
        for app, routes in includes.items()
        if apps.is_installed(app)
        for route, module in routes
    ]


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    *installed(UNTRANSLATED),
]
urlpatterns += i18n_patterns(*installed(INCLUDES), path("", include(wagtail_urls)))
