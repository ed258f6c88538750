"""The balance chart spans the account's history: from its first transfer's month to now, two years at most."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import UserFactory
from timebank.models import Transfer
from timebank.services import account_for

from .conftest import grant
from .pages import SVG, chart, parse, text

pytestmark = pytest.mark.django_db


def months_ago(count: int) -> datetime.date:
    """The first day of the month ``count`` months before this one."""
    month = timezone.localdate().replace(day=1)
    for _step in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def month_names(firsts: list[datetime.date], language: str = "en") -> list[str]:
    with translation.override(language):
        return [date_format(first, "M") for first in firsts]


def months_shown(page) -> list[str]:
    """The names of the months below the chart's line, oldest first."""
    svg = chart(page)
    return [element.text for element in svg.iter(f"{SVG}text") if element.get("text-anchor") == "middle"]


def member_with_history(first_transfer_months_ago: int | None):
    """A member whose first transfer was in the middle of the month that many months ago (None: no transfer)."""
    user = UserFactory(username="ayse")
    account = account_for(user)
    if first_transfer_months_ago is not None:
        first = grant(account, 120)
        when = datetime.datetime.combine(months_ago(first_transfer_months_ago), datetime.time(12), tzinfo=datetime.UTC)
        Transfer.objects.filter(pk=first.pk).update(created_at=when + datetime.timedelta(days=14))
        grant(account, 30)  # and one today
    return user


def test_the_chart_starts_with_the_month_of_the_first_transfer(client):
    client.force_login(member_with_history(5))

    page = parse(client.get("/en/timebank/"))

    assert months_shown(page) == month_names([months_ago(n) for n in range(5, -1, -1)])
    title = f"Balance since {date_format(months_ago(5), 'YEAR_MONTH_FORMAT')}"
    assert chart(page).find(f"{SVG}title").text == title
    assert text(page.select_one("figure figcaption")) == title
    assert chart(page).get("aria-label") == f"{title}; now 2 h 30 min."


def test_a_long_history_shows_the_last_two_years_naming_every_other_month(client):
    client.force_login(member_with_history(40))

    page = parse(client.get("/en/timebank/"))

    assert months_shown(page) == month_names([months_ago(n) for n in range(22, -1, -2)])
    title = chart(page).find(f"{SVG}title").text
    assert title == f"Balance since {date_format(months_ago(23), 'YEAR_MONTH_FORMAT')}"


def test_a_new_account_shows_this_month_and_the_one_before_at_zero(client):
    client.force_login(member_with_history(None))

    page = parse(client.get("/tr/timebank/"))

    assert months_shown(page) == month_names([months_ago(1), months_ago(0)], "tr")
    svg = chart(page)
    assert svg.find(f"{SVG}polyline") is not None
    assert "0 dk" in svg.get("aria-label")


def test_the_coordinators_see_the_same_chart_of_an_account(client, coordinator):
    member = member_with_history(3)
    client.force_login(coordinator)

    page = parse(client.get(f"/en/timebank/coordinate/accounts/{account_for(member).pk}/"))

    assert months_shown(page) == month_names([months_ago(n) for n in range(3, -1, -1)])
