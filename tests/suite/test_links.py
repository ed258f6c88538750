"""Absolute URLs from SITE_URL, and a clear error at start when a production host has none."""

import subprocess
import sys
import textwrap

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from suite.links import DEVELOPMENT_URL, absolute_url, site_url


@override_settings(SITE_URL="https://nlu.example.org/", WAGTAILADMIN_BASE_URL="https://admin.example.org")
def test_site_url_wins_and_loses_its_trailing_slash():
    assert absolute_url("/en/wiki/") == "https://nlu.example.org/en/wiki/"


@override_settings(SITE_URL="", WAGTAILADMIN_BASE_URL="https://wagtail.example.org")
def test_without_site_url_wagtails_own_base_url_serves():
    assert site_url() == "https://wagtail.example.org"


@override_settings(SITE_URL="", WAGTAILADMIN_BASE_URL="", DEBUG=True)
def test_in_development_the_local_address_serves():
    assert site_url() == DEVELOPMENT_URL


@override_settings(SITE_URL="", WAGTAILADMIN_BASE_URL="", DEBUG=False)
def test_in_production_a_missing_address_is_an_error_that_says_what_to_set():
    with pytest.raises(ImproperlyConfigured, match="Set SITE_URL"):
        site_url()


def test_a_production_host_without_an_address_does_not_start():
    """django.setup() itself fails, before any request or task could carry a broken link."""
    code = textwrap.dedent(
        """
        import django
        from django.conf import settings
        settings.configure(
            DEBUG=False,
            INSTALLED_APPS=["suite", "django.contrib.auth", "django.contrib.contenttypes"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        )
        django.setup()
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SITE_URL" in result.stderr


@pytest.mark.parametrize(("address", "warned"), [("http://example.com", True), ("https://nlu.example.org", False)])
def test_check_deploy_warns_of_a_placeholder_address(address, warned):
    with override_settings(SITE_URL=address):
        messages = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.urls])

    assert ("suite.W001" in [message.id for message in messages]) is warned
