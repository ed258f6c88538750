from django.urls import path

from .views import editing, history, mediawiki, reading

app_name = "wiki"

# Names of the wiki's own pages start with "+", which no slug can, so no page title can shadow them.
urlpatterns = [
    path("", reading.index, name="index"),
    path("+recent/", reading.recent, name="recent"),
    path("+search/", reading.search, name="search"),
    path("+new/", editing.create, name="create"),
    path("+preview/", editing.preview, name="preview"),
    path("<str:slug>/", reading.read, name="page"),
    path("<str:slug>/edit/", editing.edit, name="edit"),
    path("<str:slug>/history/", history.history, name="history"),
    path("<str:slug>/diff/", history.diff, name="diff"),
    path("<str:slug>/revert/<int:number>/", history.revert, name="revert"),
    path("<str:slug>/links/", reading.backlinks, name="backlinks"),
    path("<str:slug>/export.md", reading.export, name="export"),
    path("<str:slug>/export.xml", reading.export_mediawiki, name="export_mediawiki"),
    path("<str:slug>/protect/", editing.protect, name="protect"),
    path("<str:slug>/mediawiki/", mediawiki.mediawiki, name="mediawiki"),
]
