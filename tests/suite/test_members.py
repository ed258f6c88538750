"""A member's language and time zone come from one hook, whatever the host's user model has."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone, translation

from suite.members import Preferences, attribute_preferences, member_locale, member_preferences, search_members


def turkish_in_istanbul(member) -> Preferences:
    return Preferences(language="tr", timezone="Europe/Istanbul")


@override_settings(LANGUAGE_CODE="en", TIME_ZONE="UTC")
def test_the_default_reads_language_and_timezone_attributes_when_the_model_has_them():
    member = SimpleNamespace(language="tr", timezone="America/Bogota")

    assert attribute_preferences(member) == Preferences(language="tr", timezone="America/Bogota")


@override_settings(LANGUAGE_CODE="en", TIME_ZONE="Europe/Rome")
def test_a_user_model_without_them_gets_the_sites_language_and_zone():
    assert attribute_preferences(SimpleNamespace(username="plain")) == Preferences(
        language="en", timezone="Europe/Rome"
    )
    assert attribute_preferences(AnonymousUser()) == Preferences(language="en", timezone="Europe/Rome")


@override_settings(LANGUAGE_CODE="en", TIME_ZONE="UTC")
def test_a_language_the_site_does_not_speak_or_an_unknown_zone_falls_back_to_the_sites():
    member = SimpleNamespace(language="xx", timezone="Mars/Olympus_Mons")

    assert attribute_preferences(member) == Preferences(language="en", timezone="UTC")


@override_settings(SUITE_MEMBER_PREFERENCES="tests.suite.test_members.turkish_in_istanbul")
def test_a_host_names_its_own_callable_in_a_setting():
    assert member_preferences(SimpleNamespace()) == Preferences(language="tr", timezone="Europe/Istanbul")


@override_settings(SUITE_MEMBER_PREFERENCES="tests.suite.test_members.turkish_in_istanbul")
def test_member_locale_switches_language_and_zone_for_the_block_only():
    with translation.override("en"):
        with member_locale(SimpleNamespace()) as preferences:
            assert translation.get_language() == "tr"
            assert timezone.get_current_timezone_name() == "Europe/Istanbul"
            assert preferences.language == "tr"
        assert translation.get_language() == "en"
    assert timezone.get_current_timezone_name() != "Europe/Istanbul"


@pytest.mark.django_db
def test_a_chooser_finds_active_members_by_the_start_of_their_username_names_or_email():
    from tests.factories import UserFactory

    giulia = UserFactory(username="giulia", first_name="Giulia", last_name="Rossi", email="g@example.org")
    UserFactory(username="rossini", first_name="Gioachino", last_name="Verdi")
    UserFactory(username="giuliana", is_active=False)

    assert search_members("GIU") == [giulia]
    assert search_members("ross") == [giulia, giulia.__class__.objects.get(username="rossini")]
    assert search_members("giulia ross") == [giulia]
    assert search_members("  ") == []


@pytest.mark.django_db
def test_the_suggestions_are_capped():
    from tests.factories import UserFactory

    for n in range(5):
        UserFactory(username=f"steward{n}")

    assert [m.username for m in search_members("steward", limit=3)] == ["steward0", "steward1", "steward2"]


def loud_search(text, *, limit):
    return [SimpleNamespace(username=text.upper())][:limit]


@override_settings(SUITE_MEMBER_SEARCH="tests.suite.test_members.loud_search")
def test_a_host_names_its_own_search():
    assert search_members(" ayşe ") == [SimpleNamespace(username="AYŞE")]
