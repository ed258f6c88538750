"""A session BBB ended before its time (a dropped network, a moderator who left) is reopened by its tutor.

Until its time slot ends the tutor can open it again: BBB makes a new meeting under the same id,
members join again, attendance adds up over both meetings (never the time between them), the
settlement waits for the new end and credits once, and the first meeting's late end callback
ends nothing. After the slot, "ended" is final.
"""

import datetime

import pytest
import requests
from django.apps import apps

from seminars import services
from seminars.models import Attendance, Webinar

pytestmark = pytest.mark.django_db

Status = Webinar.Status
MINUTE = datetime.timedelta(minutes=1)


def join(client, webinar: Webinar) -> str:
    """Press the session's join button; the BBB join URL it redirects to."""
    response = client.post(f"/en/sessions/{webinar.pk}/join/", {"consent": "1"})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def room(join_url: str) -> str:
    """What BBB shows whoever follows ``join_url``."""
    return requests.get(join_url, timeout=5).text


def end_on_bbb(bbb, site_receiver, webinar: Webinar):
    """BBB ends the meeting (as when the moderator's network drops); the end callback it sent, not yet delivered."""
    before = len(site_receiver.received)
    bbb.end(str(webinar.meeting_id))
    [end] = [r for r in site_receiver.wait_for(before + 1)[before:] if r.method == "GET"]
    return end


@pytest.fixture
def ended_early(
    as_role, drop_in, bbb, bbb_settings, site_receiver, settlement_hook, django_capture_on_commit_callbacks
):
    """The drop-in session (now, two hours): the tutor and the steward were in, and BBB ended it after a few minutes.

    Returns the session and the end callback of that first meeting, delivered once.
    """
    join(as_role("tutor"), drop_in)
    join(as_role("enrolled"), drop_in)
    end = end_on_bbb(bbb, site_receiver, drop_in)
    with django_capture_on_commit_callbacks(execute=True):
        assert as_role("anonymous").get(end.path).status_code == 200
    webinar = Webinar.objects.get(pk=drop_in.pk)
    assert (webinar.status, settlement_hook) == (Status.ENDED, [webinar.pk])
    return webinar, end


def test_the_tutor_reopens_a_session_bbb_ended_early_and_members_join_again(as_role, ended_early):
    webinar, _end = ended_early
    first_create_time = webinar.bbb_create_time

    # Until the tutor reopens it, members are told it has ended and may be reopened; the tutor sees how.
    response = as_role("enrolled").post(f"/en/sessions/{webinar.pk}/join/", {"consent": "1"})
    assert response.status_code == 410
    assert "This session has ended." in response.content.decode()
    assert "Its tutor can reopen it until" in response.content.decode()
    assert "Reopen the session" not in response.content.decode()
    page = as_role("tutor").get(f"/en/sessions/{webinar.pk}/").content.decode()
    assert "The meeting ended before its time. You can reopen it until" in page
    assert f'action="/en/sessions/{webinar.pk}/reopen/"' in page

    # The tutor reopens it and is taken straight into a new BBB meeting as moderator.
    response = as_role("tutor").post(f"/en/sessions/{webinar.pk}/reopen/")
    assert response.status_code == 302
    assert response["Cache-Control"] == "no-store"
    assert "you are in as MODERATOR" in room(response["Location"])
    reopened = Webinar.objects.get(pk=webinar.pk)
    assert (reopened.status, reopened.ended_at, reopened.settled_at) == (Status.RUNNING, None, None)
    assert reopened.bbb_create_time != first_create_time

    # The steward joins again, into the new meeting.
    assert "you are in as VIEWER" in room(join(as_role("enrolled"), reopened))
    assert Attendance.objects.filter(webinar=webinar).count() == 2


def test_a_join_url_of_the_first_meeting_does_not_enter_the_reopened_one(
    as_role, drop_in, bbb, bbb_settings, site_receiver
):
    join(as_role("tutor"), drop_in)
    old_url = join(as_role("enrolled"), drop_in)
    end_on_bbb(bbb, site_receiver, drop_in)
    services.webinar_end(webinar=drop_in)

    as_role("tutor").post(f"/en/sessions/{drop_in.pk}/reopen/")

    assert "mismatchCreateTimeParam" in room(old_url)


def test_the_late_end_callback_of_the_first_meeting_does_not_end_the_reopened_one(
    as_role, ended_early, bbb, site_receiver, settlement_hook, django_capture_on_commit_callbacks
):
    webinar, first_end = ended_early
    as_role("tutor").post(f"/en/sessions/{webinar.pk}/reopen/")

    # BBB's callback of the first meeting comes again, late (or someone replays it).
    with django_capture_on_commit_callbacks(execute=True):
        assert as_role("anonymous").get(first_end.path).status_code == 200

    assert Webinar.objects.get(pk=webinar.pk).status == Status.RUNNING
    assert "you are in as VIEWER" in room(join(as_role("enrolled"), webinar))
    assert settlement_hook == [webinar.pk]

    # The reopened meeting's own end ends the session, and only then is it settled again.
    second_end = end_on_bbb(bbb, site_receiver, webinar)
    assert second_end.path != first_end.path
    with django_capture_on_commit_callbacks(execute=True):
        assert as_role("anonymous").get(second_end.path).status_code == 200
    assert Webinar.objects.get(pk=webinar.pk).status == Status.ENDED
    assert settlement_hook == [webinar.pk, webinar.pk]


def test_attendance_adds_up_over_both_meetings_without_the_time_between(
    as_role, drop_in, people, bbb, bbb_settings, site_receiver, django_capture_on_commit_callbacks
):
    start = drop_in.starts_at
    tutor, steward, coordinator = people["tutor"], people["enrolled"], people["coordinator"]
    services.webinar_join(webinar=drop_in, user=tutor, now=start)
    services.webinar_join(webinar=drop_in, user=steward, now=start + 1 * MINUTE)
    services.webinar_join(webinar=drop_in, user=coordinator, now=start + 2 * MINUTE)
    end_on_bbb(bbb, site_receiver, drop_in)
    services.webinar_end(webinar=drop_in, now=start + 30 * MINUTE, meeting_number=1)  # as its callback does

    # Twenty minutes later the tutor reopens it; the steward comes back, the coordinator does not.
    services.webinar_reopen(webinar=drop_in, user=tutor, now=start + 50 * MINUTE)
    services.webinar_join(webinar=drop_in, user=steward, now=start + 55 * MINUTE)
    with django_capture_on_commit_callbacks(execute=True):
        services.webinar_end(webinar=drop_in, now=start + 80 * MINUTE, meeting_number=2)

    csv = as_role("tutor").get(f"/en/sessions/{drop_in.pk}/attendance/?format=csv").content.decode("utf-8-sig")
    minutes = {line.split(",")[0]: int(line.split(",")[3]) for line in csv.strip().splitlines()[1:]}
    assert minutes == {str(tutor): 30 + 30, str(steward): 29 + 25, str(coordinator): 28}


@pytest.fixture
def timebank_credits(settings, settlement_hook):
    """Tutors credited in the timebank when sessions settle, as a host with the timebank does: a session's credits.

    None in a host without the timebank (a bare host): nothing credits tutors there.
    """
    if not apps.is_installed("timebank"):
        return None
    settings.SEMINARS_SETTLEMENT_HOOKS = [*settings.SEMINARS_SETTLEMENT_HOOKS, "timebank.services.tutoring_award"]

    def credits(webinar: Webinar) -> list[tuple]:
        transfers = apps.get_model("timebank", "Transfer").objects.filter(reference=f"seminars.webinar:{webinar.pk}")
        return [(transfer.payee.member, transfer.minutes) for transfer in transfers]

    return credits


def test_the_tutor_is_credited_once_for_a_reopened_session(
    timebank_credits, as_role, ended_early, bbb, site_receiver, settlement_hook, django_capture_on_commit_callbacks
):
    if timebank_credits is None:
        pytest.skip("the timebank is not installed in this host: nothing credits tutors")
    webinar, _first_end = ended_early
    once = [(webinar.tutors.get(), webinar.duration_minutes)]
    assert timebank_credits(webinar) == once

    as_role("tutor").post(f"/en/sessions/{webinar.pk}/reopen/")
    second_end = end_on_bbb(bbb, site_receiver, webinar)
    with django_capture_on_commit_callbacks(execute=True):
        assert as_role("anonymous").get(second_end.path).status_code == 200
    services.webinars_settle_pending()

    assert settlement_hook == [webinar.pk, webinar.pk]  # settled again, at the reopened meeting's end
    assert timebank_credits(webinar) == once


def test_after_its_time_slot_an_ended_session_stays_ended(as_role, drop_in):
    Webinar.objects.filter(pk=drop_in.pk).update(
        status=Status.ENDED, starts_at=drop_in.starts_at - datetime.timedelta(hours=3)
    )

    response = as_role("tutor").post(f"/en/sessions/{drop_in.pk}/reopen/")

    assert response.status_code == 410
    page = response.content.decode()
    assert "This session has ended and its time is over: it cannot be reopened." in page
    assert f'action="/en/sessions/{drop_in.pk}/reopen/"' not in page
    assert Webinar.objects.get(pk=drop_in.pk).status == Status.ENDED
    response = as_role("enrolled").post(f"/en/sessions/{drop_in.pk}/join/", {"consent": "1"})
    assert response.status_code == 410
    assert "This session has ended." in response.content.decode()
    assert "can reopen it" not in response.content.decode()


def test_only_the_tutors_and_coordinators_reopen(as_role, ended_early):
    webinar, _end = ended_early
    assert as_role("enrolled").post(f"/en/sessions/{webinar.pk}/reopen/").status_code == 403
    assert as_role("coordinator").post(f"/en/sessions/{webinar.pk}/reopen/").status_code == 302


def test_a_session_still_running_or_not_started_is_not_reopened(as_role, drop_in):
    response = as_role("tutor").post(f"/en/sessions/{drop_in.pk}/reopen/")
    assert response.status_code == 409
    assert "Only a session that has ended can be reopened." in response.content.decode()
    assert Webinar.objects.get(pk=drop_in.pk).status == Status.SCHEDULED


def test_a_reopen_bbb_does_not_answer_loses_nothing(settings, as_role, ended_early, receiver):
    webinar, _end = ended_early
    minutes_before = {a.user_key: a.minutes for a in webinar.attendances.all()}
    settings.BBB_URL = receiver.url + "bigbluebutton/api/"
    receiver.answer("<html>Bad gateway</html>", status=502)

    response = as_role("tutor").post(f"/en/sessions/{webinar.pk}/reopen/")

    assert response.status_code == 503
    after = Webinar.objects.get(pk=webinar.pk)
    assert (after.status, after.ended_at, after.settled_at) == (Status.ENDED, webinar.ended_at, webinar.settled_at)
    assert {a.user_key: a.minutes for a in after.attendances.all()} == minutes_before
    assert "Reopen the session" in response.content.decode()  # they can try again


def test_a_recorded_session_is_reopened_only_with_the_tutors_consent(as_role, ended_early):
    webinar, _end = ended_early
    Webinar.objects.filter(pk=webinar.pk).update(record=True)

    response = as_role("tutor").post(f"/en/sessions/{webinar.pk}/reopen/")

    assert response.status_code == 400
    assert Webinar.objects.get(pk=webinar.pk).status == Status.ENDED
    assert as_role("tutor").post(f"/en/sessions/{webinar.pk}/reopen/", {"consent": "1"}).status_code == 302
