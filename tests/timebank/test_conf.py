"""The timebank's settings (timebank/conf.py): a default for each, read at every use."""

import datetime

import pytest
from django.test import override_settings

from tests.factories import UserFactory
from timebank.conf import app_settings
from timebank.services import account_for, exchange_request_create

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "MIN_BALANCE_MINUTES": -600,
    "MAX_BALANCE_MINUTES": 6000,
    "REQUEST_DAYS": 14,
    "MAX_PENDING_REQUESTS": 20,
}


@pytest.mark.parametrize(("name", "default"), DEFAULTS.items())
def test_each_setting_has_its_default_when_the_host_sets_none(settings, name, default):
    if hasattr(settings, f"TIMEBANK_{name}"):
        delattr(settings, f"TIMEBANK_{name}")

    assert getattr(app_settings, name) == default


def test_a_new_account_gets_the_limits_set_now():
    account_for(UserFactory())  # read before the change below: no copy of them is kept

    with override_settings(TIMEBANK_MIN_BALANCE_MINUTES=-120, TIMEBANK_MAX_BALANCE_MINUTES=240):
        account = account_for(UserFactory())

    assert (account.min_balance, account.max_balance) == (-120, 240)


def test_a_request_expires_after_the_days_set_now(settings):
    settings.TIMEBANK_REQUEST_DAYS = 3

    request = exchange_request_create(
        creditor_member=UserFactory(), debtor_member=UserFactory(), minutes=30, memo="Leaflet"
    )

    assert request.expires_at - request.created_at == datetime.timedelta(days=3)


def test_an_unknown_setting_is_an_error_not_a_silent_none():
    with pytest.raises(AttributeError, match="TIMEBANK_PAGE_SIZE is not a setting of this app"):
        app_settings.PAGE_SIZE  # noqa: B018
