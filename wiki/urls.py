from django.urls import path

from . import views

app_name = "wiki"

# Names of the wiki's own pages start with "+", which no slug can, so no page title can shadow them.
urlpatterns = [
    path("", views.index, name="index"),
    path("+recent/", views.recent, name="recent"),
    path("+search/", views.search, name="search"),
    path("+new/", views.create, name="create"),
    path("+preview/", views.preview, name="preview"),
    path("<str:slug>/", views.read, name="page"),
    path("<str:slug>/edit/", views.edit, name="edit"),
    path("<str:slug>/history/", views.history, name="history"),
    path("<str:slug>/diff/", views.diff, name="diff"),
    path("<str:slug>/revert/<int:number>/", views.revert, name="revert"),
    path("<str:slug>/links/", views.backlinks, name="backlinks"),
    path("<str:slug>/export.md", views.export, name="export"),
    path("<str:slug>/protect/", views.protect, name="protect"),
]
