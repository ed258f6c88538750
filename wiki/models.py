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
        permissions = [
            ("change_protected", _("Can protect wiki pages and edit protected ones")),
            ("link_mediawiki", _("Can keep wiki pages in step with pages of a MediaWiki")),
        ]

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


class RemoteAuthorKind(models.TextChoices):
    USER = "user", _("account")
    IP = "ip", _("IP address")
    HIDDEN = "hidden", _("hidden")


class RemoteMerge(models.TextChoices):
    MERGED = "merged", _("merged with edits made here")
    CONFLICT = "conflict", _("conflict: both texts kept, marked")


class RemoteWiki(models.Model):
    """A MediaWiki that pages come from or go to, known by its database name and host (``key``).

    A dump names it in its ``siteinfo``, the Action API in ``meta=siteinfo``: the same wiki has the
    same key both ways, so revisions imported from a dump are not pulled again by a sync.
    """

    key = models.CharField(_("key"), max_length=255, unique=True)
    name = models.CharField(_("name"), max_length=255)
    url = models.URLField(_("address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("remote wiki")
        verbose_name_plural = _("remote wikis")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.key


class RemoteAuthor(models.Model):
    """A name on a remote wiki that an administrator mapped to a local account: its revisions are theirs here."""

    wiki = models.ForeignKey(RemoteWiki, verbose_name=_("remote wiki"), on_delete=models.CASCADE)
    name = models.CharField(_("name on the remote wiki"), max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("local account"), on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("remote author")
        verbose_name_plural = _("remote authors")
        constraints = [models.UniqueConstraint(fields=["wiki", "name"], name="wiki_remote_author_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.wiki}) → {self.user}"


class RemotePage(models.Model):
    """A page here that came from, or is kept in step with, a page of a MediaWiki.

    ``base_*`` is the last state both sides agreed on (the newest remote revision copied here, or
    the one a push made there): the base of the three-way merge when both sides changed since,
    and the ``basetimestamp`` of a push, so that the remote wiki detects an edit made meanwhile.
    """

    page = models.OneToOneField(WikiPage, verbose_name=_("page"), on_delete=models.CASCADE, related_name="remote")
    wiki = models.ForeignKey(RemoteWiki, verbose_name=_("remote wiki"), on_delete=models.PROTECT, related_name="pages")
    remote_page_id = models.PositiveBigIntegerField(_("remote page id"), null=True, blank=True)
    title = models.CharField(_("remote title"), max_length=255)
    # Kept in step: pulled (and pushed, if ``push``) by the sync; "" for a page only imported.
    api_url = models.URLField(_("API address"), max_length=500, blank=True)
    push = models.BooleanField(_("push edits made here"), default=False)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    base_id = models.PositiveBigIntegerField(_("last agreed remote revision"), null=True, blank=True)
    base_timestamp = models.DateTimeField(_("its timestamp"), null=True, blank=True)
    base_text = models.TextField(_("its text"), blank=True)
    # The revision the last push made there, when an edit made there meanwhile overtook it: a pull
    # must not copy it back as a change, since it would undo that edit here.
    pushed_id = models.PositiveBigIntegerField(_("last pushed remote revision"), null=True, blank=True)
    last_pulled_at = models.DateTimeField(_("last pulled"), null=True, blank=True)
    last_pushed_at = models.DateTimeField(_("last pushed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("remote page")
        verbose_name_plural = _("remote pages")
        constraints = [
            models.UniqueConstraint(
                fields=["wiki", "remote_page_id"],
                name="wiki_remote_page_unique",
                condition=Q(remote_page_id__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["wiki", "title"], name="wiki_remote_page_title")]

    def __str__(self) -> str:
        return f"{self.page} ⇄ {self.title} ({self.wiki})"


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
    minor = models.BooleanField(_("minor edit"), default=False)
    html = models.TextField(_("HTML"), editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # A revision copied from a MediaWiki (imported or pulled): that wiki and its revision id there.
    remote_wiki = models.ForeignKey(
        "RemoteWiki", verbose_name=_("remote wiki"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    remote_id = models.PositiveBigIntegerField(_("remote revision id"), null=True, blank=True)
    # Who wrote it there, when no local account is mapped to that name (an IP address for an anonymous edit).
    remote_author = models.CharField(_("remote author"), max_length=255, blank=True)
    remote_author_kind = models.CharField(
        _("kind of remote author"), max_length=8, choices=RemoteAuthorKind.choices, blank=True
    )
    remote_merge = models.CharField(
        _("merge with edits made here"), max_length=8, choices=RemoteMerge.choices, blank=True
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="wiki_revision_number_unique_per_page"),
            models.CheckConstraint(condition=Q(number__gte=1), name="wiki_revision_number_positive"),
            # What makes an import idempotent: a remote revision is copied here once.
            models.UniqueConstraint(fields=["remote_wiki", "remote_id"], name="wiki_revision_remote_unique"),
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


class MediaWikiImport(models.Model):
    """An import of a MediaWiki export file uploaded in the admin: run by a Celery worker, watched on its page.

    The file is kept only until the import ends (it may hold a wiki's private history).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("stopped")

    file = models.FileField(_("file"), upload_to="wiki-imports/%Y/", max_length=500, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    language = models.CharField(_("language"), max_length=10)
    scope = models.CharField(_("scope"), max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), default=0)
    revisions_added = models.PositiveBigIntegerField(_("revisions added"), default=0)
    report = models.TextField(_("report"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("MediaWiki import")
        verbose_name_plural = _("MediaWiki imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
