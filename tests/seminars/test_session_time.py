"""A session's start is shown in the reader's zone, and in the session's own zone when that differs."""

import datetime

import pytest

from courses.models import Enrolment
from seminars.models import Webinar
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# 09:00 UTC: 12:00 in Istanbul, 14:30 in Kolkata.
STARTS_AT = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


def session(zone: str) -> Webinar:
    return Webinar.objects.create(
        title="Shop-floor organising", timezone=zone, starts_at=STARTS_AT, audience=Webinar.Audience.PUBLIC
    )


def test_a_reader_in_istanbul_sees_their_time_and_the_sessions_own(client):
    webinar = session("Asia/Kolkata")
    client.cookies["nlu_tz"] = "Europe/Istanbul"
    html = client.get(f"/en/sessions/{webinar.pk}/").content.decode()
    assert '<time datetime="2027-03-01T12:00:00+03:00">March 1, 2027, noon (Europe/Istanbul)</time>' in html
    assert '<span class="muted">· 14:30 in Asia/Kolkata</span>' in html


def test_the_sessions_own_zone_is_said_in_the_readers_language(client):
    webinar = session("Asia/Kolkata")
    member = UserFactory(language="tr", timezone="Europe/Istanbul")
    client.force_login(member)
    html = client.get(f"/tr/sessions/{webinar.pk}/").content.decode()
    assert '<time datetime="2027-03-01T12:00:00+03:00">' in html
    assert "· Asia/Kolkata saatiyle 14:30</span>" in html


def test_a_reader_in_the_sessions_zone_sees_one_time(client):
    webinar = session("Europe/Istanbul")
    client.cookies["nlu_tz"] = "Europe/Istanbul"
    html = client.get(f"/en/sessions/{webinar.pk}/").content.decode()
    assert "(Europe/Istanbul)</time>" in html
    assert "(Europe/Istanbul)</time> <span" not in html


@pytest.mark.parametrize("url", ["/en/sessions/", "/en/learning/"])
def test_lists_show_both_times_too(client, url, make_module):
    module = make_module()
    member = UserFactory(language="en", timezone="Europe/Istanbul")
    Enrolment.objects.create(module=module, member=member, status=Enrolment.Status.ACTIVE)
    Webinar.objects.create(title="Next one", module=module, timezone="Asia/Kolkata", starts_at=STARTS_AT)
    client.force_login(member)
    html = client.get(url).content.decode()
    assert "(Europe/Istanbul)</time>" in html
    assert "· 14:30 in Asia/Kolkata</span>" in html
