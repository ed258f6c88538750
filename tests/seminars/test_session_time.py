"""A session's start is shown in the reader's zone, and in the session's own zone when that differs.

The reader's zone is the current time zone, which the host activates for each request: here, as
a host would, from the member's preferences (suite.members); the NLU site's own way, from the
profile or the browser, is tried in tests/nlu/test_seminars_in_host.py.
"""

import datetime

import pytest
from django.utils import formats, timezone

from courses.models import Enrolment
from seminars.models import Webinar
from suite.members import member_preferences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# 09:00 UTC: 12:00 in Istanbul, 14:30 in Kolkata.
STARTS_AT = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


class MemberZoneMiddleware:
    """A host's middleware: the signed-in member's time zone for the request, from the preferences hook."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        with timezone.override(member_preferences(request.user).timezone):
            return self.get_response(request)


@pytest.fixture
def reader(client, settings):
    """``reader(member)``: the test client, signed in as ``member``, in the zone of their preferences."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.MemberZoneMiddleware"]

    def sign_in(member):
        client.force_login(member)
        return client

    return sign_in


def session(zone: str) -> Webinar:
    return Webinar.objects.create(
        title="Shop-floor organising", timezone=zone, starts_at=STARTS_AT, audience=Webinar.Audience.PUBLIC
    )


def test_a_reader_in_istanbul_sees_their_time_and_the_sessions_own(reader):
    webinar = session("Asia/Kolkata")
    html = reader(UserFactory(timezone="Europe/Istanbul")).get(f"/en/sessions/{webinar.pk}/").content.decode()
    assert '<time datetime="2027-03-01T12:00:00+03:00">Mon 1 Mar 2027, 12:00 (Europe/Istanbul)</time>' in html
    assert '<span class="muted">· 14:30 in Asia/Kolkata</span>' in html


def test_the_sessions_own_zone_is_said_in_the_readers_language(reader):
    webinar = session("Asia/Kolkata")
    member = UserFactory(language="tr", timezone="Europe/Istanbul")
    html = reader(member).get(f"/tr/sessions/{webinar.pk}/").content.decode()
    assert '<time datetime="2027-03-01T12:00:00+03:00">1 Mar 2027 Pzt, 12:00 (Europe/Istanbul)</time>' in html
    assert "· Asia/Kolkata saatiyle 14:30</span>" in html


def test_a_reader_in_the_sessions_zone_sees_one_time(reader):
    webinar = session("Europe/Istanbul")
    html = reader(UserFactory(timezone="Europe/Istanbul")).get(f"/en/sessions/{webinar.pk}/").content.decode()
    assert "(Europe/Istanbul)</time>" in html
    assert "(Europe/Istanbul)</time> <span" not in html


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Times are in America/Sao_Paulo."), ("tr", "Saatler America/Sao_Paulo saat dilimine göredir.")],
)
def test_the_list_names_the_readers_zone(reader, language, said):
    """The zone the host activated, not the site's: the app needs no context processor of the host's."""
    session("Asia/Kolkata")
    member = UserFactory(language=language, timezone="America/Sao_Paulo")
    html = reader(member).get(f"/{language}/sessions/").content.decode()
    assert said in html
    assert "(America/Sao_Paulo)</time>" in html


@pytest.mark.parametrize("url", ["/en/sessions/", "/en/learning/"])
def test_lists_show_both_times_too(reader, url, make_module):
    module = make_module()
    member = UserFactory(language="en", timezone="Europe/Istanbul")
    Enrolment.objects.create(module=module, member=member, status=Enrolment.Status.ACTIVE)
    Webinar.objects.create(title="Next one", module=module, timezone="Asia/Kolkata", starts_at=STARTS_AT)
    html = reader(member).get(url).content.decode()
    assert "(Europe/Istanbul)</time>" in html
    assert "· 14:30 in Asia/Kolkata</span>" in html


def test_a_sessions_page_has_no_word_that_ages_in_a_saved_copy(reader):
    """A unit saves its next session's page for offline reading: "tomorrow" would be wrong the day after."""
    webinar = Webinar.objects.create(
        title="Tomorrow's", timezone="UTC", starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    response = reader(UserFactory(timezone="UTC")).get(f"/en/sessions/{webinar.pk}/")
    assert response.status_code == 200
    assert "tomorrow" not in response.content.decode()
    assert "(UTC)</time>" in response.content.decode()


@pytest.fixture
def django_formats(settings):
    """Django's own formats, not suite's (Django keeps the formats it read when only the path changes)."""
    settings.FORMAT_MODULE_PATH = None
    formats.reset_format_cache()
    yield
    formats.reset_format_cache()


def test_the_sessions_own_time_is_written_as_the_readers(reader, django_formats):
    """Both times follow the language's time format: with Django's own English one, 2:30 p.m. rather than 14:30."""
    webinar = session("Asia/Kolkata")
    html = reader(UserFactory(timezone="Europe/Istanbul")).get(f"/en/sessions/{webinar.pk}/").content.decode()
    assert "March 1, 2027, noon (Europe/Istanbul)</time>" in html
    assert '<span class="muted">· 2:30 p.m. in Asia/Kolkata</span>' in html
