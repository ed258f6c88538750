"""Import a MediaWiki XML export file (Special:Export, dumpBackup.php) into the wiki, with all revisions."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from wiki.mediawiki.importer import import_dump
from wiki.scopes import provider


class Command(BaseCommand):
    help = (
        "Import the pages of a MediaWiki XML export (schema 0.10 or 0.11) with every revision. "
        "Importing the same file again adds nothing; a newer dump adds only its new revisions."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the XML file (as Special:Export or dumpBackup.php --full write it)")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="the language of its pages here (default: the site's)"
        )
        parser.add_argument("--space", metavar="SLUG", help="the group (WIKI_SCOPES) the new pages belong to")

    def handle(self, *args, file, language, space, **options):
        if language not in dict(settings.LANGUAGES):
            raise CommandError(
                f"{language!r} is not one of the site's languages: {', '.join(dict(settings.LANGUAGES))}"
            )
        scope = None
        if space:
            scope = provider().named(space)
            if scope is None:
                raise CommandError(f"There is no group named {space!r} to import into.")
        started = time.monotonic()
        try:
            source = open(file, "rb")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        with source, translation.override(settings.LANGUAGE_CODE):

            def progress(report):
                if options["verbosity"] > 1:
                    self.stderr.write(
                        f"\r{source.tell():,} bytes read, {report.revisions_added:,} revisions", ending=""
                    )

            report = import_dump(source, language=language, scope=scope, progress=progress)
            for line in report.lines():
                self.stdout.write(line)
        seconds = time.monotonic() - started
        if options["verbosity"] > 0:
            self.stdout.write(f"{report.wiki}: {seconds:.1f} s")
        if report.stopped or report.problems:
            raise CommandError("Some pages were not imported (see above); what was imported stays.")
