"""Times are shown in the viewer's zone, and the zone is named."""

import pytest
from django.conf import settings
from django.utils import timezone, translation

from tests.factories import UserFactory
from tests.nlu.screen import parse, shows_current_time_in, text


def footer_sentence(zone: str, language: str = "en") -> str:
    with translation.override(language):
        return translation.gettext("Times are shown in %(zone)s.") % {"zone": zone}


def footer(response) -> str:
    return text(parse(response).select_one("footer"))


def test_member_sees_times_in_their_own_zone(client, db):
    client.force_login(UserFactory(timezone="America/Sao_Paulo", language="en"))
    since = timezone.now()

    page = parse(client.get("/en/profile/"))

    assert shows_current_time_in(page, "America/Sao_Paulo", "en", since)
    assert footer_sentence("America/Sao_Paulo") in text(page.footer)


def test_members_zone_wins_over_the_browsers(client, db):
    client.force_login(UserFactory(timezone="America/Sao_Paulo", language="en"))
    client.cookies["nlu_tz"] = "Asia/Tokyo"
    since = timezone.now()

    page = parse(client.get("/en/profile/"))

    assert shows_current_time_in(page, "America/Sao_Paulo", "en", since)


def test_member_without_a_zone_sees_the_browsers(client, db):
    client.force_login(UserFactory(timezone="", language="en"))
    client.cookies["nlu_tz"] = "Asia/Tokyo"
    since = timezone.now()

    page = parse(client.get("/en/profile/"))

    assert shows_current_time_in(page, "Asia/Tokyo", "en", since)


def test_anonymous_visitor_sees_the_sites_zone(client, demo):
    assert footer_sentence(settings.TIME_ZONE) in footer(client.get("/en/"))


def test_anonymous_visitor_sees_the_zone_their_browser_reported(client, demo):
    client.cookies["nlu_tz"] = "Asia/Tokyo"

    assert footer_sentence("Asia/Tokyo") in footer(client.get("/en/"))


@pytest.mark.parametrize("cookie", ["Mars/Olympus", "../../etc/passwd", ""])
def test_unknown_browser_zone_falls_back_to_the_sites(client, demo, cookie):
    client.cookies["nlu_tz"] = cookie

    response = client.get("/en/")

    assert footer_sentence(settings.TIME_ZONE) in footer(response)


def test_zone_is_named_in_the_members_language(client, demo):
    client.force_login(UserFactory(timezone="Europe/Istanbul", language="tr"))

    sentence = footer_sentence("Europe/Istanbul", "tr")

    assert sentence != footer_sentence("Europe/Istanbul"), "the footer line has no Turkish translation"
    assert sentence in footer(client.get("/tr/"))
