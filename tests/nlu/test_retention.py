"""Retention: what is kept past its time goes daily (nlu/retention.py), what is within it stays."""

import datetime
import io
import os
import time

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from nlu import retention, tasks
from nlu.exports import token_hash
from nlu.models import AccountClosure, DataExport, OutgoingEmail
from nlu.services import email_queue
from seminars.models import Attendance, Webinar
from tests.courses.conftest import course_index, make_index, make_module  # noqa: F401 (fixtures)
from tests.factories import UserFactory
from tests.nlu.test_accounts import sign_up
from tests.seminars.conftest import drop_in, module_1, people  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

NOTHING = {"attendance_details": 0, "emails": 0, "unverified_signups": 0, "data_exports": 0}


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.NLU_EXPORT_DIR = tmp_path / "exports"
    settings.NLU_EXPORT_DAYS = 7
    settings.NLU_EXPORT_DIR.mkdir()
    return settings.NLU_EXPORT_DIR


def test_defaults_and_the_daily_beat_entry():
    assert django_settings.NLU_RETAIN_ATTENDANCE_DAYS == 365
    assert django_settings.NLU_RETAIN_EMAIL_DAYS == 90
    assert django_settings.NLU_RETAIN_UNVERIFIED_DAYS == 14
    entry = django_settings.CELERY_BEAT_SCHEDULE["nlu-apply-retention"]
    assert entry == {"task": "nlu.tasks.apply_retention", "schedule": 24 * 3600}


def test_nothing_to_do_is_nothing_done():
    assert tasks.apply_retention.delay().get() == NOTHING


# --- E-mails ------------------------------------------------------------------------------


def stored_mail(subject: str, *, sent_days_ago: float | None, created_days_ago: float) -> OutgoingEmail:
    email = OutgoingEmail.objects.create(subject=subject, body="…", from_email="nlu@example.org", to=["a@example.org"])
    sent_at = days_ago(sent_days_ago) if sent_days_ago is not None else None
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=days_ago(created_days_ago), sent_at=sent_at)
    return email


def test_sent_mails_go_after_ninety_days_and_unsent_ones_stay():
    stored_mail("sent long ago", sent_days_ago=91, created_days_ago=91)
    stored_mail("sent lately", sent_days_ago=89, created_days_ago=100)  # queued long ago, sent late
    stored_mail("never sent", sent_days_ago=None, created_days_ago=400)

    assert retention.retention_apply()["emails"] == 1

    assert set(OutgoingEmail.objects.values_list("subject", flat=True)) == {"sent lately", "never sent"}
    assert retention.retention_apply() == NOTHING  # a second run finds nothing


def test_many_mails_go_batch_by_batch(monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    for number in range(5):
        stored_mail(f"old {number}", sent_days_ago=200, created_days_ago=200)
    stored_mail("new", sent_days_ago=1, created_days_ago=1)

    assert retention.retention_apply()["emails"] == 5
    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["new"]


def test_zero_days_keeps_for_ever(settings):
    settings.NLU_RETAIN_EMAIL_DAYS = 0
    stored_mail("sent ten years ago", sent_days_ago=3650, created_days_ago=3650)

    assert retention.retention_apply()["emails"] == 0
    assert OutgoingEmail.objects.count() == 1


def test_a_mail_queued_through_the_outbox_and_sent_goes_in_time(settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(subject="Welcome", body="Hello", from_email="nlu@example.org", to=["ayse@example.org"])
    assert [message.subject for message in mail.outbox] == ["Welcome"]
    email = OutgoingEmail.objects.get()
    assert email.sent_at is not None

    assert retention.retention_apply(now=email.sent_at + datetime.timedelta(days=89))["emails"] == 0
    assert retention.retention_apply(now=email.sent_at + datetime.timedelta(days=91))["emails"] == 1
    assert not OutgoingEmail.objects.exists()


# --- Unconfirmed sign-ups -------------------------------------------------------------------


def aged(username: str, days: float):
    User = get_user_model()
    User.objects.filter(username=username).update(date_joined=days_ago(days))
    return User.objects.get(username=username)


def test_a_sign_up_never_confirmed_goes_after_fourteen_days_and_may_sign_up_again(
    client, demo, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks, username="ayse", email="ayse@example.org")
    sign_up(client, django_capture_on_commit_callbacks, username="bora", email="bora@example.org")
    aged("ayse", 15)
    aged("bora", 13)
    assert EmailAddress.objects.filter(email="ayse@example.org", verified=False).exists()

    assert retention.retention_apply()["unverified_signups"] == 1

    User = get_user_model()
    assert not User.objects.filter(username="ayse").exists()
    assert not EmailAddress.objects.filter(email="ayse@example.org").exists()  # gone with the member
    assert User.objects.filter(username="bora").exists()
    # The address and the name are free: the person may sign up again.
    client.logout()
    response = sign_up(client, django_capture_on_commit_callbacks, username="ayse", email="ayse@example.org")
    assert response.status_code == 302
    assert User.objects.filter(username="ayse").exists()


def test_confirmed_signed_in_staff_made_and_closed_members_stay(db):
    confirmed = UserFactory(username="confirmed")  # the factory's address is verified
    signed_in = UserFactory(username="signed-in")
    EmailAddress.objects.filter(user=signed_in).update(verified=False)
    get_user_model().objects.filter(pk=signed_in.pk).update(last_login=days_ago(20))
    staff_made = get_user_model().objects.create_user("staff-made", "staff-made@example.org")  # no address row
    closed = UserFactory(username="closed")
    EmailAddress.objects.filter(user=closed).update(verified=False)
    AccountClosure.objects.create(member=closed)
    staff = UserFactory(username="staff", is_staff=True)
    EmailAddress.objects.filter(user=staff).update(verified=False)
    for user in (confirmed, signed_in, staff_made, closed, staff):
        aged(user.username, 100)

    assert retention.retention_apply()["unverified_signups"] == 0
    assert get_user_model().objects.count() == 5


# --- Attendance ---------------------------------------------------------------------------


def test_attendance_details_go_after_a_year_and_the_minutes_stay(drop_in, people):  # noqa: F811 (fixtures)
    Webinar.objects.filter(pk=drop_in.pk).update(starts_at=days_ago(400), status="ended")
    start = Webinar.objects.get(pk=drop_in.pk).starts_at
    Attendance.objects.create(
        webinar=drop_in,
        member=people["enrolled"],
        user_key=str(people["enrolled"].pk),
        full_name="Ayşe Yılmaz",
        role="VIEWER",
        joined_at=start + datetime.timedelta(minutes=2),
        last_seen_at=start + datetime.timedelta(minutes=92),
        meeting_joined_at=start + datetime.timedelta(minutes=2),
    )

    assert retention.retention_apply()["attendance_details"] == 1

    row = Attendance.objects.get()
    assert (row.full_name, row.joined_at, row.last_seen_at, row.minutes) == ("", start, start, 90)
    assert retention.retention_apply() == NOTHING


def test_attendance_within_the_year_is_kept_as_it_is(settings, drop_in, people):  # noqa: F811 (fixtures)
    Webinar.objects.filter(pk=drop_in.pk).update(starts_at=days_ago(364), status="ended")
    start = Webinar.objects.get(pk=drop_in.pk).starts_at
    Attendance.objects.create(
        webinar=drop_in,
        user_key="guest-1",
        full_name="Ada Guest",
        role="VIEWER",
        joined_at=start,
        last_seen_at=start + datetime.timedelta(minutes=30),
        meeting_joined_at=start,
    )

    assert retention.retention_apply()["attendance_details"] == 0
    settings.NLU_RETAIN_ATTENDANCE_DAYS = 30
    assert retention.retention_apply()["attendance_details"] == 1
    assert Attendance.objects.get().full_name == ""


# --- Downloads ------------------------------------------------------------------------------


def export(member, name: str, *, expired_days_ago: float, folder, used: bool = False) -> DataExport:
    """A download that was ready, with its file in the export folder unless it was used."""
    expires_at = days_ago(expired_days_ago)
    if not used:
        (folder / f"{name}.zip").write_bytes(b"PK")
    return DataExport.objects.create(
        member=member,
        token_hash=token_hash(name),
        ready_at=expires_at - datetime.timedelta(days=7),
        expires_at=expires_at,
        used_at=expires_at - datetime.timedelta(days=6) if used else None,
        file_name="" if used else f"{name}.zip",
    )


def test_expired_downloads_lose_their_file_at_once_and_their_row_a_week_later(client, export_dir):
    member = UserFactory()
    export(member, "valid", expired_days_ago=-3, folder=export_dir)
    export(member, "just-expired", expired_days_ago=1, folder=export_dir)
    export(member, "long-expired", expired_days_ago=8, folder=export_dir)
    export(member, "used-long-ago", expired_days_ago=30, folder=export_dir, used=True)
    orphan, fresh = export_dir / "12-dead.part", export_dir / "13-building.part"
    orphan.write_bytes(b"PK")
    fresh.write_bytes(b"PK")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(orphan, (two_days_ago, two_days_ago))

    assert retention.retention_apply()["data_exports"] == 2

    assert {path.name for path in export_dir.iterdir()} == {"valid.zip", "13-building.part"}
    kept = dict(DataExport.objects.values_list("token_hash", "file_name"))
    assert kept == {token_hash("valid"): "valid.zip", token_hash("just-expired"): ""}
    # The link expired yesterday still says so (410), rather than that it is unknown.
    client.force_login(member)
    assert client.get("/en/profile/data/just-expired/").status_code == 410
    assert retention.retention_apply() == NOTHING


def test_the_command_prints_the_counts():
    stored_mail("sent long ago", sent_days_ago=91, created_days_ago=91)
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert out.getvalue().splitlines() == [
        "attendance_details: 0",
        "emails: 1",
        "unverified_signups: 0",
        "data_exports: 0",
    ]
