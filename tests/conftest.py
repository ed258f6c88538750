import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

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


@pytest.fixture
def demo(db):
    """The demo site: home and about pages in EN and TR, the four demo users."""
    call_command("load_demo", stdout=io.StringIO())
