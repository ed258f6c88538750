"""An app's settings: the host's value if it has one, the app's default otherwise, read at each use."""

import pytest
from django.test import override_settings

from suite.conf import AppSettings

example = AppSettings("EXAMPLE_", PAGE_SIZE=50, HOOKS=[])


def test_a_setting_the_host_leaves_out_has_its_default():
    assert example.PAGE_SIZE == 50


def test_the_hosts_value_wins_and_is_read_at_each_use():
    with override_settings(EXAMPLE_PAGE_SIZE=10):
        assert example.PAGE_SIZE == 10
    assert example.PAGE_SIZE == 50


def test_a_name_that_is_no_setting_of_the_app_is_an_error():
    with pytest.raises(AttributeError, match="EXAMPLE_PAGESIZE is not a setting"):
        example.PAGESIZE  # noqa: B018
