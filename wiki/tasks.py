"""The wiki's Celery tasks: the MediaWiki sync's passes, and imports uploaded in the admin."""

import logging
import time

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suite.members import member_locale

from .mediawiki.importer import import_dump
from .mediawiki.sync import sync_all, sync_page
from .models import MediaWikiImport, RemotePage
from .scopes import provider

logger = logging.getLogger(__name__)


@shared_task
def sync_mediawiki_pages() -> int:
    """One pass over the pages kept in step with a MediaWiki (beat: every WIKI_MEDIAWIKI_SYNC_MINUTES)."""
    return len(sync_all())


@shared_task
def sync_mediawiki_page(link_id: int) -> int:
    """One pass for one page, the first after it is linked; how many revisions it pulled.

    A page unlinked (or deleted) before the task runs is left alone; a pass that fails is
    recorded on the link, and the beat's next pass tries again.
    """
    link = RemotePage.objects.select_related("page", "wiki").exclude(api_url="").filter(pk=link_id).first()
    if link is None:
        return 0
    return sync_page(link).revisions_added


# The least time between two saves of an import's progress: its page reads them, no need for more.
PROGRESS_SECONDS = 1.0


@shared_task
def import_mediawiki_file(import_id: int) -> None:
    """Run an import uploaded in the admin (``MediaWikiImport``), once.

    Only a queued import starts, taken under a row lock: a task the broker delivers again
    finds it running or ended and does nothing. The stored file is deleted when it ends.
    """
    with transaction.atomic():
        job = MediaWikiImport.objects.select_for_update().filter(pk=import_id).first()
        if job is None or job.status != MediaWikiImport.Status.QUEUED:
            return
        job.status = MediaWikiImport.Status.RUNNING
        job.save(update_fields=["status"])
    # Problems are worded as the import meets them: all of it speaks the language of who started it.
    with member_locale(job.started_by):
        status, lines, report = _run_import(job)
    job.status, job.report, job.finished_at = status, "\n".join(lines), timezone.now()
    if report is not None:
        job.revisions_added = report.revisions_added
    if status == MediaWikiImport.Status.DONE:
        job.bytes_read = job.size
    job.file.delete(save=False)  # it may hold a wiki's private history
    job.save(update_fields=["status", "report", "finished_at", "revisions_added", "bytes_read", "file"])


def _run_import(job: MediaWikiImport):
    """(status, report lines, report or None) of importing ``job``'s file, progress saved as it goes."""
    scope = None
    if job.scope:
        scope = provider().describe([job.scope]).get(job.scope)
        if scope is None:
            return MediaWikiImport.Status.FAILED, [_("The group to import into no longer exists.")], None
    latest, last_saved = None, time.monotonic()
    try:
        with job.file.open("rb") as source:

            def progress(report):
                nonlocal latest, last_saved
                latest = report
                if time.monotonic() - last_saved >= PROGRESS_SECONDS:
                    MediaWikiImport.objects.filter(pk=job.pk).update(
                        bytes_read=source.tell(), revisions_added=report.revisions_added
                    )
                    last_saved = time.monotonic()

            report = import_dump(source, language=job.language, scope=scope, progress=progress)
    except Exception:
        logger.exception("The MediaWiki import %s stopped unexpectedly", job.pk)
        lines = latest.lines() if latest is not None else []
        lines.append(_("The import stopped unexpectedly; what was imported stays. Upload the file again for the rest."))
        return MediaWikiImport.Status.FAILED, lines, latest
    status = MediaWikiImport.Status.FAILED if report.stopped else MediaWikiImport.Status.DONE
    return status, report.lines(), report
