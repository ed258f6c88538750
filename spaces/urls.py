from django.urls import path

from . import views

app_name = "spaces"

# Names of the app's own pages start with "+", which no slug can, so no space can shadow them.
urlpatterns = [
    path("", views.index, name="index"),
    path("+new/", views.start, name="start"),
    path("+invitation/<str:token>/", views.invitation, name="invitation"),
    path("<str:slug>/", views.space, name="space"),
    path("<str:slug>/edit/", views.edit, name="edit"),
    path("<str:slug>/join/", views.join, name="join"),
    path("<str:slug>/leave/", views.leave, name="leave"),
    path("<str:slug>/digest/", views.digest, name="digest"),
    path("<str:slug>/members/", views.members, name="members"),
    path("<str:slug>/members/<int:member_id>/<str:action>/", views.member_action, name="member_action"),
    path("<str:slug>/invite/", views.invite, name="invite"),
    path("<str:slug>/files/", views.files, name="files"),
    path("<str:slug>/files/<int:document_id>/<str:filename>", views.file, name="file"),
    path("<str:slug>/meeting/", views.meeting, name="meeting"),
    path("<str:slug>/meeting/<int:webinar_id>/notes/", views.meeting_notes, name="meeting_notes"),
    path("<str:slug>/activity.atom", views.ActivityFeed(), name="feed"),
]
