"""One pass of the MediaWiki sync, as the Celery beat task runs it."""

from django.core.management.base import BaseCommand

from wiki.mediawiki.sync import sync_all


class Command(BaseCommand):
    help = "Pull (and push, where asked) every wiki page kept in step with a MediaWiki, once."

    def handle(self, *args, **options):
        for link, report in sync_all():
            link.refresh_from_db(fields=["last_error"])
            if report is None:
                state = "failed: see the log"
            elif link.last_error:
                state = f"error: {link.last_error}"
            else:
                state = f"{report.revisions_added} revisions pulled"
            self.stdout.write(f"{link.page.language}/{link.page.slug} ⇄ {link.title} ({link.wiki}): {state}")
