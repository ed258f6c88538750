"""What a member sees on the timebank's pages, and what the database holds, for the page tests."""

import xml.etree.ElementTree as ET
from contextlib import contextmanager

from bs4 import BeautifulSoup
from django.contrib.messages import get_messages

from .conftest import stored

SVG = "{http://www.w3.org/2000/svg}"


def parse(response, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, f"{response.status_code} instead of {status}"
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def flashed(response, status: int = 200) -> str:
    """What the page tells the member once (django.contrib.messages): a host's layout shows it where it likes."""
    assert response.status_code == status, f"{response.status_code} instead of {status}"
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def errors(page: BeautifulSoup) -> list[str]:
    """Every error shown: at the top of the page, of a form, or at a field."""
    return [text(element) for element in page.select("main .message.error, main p.error")]


# The statement's columns, by position (their headings are translated).
DATE, OTHER, KIND, MEMO, AMOUNT, BALANCE = range(6)


def statement_rows(page: BeautifulSoup) -> list[list[str]]:
    """The statement table: one list of cell texts per transfer, newest first."""
    rows = page.select_one("table.statement").select("tbody tr")
    return [[text(td) for td in row.select("td")] for row in rows if len(row.select("td")) > 1]


def chart(page: BeautifulSoup) -> ET.Element:
    """The page's chart, parsed as XML (it must be well-formed SVG)."""
    return ET.fromstring(str(page.select_one("svg")))


@contextmanager
def nothing_written():
    """Around a refused request: every row the timebank keeps must be as it was."""
    before = stored()
    yield
    assert stored() == before
