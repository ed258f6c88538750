"""Every string the project marks for translation has a Turkish translation (the messages check).

The host's strings are in locale/, each app's in its own <app>/locale/, so an app carries its
Turkish with it into another site.
"""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from tests.nlu.processes import PROJECT_ROOT, fresh_environ, run

CATALOGUE = Path("tr", "LC_MESSAGES", "django.po")
CATALOGUE_FOLDERS = [
    "locale",
    *(f"{app}/locale" for app in ("suite", "courses", "seminars", "timebank", "wiki", "spaces")),
]
# What `make messages` leaves out too; every app's source, templates and locale/ are copied.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "var", "tests", "bench", "test-artifacts", "*_cache", "__pycache__", "*.pyc", "*.mo"
)
NO_GETTEXT = "xgettext (GNU gettext) is not installed: apt-get install gettext"


def problems(po: polib.POFile) -> str:
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    return "\n".join([*(f"untranslated: {m!r}" for m in untranslated), *(f"fuzzy: {m!r}" for m in fuzzy)])


def served(entry: polib.POEntry) -> str:
    """What the site shows for this entry (in the singular) in the active language."""
    if entry.msgid_plural:
        singular = (entry.msgid, entry.msgid_plural, 1)
        return translation.npgettext(entry.msgctxt, *singular) if entry.msgctxt else translation.ngettext(*singular)
    return translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason=NO_GETTEXT)
def test_every_marked_string_is_translated_into_turkish(tmp_path):
    """makemessages runs on a copy of the source, so the checked-in .po is never rewritten."""
    project = shutil.copytree(PROJECT_ROOT, tmp_path / "project", ignore=NOT_SOURCE)
    env = fresh_environ(tmp_path / "var", "nlu.settings.test")

    result = run(["manage.py", "makemessages", "-l", "tr", "--no-obsolete", "--ignore", "tests/*"], env, cwd=project)

    assert result.returncode == 0, result.stderr
    for folder in CATALOGUE_FOLDERS:
        po = polib.pofile(str(project / folder / CATALOGUE))
        assert len(po) > 0, folder
        assert not problems(po), f"{folder}/{CATALOGUE} needs work (run make messages):\n{problems(po)}"


@pytest.mark.parametrize("folder", CATALOGUE_FOLDERS)
def test_checked_in_turkish_catalogue_is_complete(folder):
    po = polib.pofile(str(PROJECT_ROOT / folder / CATALOGUE))

    assert not problems(po), problems(po)


@pytest.mark.parametrize("folder", CATALOGUE_FOLDERS)
def test_site_speaks_every_translation_in_the_catalogue(folder):
    """The compiled catalogues are the ones in use, and no two say one English string differently."""
    assert settings.LOCALE_PATHS
    missing = []
    with translation.override("tr"):
        for entry in polib.pofile(str(PROJECT_ROOT / folder / CATALOGUE)).translated_entries():
            if served(entry) != (entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr):
                missing.append(entry.msgid)
    assert not missing, f"not served in Turkish (stale .mo, or another catalogue says it otherwise?): {missing}"
