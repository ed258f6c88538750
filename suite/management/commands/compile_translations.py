"""Compile the .po files of LOCALE_PATHS and of every installed app into .mo files, without GNU gettext."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


def locale_folders() -> list[Path]:
    """The host's LOCALE_PATHS, then each installed app's own locale/ folder."""
    folders = [Path(path) for path in settings.LOCALE_PATHS]
    folders += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    return [folder for folder in folders if folder.is_dir()]


class Command(BaseCommand):
    help = "Compile the .po files of the host and its apps into .mo files (only those that changed)."

    def handle(self, *args, **options):
        for folder in locale_folders():
            for po_path in sorted(folder.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                if options["verbosity"] > 0:
                    self.stdout.write(f"compiled {mo_path}")
