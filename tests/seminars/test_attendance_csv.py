"""A session's attendance list as CSV (issue 20, "Who sees me"): like the page, it names a member as the host
names them now (str), not by the copy of their name BBB was given when they joined; a guest by the name they
gave. The copy may be a name the member no longer shows anyone (they chose initials or a pseudonym since)."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seminars.models import Attendance
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def attend(webinar, *, member=None, full_name: str, role: str = "VIEWER") -> Attendance:
    """A row as joining writes it: ``full_name`` is what BBB was given then."""
    now = timezone.now()
    return Attendance.objects.create(
        webinar=webinar,
        member=member,
        user_key=str(member.pk) if member else f"guest-{full_name}",
        full_name=full_name,
        role=role,
        joined_at=now,
        last_seen_at=now,
    )


def sheet(client, webinar) -> list[list[str]]:
    response = client.get(f"/en/sessions/{webinar.pk}/attendance/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def page_names(client, webinar) -> list[str]:
    page = BeautifulSoup(client.get(f"/en/sessions/{webinar.pk}/attendance/").content, "html.parser")
    return [cell.get_text() for cell in page.select("tbody tr td:first-child")]


def test_a_member_is_named_as_now_not_by_the_name_bbb_was_given(as_role, drop_in, people):
    steward = people["enrolled"]
    attend(drop_in, member=people["tutor"], full_name=str(people["tutor"]), role="MODERATOR")
    attend(drop_in, member=steward, full_name="Deniz Yıldız, as BBB was told")

    client = as_role("tutor")
    rows = sheet(client, drop_in)

    assert rows[0] == ["Name", "Role", "Joined", "Minutes"]
    assert [row[:2] for row in rows[1:]] == [[str(people["tutor"]), "MODERATOR"], [str(steward), "VIEWER"]]
    assert "Deniz Yıldız" not in "".join(cell for row in rows for cell in row)
    assert [row[0] for row in rows[1:]] == page_names(client, drop_in)  # the CSV and the page agree


def test_a_guest_is_named_by_the_name_they_gave(as_role, drop_in, people):
    attend(drop_in, member=people["enrolled"], full_name=str(people["enrolled"]))
    attend(drop_in, full_name="A visitor from the press")

    rows = sheet(as_role("tutor"), drop_in)

    assert [row[0] for row in rows[1:]] == [str(people["enrolled"]), "A visitor from the press"]


def test_the_csv_costs_the_same_queries_for_many_members(as_role, drop_in, people):
    attend(drop_in, member=people["enrolled"], full_name="x")
    client = as_role("tutor")
    sheet(client, drop_in)  # a first request costs a few queries once (the signed-in member, their permissions)
    with CaptureQueriesContext(connection) as one:
        sheet(client, drop_in)
    for number in range(5):
        attend(drop_in, member=UserFactory(username=f"steward{number}"), full_name="x")

    with CaptureQueriesContext(connection) as six:
        rows = sheet(client, drop_in)

    assert len(rows) == 1 + 6
    assert len(six) == len(one)
