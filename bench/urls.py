"""The project's URLs and two bench-only views; only ``bench.settings`` uses this URLconf."""

from django.urls import path

from nlu.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("bench/hello", views.hello, name="bench_hello"),
    path("bench/transfer", views.transfer, name="bench_transfer"),
    *site_urlpatterns,
]
