"""What a visitor sees on a rendered page: its language, messages, links and times."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from django.utils import timezone, translation
from django.utils.formats import date_format


def parse(response) -> BeautifulSoup:
    assert response.status_code == 200, f"{response.status_code} instead of a page"
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def html_lang(page: BeautifulSoup) -> str:
    return page.html["lang"]


def messages_shown(page: BeautifulSoup) -> list[str]:
    return [text(item) for item in page.select(".messages li")]


def language_links(page: BeautifulSoup) -> dict[str, str]:
    """The language switcher: language code -> where its link goes."""
    return {link["hreflang"]: link["href"] for link in page.select("nav.languages a")}


def current_time_as_shown(zone: str, language: str, since: datetime) -> set[str]:
    """Each way "now, in ``zone``" can be written for a request made after ``since``: one per minute."""
    instants, moment = [], since
    while moment < timezone.now():
        instants.append(moment)
        moment += timedelta(minutes=1)
    instants.append(timezone.now())
    with translation.override(language):
        return {f"{date_format(t.astimezone(ZoneInfo(zone)), 'DATETIME_FORMAT')} ({zone})" for t in instants}


def shows_current_time_in(page: BeautifulSoup, zone: str, language: str, since: datetime) -> bool:
    shown = text(page.main)
    return any(time in shown for time in current_time_as_shown(zone, language, since))
