"""Attendance details past their time are forgotten; who took part, and for how many minutes, stays."""

import datetime

import pytest
from django.utils import timezone

from seminars import services
from seminars.models import Attendance, Webinar

pytestmark = pytest.mark.django_db


def attend(webinar, *, member=None, name, joined, seen, earlier=0, in_meeting=True) -> Attendance:
    return Attendance.objects.create(
        webinar=webinar,
        member=member,
        user_key=str(member.pk) if member else f"guest-{name.lower().replace(' ', '')}",
        full_name=name,
        role="VIEWER",
        joined_at=joined,
        last_seen_at=seen,
        meeting_joined_at=joined if in_meeting else None,
        earlier_minutes=earlier,
    )


@pytest.fixture
def sessions(drop_in, weekly):
    """An ended session 400 days ago and one 10 days ago."""
    now = timezone.now()
    Webinar.objects.filter(pk=drop_in.pk).update(starts_at=now - datetime.timedelta(days=400), status="ended")
    Webinar.objects.filter(pk=weekly.pk).update(starts_at=now - datetime.timedelta(days=10), status="ended")
    return Webinar.objects.get(pk=drop_in.pk), Webinar.objects.get(pk=weekly.pk)


def test_old_attendance_keeps_its_minutes_but_not_when_nor_under_which_name(sessions, people):
    old, recent = sessions
    start = old.starts_at
    # The steward came twice (20 minutes in a meeting BBB ended early, then 40), a guest stayed 45.
    steward = attend(
        old,
        member=people["enrolled"],
        name="Ayşe Yılmaz",
        joined=start + datetime.timedelta(minutes=3),
        seen=start + datetime.timedelta(minutes=100),
        earlier=20,
    )
    Attendance.objects.filter(pk=steward.pk).update(meeting_joined_at=start + datetime.timedelta(minutes=60))
    guest = attend(
        old, name="Ada Guest", joined=start + datetime.timedelta(minutes=5), seen=start + datetime.timedelta(minutes=50)
    )
    later = recent.starts_at
    kept = [
        attend(
            recent,
            member=people["enrolled"],
            name="Ayşe Yılmaz",
            joined=later,
            seen=later + datetime.timedelta(minutes=30),
        ),
        attend(recent, name="Bo Guest", joined=later, seen=later + datetime.timedelta(minutes=15)),
    ]
    before = {row.pk: (row.full_name, row.joined_at, row.last_seen_at, row.minutes) for row in Attendance.objects.all()}

    cleared = services.attendance_details_clear(before=timezone.now() - datetime.timedelta(days=365))

    assert cleared == 2
    steward, guest = Attendance.objects.get(pk=steward.pk), Attendance.objects.get(pk=guest.pk)
    assert steward.minutes == 60 and guest.minutes == 45  # who took part, and how long
    for row in (steward, guest):
        assert row.full_name == ""
        assert row.joined_at == row.last_seen_at == start
        assert row.meeting_joined_at is None
    assert steward.member == people["enrolled"]  # still the steward's attendance, for their own download
    for row in kept:
        row = Attendance.objects.get(pk=row.pk)
        assert (row.full_name, row.joined_at, row.last_seen_at, row.minutes) == before[row.pk]

    again = {row.pk: (row.full_name, row.joined_at, row.last_seen_at, row.minutes) for row in Attendance.objects.all()}
    assert services.attendance_details_clear(before=timezone.now() - datetime.timedelta(days=365)) == 0
    assert {
        row.pk: (row.full_name, row.joined_at, row.last_seen_at, row.minutes) for row in Attendance.objects.all()
    } == again


def test_many_rows_are_cleared_batch_by_batch(sessions, people):
    old, _recent = sessions
    for number in range(5):
        start = old.starts_at + datetime.timedelta(minutes=number)
        attend(old, name=f"Guest {number}", joined=start, seen=start + datetime.timedelta(minutes=30))

    assert services.attendance_details_clear(before=timezone.now(), batch_size=2) == 5

    assert set(Attendance.objects.values_list("full_name", flat=True)) == {""}
    assert sorted(row.minutes for row in Attendance.objects.all()) == [30] * 5


def test_a_session_still_running_is_left_alone(sessions, people):
    old, _recent = sessions
    Webinar.objects.filter(pk=old.pk).update(status="running")
    row = attend(old, name="Ada Guest", joined=old.starts_at, seen=old.starts_at + datetime.timedelta(minutes=9))

    assert services.attendance_details_clear(before=timezone.now()) == 0
    assert Attendance.objects.get(pk=row.pk).full_name == "Ada Guest"
