"""A member's permissions are kept, and any change to a grant shows on the next page at once."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CourseModulePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROSTER = "courses.view_roster"


def fresh(member):
    """The member as the next request loads them (no permissions remembered on the object)."""
    return get_user_model().objects.get(pk=member.pk)


def permission_queries(member, perm: str = ROSTER) -> tuple[bool, int]:
    with CaptureQueriesContext(connection) as queries:
        allowed = fresh(member).has_perm(perm)
    return allowed, len([query for query in queries if "auth_permission" in query["sql"]])


@pytest.fixture
def roster_group():
    group = Group.objects.create(name="Roster readers")
    group.permissions.add(Permission.objects.get(codename="view_roster"))
    return group


def test_the_permissions_are_read_once_and_then_kept(roster_group):
    member = UserFactory()
    member.groups.add(roster_group)
    assert permission_queries(member) == (True, 2)
    assert permission_queries(member) == (True, 0)
    assert permission_queries(UserFactory()) == (False, 2)  # each member their own


def test_joining_and_leaving_a_group_show_at_once(roster_group):
    member = UserFactory()
    assert permission_queries(member)[0] is False
    member.groups.add(roster_group)
    assert permission_queries(member)[0] is True
    member.groups.remove(roster_group)
    assert permission_queries(member)[0] is False
    member.groups.add(roster_group)
    assert permission_queries(member)[0] is True
    roster_group.delete()
    assert permission_queries(member)[0] is False


def test_a_groups_own_permissions_changing_show_at_once(roster_group):
    member = UserFactory()
    member.groups.add(roster_group)
    assert permission_queries(member)[0] is True
    roster_group.permissions.clear()
    assert permission_queries(member)[0] is False


def test_a_permission_given_to_the_member_shows_at_once():
    member = UserFactory()
    assert permission_queries(member)[0] is False
    member.user_permissions.add(Permission.objects.get(codename="view_roster"))
    assert permission_queries(member)[0] is True
    member.user_permissions.remove(Permission.objects.get(codename="view_roster"))
    assert permission_queries(member)[0] is False


def test_superuser_and_active_flags_change_the_answer_at_once():
    member = UserFactory()
    assert permission_queries(member)[0] is False
    member.is_superuser = True
    member.save()
    assert permission_queries(member)[0] is True
    member.is_active = False
    member.save()
    assert permission_queries(member) == (False, 0)


def test_the_roster_link_appears_and_goes_with_the_grant(client, demo, roster_group):
    """What a coordinator notices: the module page shows the roster link as soon as they may see it."""
    member = UserFactory()
    client.force_login(member)
    url = CourseModulePage.objects.get(slug_en="module-1").url
    assert "roster/" not in client.get(url).text
    member.groups.add(roster_group)
    assert "roster/" in client.get(url).text
    member.groups.remove(roster_group)
    assert "roster/" not in client.get(url).text


def test_signing_in_is_as_before(client, demo):
    response = client.post("/en/accounts/login/", {"login": "steward", "password": "nlu-demo"})
    assert response.status_code == 302
    assert client.get("/en/timebank/").status_code == 200
    refused = type(client)().post("/en/accounts/login/", {"login": "steward", "password": "wrong"})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session
