"""Write wiki pages with every revision as a MediaWiki XML export, for importDump.php or Special:Import."""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wiki.mediawiki.export import export_chunks, title_refused, write_export
from wiki.models import WikiPage

# Pages read from the database at a time when every page of a language is exported.
PAGE_BATCH = 100


class Command(BaseCommand):
    help = (
        "Write the named pages (all pages of the language when none is named) with every revision as a "
        "MediaWiki XML export (schema 0.11), their Markdown converted to wikitext, for MediaWiki's "
        "importDump.php or Special:Import. This is an administrator's command: it exports every page, "
        "private pages included, whoever may read them on the site; mind where the file goes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "slugs", nargs="*", metavar="SLUG", help="the pages to export (default: every page of the language)"
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="the language of the pages (default: the site's)"
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="the file to write (default: standard output)")

    def handle(self, *args, slugs, language, output, **options):
        if language not in dict(settings.LANGUAGES):
            languages = ", ".join(dict(settings.LANGUAGES))
            raise CommandError(f"{language!r} is not one of the site's languages: {languages}")
        pages = WikiPage.objects.filter(language=language).defer("text")
        if slugs:
            found = {page.slug: page for page in pages.filter(slug__in=slugs)}
            unknown = [slug for slug in dict.fromkeys(slugs) if slug not in found]
            if unknown:
                raise CommandError(
                    f"No page in {language!r} has the slug {', '.join(map(repr, unknown))}: nothing was written."
                )
            chosen = [found[slug] for slug in dict.fromkeys(slugs)]
        else:
            chosen = pages.order_by("title", "pk").iterator(chunk_size=PAGE_BATCH)
        chosen = self.warn_of_titles(chosen)
        if output:
            self.write_file(Path(output), chosen, language)
        else:
            for chunk in export_chunks(chosen, language=language):
                self.stdout.write(chunk, ending="")

    def warn_of_titles(self, pages):
        """The pages, each in turn, saying on stderr which ones MediaWiki will skip for their title."""
        for page in pages:
            if title_refused(page.title):
                self.stderr.write(
                    f"MediaWiki refuses the title {page.title!r} (it holds one of # < > [ ] | {{ }} or is too long): "
                    "it will skip that page when importing the file. Rename the page here to export it."
                )
            yield page

    def write_file(self, path: Path, pages, language: str) -> None:
        """Write to a file beside ``path``, renamed onto it when complete: never half a file under its name."""
        try:
            handle, partial = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".part")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from None
        try:
            with os.fdopen(handle, "wb") as out:
                write_export(pages, out, language=language)
            os.chmod(partial, 0o666 & ~_umask())
            os.replace(partial, path)
        except BaseException as error:
            Path(partial).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise CommandError(f"Cannot write {path}: {error.strerror}") from None
            raise


def _umask() -> int:
    """The process's umask (read by setting it), so that the file gets the mode open() would give it."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
