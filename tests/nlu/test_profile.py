"""The profile page: a member's display name, time zone and language."""

import pytest
from django.utils import translation

from tests.factories import UserFactory
from tests.nlu.screen import html_lang, parse, text

INVALID_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."
BAD_INPUT = [("timezone", "Mars/Olympus"), ("language", "xx")]


def field_errors(page, name) -> list[str]:
    field = page.find(attrs={"name": name}).find_parent(class_="field")
    return [text(error) for error in field.select(".error")]


def saved_profile(member) -> tuple[str, str, str]:
    member.refresh_from_db()
    return member.display_name, member.timezone, member.language


def test_profile_needs_sign_in(client, db):
    response = client.get("/en/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/profile/"


def test_profile_saves_display_name_and_time_zone(client, db):
    member = UserFactory(language="en")
    client.force_login(member)

    response = client.post("/en/profile/", {"display_name": "Sam", "timezone": "America/Sao_Paulo", "language": "en"})

    assert response["Location"] == "/en/profile/"
    assert saved_profile(member) == ("Sam", "America/Sao_Paulo", "en")


def test_empty_time_zone_means_the_browsers(client, db):
    member = UserFactory(language="en", timezone="Europe/Rome")
    client.force_login(member)

    client.post("/en/profile/", {"display_name": "", "timezone": "", "language": "en"})

    assert saved_profile(member) == ("", "", "en")


@pytest.mark.parametrize(("field", "value"), BAD_INPUT)
def test_unknown_choice_is_refused_and_nothing_saved(client, db, field, value):
    member = UserFactory(display_name="Before", timezone="Europe/Rome", language="en")
    client.force_login(member)
    before = saved_profile(member)

    response = client.post(
        "/en/profile/", {"display_name": "After", "timezone": "Europe/Istanbul", "language": "tr", field: value}
    )

    assert response.status_code == 200
    assert field_errors(parse(response), field) == [INVALID_CHOICE % {"value": value}]
    assert saved_profile(member) == before


@pytest.mark.parametrize(("field", "value"), BAD_INPUT)
def test_unknown_choice_error_is_in_the_members_language(client, db, field, value):
    member = UserFactory(display_name="Önce", timezone="Europe/Istanbul", language="tr")
    client.force_login(member)
    before = saved_profile(member)

    response = client.post(
        "/tr/profile/", {"display_name": "Sonra", "timezone": "Europe/Istanbul", "language": "tr", field: value}
    )

    page = parse(response)
    with translation.override("tr"):
        turkish_error = translation.gettext(INVALID_CHOICE) % {"value": value}
    assert turkish_error != INVALID_CHOICE % {"value": value}
    assert html_lang(page) == "tr"
    assert field_errors(page, field) == [turkish_error]
    assert saved_profile(member) == before
