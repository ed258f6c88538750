from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import export_views, offline, routing, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("seminars/callbacks/", include("seminars.callback_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("offline/", offline.offline, name="offline"),
    path("profile/", views.profile, name="profile"),
    path("profile/data/", export_views.my_data, name="my_data"),
    path("profile/data/download/", export_views.my_data_download, name="my_data_download"),
    path("profile/data/<str:token>/", export_views.my_data_export, name="my_data_export"),
    path("profile/close/", views.close_account, name="account_close"),
    path("", include("courses.urls")),
    path("", include("seminars.urls")),
    path("timebank/", include("timebank.urls")),
    path("wiki/", include("wiki.urls")),
    path("spaces/", include("spaces.urls")),
    # Wagtail's own front-end views, and its catch-all page serving last, through nlu.routing.
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
