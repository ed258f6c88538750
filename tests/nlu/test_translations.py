"""Every string the project marks for translation has a Turkish translation (the messages check)."""

import shutil

import polib
import pytest
from django.conf import settings
from django.utils import translation

from tests.nlu.processes import PROJECT_ROOT, fresh_environ, run

CHECKED_IN_PO = PROJECT_ROOT / "locale" / "tr" / "LC_MESSAGES" / "django.po"
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
    po = polib.pofile(str(project / "locale" / "tr" / "LC_MESSAGES" / "django.po"))
    assert len(po) > 0
    assert not problems(po), f"locale/tr/LC_MESSAGES/django.po needs work (run make messages):\n{problems(po)}"


def test_checked_in_turkish_catalogue_is_complete():
    po = polib.pofile(str(CHECKED_IN_PO))

    assert not problems(po), problems(po)


def test_site_speaks_every_translation_in_the_catalogue():
    """The compiled catalogue is the one in use: each Turkish string comes back from gettext."""
    assert settings.LOCALE_PATHS
    missing = []
    with translation.override("tr"):
        for entry in polib.pofile(str(CHECKED_IN_PO)).translated_entries():
            if served(entry) != (entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr):
                missing.append(entry.msgid)
    assert not missing, f"not served in Turkish (stale .mo?): {missing}"
