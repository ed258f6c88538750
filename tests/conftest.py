import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from tests.hosts import preferences


def pytest_configure(config):
    # Turkish pages are only Turkish once locale/*.po is compiled; make test does it too.
    call_command("compile_translations", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, so allauth's rate limits do not leak between tests."""
    cache.clear()
    yield
    cache.clear()
    preferences.forget_all()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request to a /tr/ page leaves Turkish active
    in the thread, and a later test's URLs and texts would follow it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo(db):
    """The demo site: home and about pages in EN and TR, the four demo users."""
    call_command("load_demo", stdout=io.StringIO())
