"""BBB's callbacks: outside the language prefix, each verified by signature or token."""

from django.urls import path

from . import views

app_name = "seminars_callbacks"

urlpatterns = [
    path("end/<uuid:meeting_id>/", views.end_callback, name="end"),
    path("recording-ready/", views.recording_ready_callback, name="recording_ready"),
]
