"""Wiki pages, their append-only revisions and the links between pages.

A page is one language's version of a subject; the same subject in other languages shares the
page's ``translation_group``. Its text lives in revisions, which are never changed: an edit, a
merge or a revert adds one. The page keeps a copy of the current text so that Wagtail's search
backend indexes it whenever the page row is saved.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.search import index


class WikiPage(index.Indexed, models.Model):
    language = models.CharField(_("language"), max_length=10)
    slug = models.SlugField(_("slug"), max_length=255, allow_unicode=True)
    title = models.CharField(_("title"), max_length=255)
    # Shared by the same subject in other languages; indexed by the one-page-per-language constraint.
    translation_group = models.UUIDField(_("translation group"), default=uuid.uuid4, editable=False)
    current_revision = models.ForeignKey(
        "Revision",
        verbose_name=_("current revision"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The current revision's text, copied on every save: what the search backend indexes.
    text = models.TextField(_("text"), blank=True, editable=False)
    protected = models.BooleanField(
        _("protected"), default=False, help_text=_("Only coordinators may edit a protected page.")
    )
    # The group that owns the page ("": none), an opaque key the wiki never interprets (wiki/scopes.py).
    scope = models.CharField(_("scope"), max_length=64, blank=True, db_index=True, editable=False)
    private = models.BooleanField(
        _("private"), default=False, editable=False, help_text=_("Only the readers of its scope may see the page.")
    )
    tags = TaggableManager(verbose_name=_("tags"), through="TaggedWikiPage", blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False, db_index=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("text"),
        index.FilterField("language"),
        index.FilterField("private"),
        index.FilterField("scope"),
    ]

    class Meta:
        verbose_name = _("wiki page")
        verbose_name_plural = _("wiki pages")
        ordering = ["language", "title"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="wiki_page_slug_unique_per_language"),
            # A subject has at most one page in each language.
            models.UniqueConstraint(fields=["translation_group", "language"], name="wiki_page_one_per_language"),
        ]
        indexes = [
            # Every list of pages asks for the public ones and those of the reader's private scopes.
            models.Index(fields=["private", "scope"], name="wiki_page_readable"),
        ]
        permissions = [("change_protected", _("Can protect wiki pages and edit protected ones"))]

    def __str__(self) -> str:
        return self.title


class TaggedWikiPage(TaggedItemBase):
    """A real foreign key to the page (not taggit's generic one), so tags join and prefetch cheaply."""

    content_object = models.ForeignKey(
        WikiPage, verbose_name=_("wiki page"), on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("wiki page tag")
        verbose_name_plural = _("wiki page tags")


class Revision(models.Model):
    """One state of a page's text. Never updated, except ``html``: a cache re-rendered when a red link turns blue."""

    page = models.ForeignKey(WikiPage, verbose_name=_("page"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    # The revision the editor started from: the previous one, or an older one when a merge was needed.
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wiki_revisions",
    )
    text = models.TextField(_("text"))
    summary = models.CharField(_("edit summary"), max_length=300, blank=True)
    html = models.TextField(_("HTML"), editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="wiki_revision_number_unique_per_page"),
            models.CheckConstraint(condition=Q(number__gte=1), name="wiki_revision_number_positive"),
        ]
        indexes = [
            # Recent changes, and the edit rate limit (a member's revisions of the last minute).
            models.Index(fields=["-created_at"], name="wiki_revision_recent"),
            models.Index(fields=["author", "-created_at"], name="wiki_revision_by_author"),
        ]

    def __str__(self) -> str:
        return f"{self.page} #{self.number}"


class PageLink(models.Model):
    """A ``[[wiki link]]`` in a page's current text; rebuilt on every save, for backlinks and red links."""

    from_page = models.ForeignKey(
        WikiPage, verbose_name=_("from page"), on_delete=models.CASCADE, related_name="links_out"
    )
    to_slug = models.SlugField(_("to slug"), max_length=255, allow_unicode=True)
    to_language = models.CharField(_("to language"), max_length=10)

    class Meta:
        verbose_name = _("page link")
        verbose_name_plural = _("page links")
        constraints = [
            models.UniqueConstraint(fields=["from_page", "to_language", "to_slug"], name="wiki_pagelink_unique")
        ]
        indexes = [models.Index(fields=["to_language", "to_slug"], name="wiki_pagelink_target")]

    def __str__(self) -> str:
        return f"{self.from_page} → {self.to_language}/{self.to_slug}"
