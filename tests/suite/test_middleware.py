"""A host may show each member's times in their own zone with the suite's middleware."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

from suite.members import Preferences
from suite.middleware import MemberTimezoneMiddleware


def in_bogota(member) -> Preferences:
    return Preferences(language="en", timezone="America/Bogota")


def zone_seen(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    middleware = MemberTimezoneMiddleware(lambda request: HttpResponse(timezone.get_current_timezone_name()))
    return middleware(request).content.decode()


@override_settings(SUITE_MEMBER_PREFERENCES="tests.suite.test_middleware.in_bogota", TIME_ZONE="Europe/Rome")
def test_a_signed_in_member_sees_their_zone_and_a_visitor_the_sites(django_user_model, db):
    member = django_user_model.objects.create_user(username="bogota")

    assert zone_seen(member) == "America/Bogota"
    assert zone_seen(AnonymousUser()) == "Europe/Rome"
    assert timezone.get_current_timezone_name() == "Europe/Rome"
