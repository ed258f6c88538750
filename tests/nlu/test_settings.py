"""Settings come from the environment (DESIGN §5); each case runs in a fresh process."""

import secrets

import pytest

from tests.nlu.processes import fresh_environ, run, run_django

LANGUAGE_CODES = "from django.conf import settings\nprint(*[code for code, name in settings.LANGUAGES])"


@pytest.fixture
def environ(tmp_path):
    return fresh_environ(tmp_path / "var")


@pytest.fixture
def production(tmp_path):
    """Production settings with a 64-character random secret key and one host name."""
    return {
        **fresh_environ(tmp_path / "var", "nlu.settings.production"),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "nlu.example.org",
        "SITE_URL": "https://nlu.example.org",
        "BBB_URL": "https://bbb.example.org/bigbluebutton/api/",
        "BBB_SECRET": secrets.token_urlsafe(32),
    }


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "BBB_URL", "BBB_SECRET"])
def test_production_refuses_to_start_without(production, missing):
    del production[missing]

    result = run(["manage.py", "check"], production)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_passes_the_deployment_checklist(production):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production)

    assert result.returncode == 0, result.stderr


def test_sqlite_by_default_uses_wal_and_takes_the_write_lock_at_begin(environ):
    """IMMEDIATE: a transaction that has only read still keeps other writers out until it ends."""
    result = run_django(
        """
import sqlite3
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
with transaction.atomic():
    connection.cursor().execute("SELECT 1")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        print("another writer got in")
    except sqlite3.OperationalError as error:
        print(error)
""",
        environ,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["wal", "database is locked"]


def test_database_url_switches_to_postgresql(environ):
    environ["DATABASE_URL"] = "postgres://nlu:secret@db.example.org:5432/nlu"

    result = run_django(
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(db['ENGINE'], db['HOST'], db['NAME'])",
        environ,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.example.org", "nlu"]


def test_default_languages_are_english_and_turkish(environ):
    result = run_django(LANGUAGE_CODES, environ)

    assert result.stdout.split() == ["en", "tr"]


def test_languages_come_from_the_environment(environ):
    environ["LANGUAGES"] = "en,tr,es"

    result = run_django(LANGUAGE_CODES, environ)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["en", "tr", "es"]


def test_unknown_language_code_is_refused(environ):
    environ["LANGUAGES"] = "en,tr,zz"

    result = run_django("", environ)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "zz" in result.stderr
