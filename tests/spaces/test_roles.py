"""Coordinators and members: who edits, invites, answers, removes and hands over; the last coordinator stays.

Refusals are read in English and Turkish, in any host: a 403 carries its reason on the app's own page.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from spaces.models import Activity, Invitation, Membership, Space
from tests.factories import UserFactory

from .conftest import BARE_HOST, mails_to, page_text, place_of, signed_in, space_form, translated

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "tr"]
ACTIVE = ("member", "active")
COORDINATOR = ("coordinator", "active")
ONLY_COORDINATORS = "Only the coordinators of this space can do that."
LAST_COORDINATOR = "A space needs a coordinator: hand the role to another member first."


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def snapshot(space) -> list:
    return sorted(Membership.objects.filter(space=space).values_list("member_id", "role", "status"))


def edit_form(**fields) -> dict:
    return space_form(**{"name_en": "Study circle", **fields})


@pytest.fixture
def space(make_space):
    return make_space("Study circle", translations={"name_tr": "Okuma çemberi"})


# What coordinators do


def test_a_coordinator_edits_the_space_and_a_member_may_not(client, space, founder, add_member):
    member = add_member(space)
    assert "Edit the space" not in page_text(signed_in(client, member).get(f"/en/spaces/{space.slug}/"))
    assert client.get(f"/en/spaces/{space.slug}/edit/").status_code == 403
    assert client.post(f"/en/spaces/{space.slug}/edit/", edit_form(name_en="Taken over")).status_code == 403
    space.refresh_from_db()
    assert space.name_en == "Study circle"

    assert signed_in(client, founder).get(f"/en/spaces/{space.slug}/edit/").status_code == 200
    response = client.post(f"/en/spaces/{space.slug}/edit/", edit_form(name_en="Renamed", joining="request"))
    assert response.status_code == 302
    space.refresh_from_db()
    assert (space.name_en, space.joining) == ("Renamed", "request")
    assert "Renamed" in page_text(client.get(f"/en/spaces/{space.slug}/"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_coordinator_removes_a_member_who_is_told_in_their_language(
    client, space, founder, add_member, sent, language
):
    member = add_member(space, language=language)
    mail.outbox.clear()
    with sent():
        response = signed_in(client, founder).post(f"/{language}/spaces/{space.slug}/members/{member.pk}/remove/")
    assert response.status_code == 302 and place_of(space, member) is None
    if not BARE_HOST:
        assert translated("The member is removed from the space.", language) in page_text(
            client.get(response["Location"])
        )
    assert member.get_username() not in page_text(client.get(f"/en/spaces/{space.slug}/members/"))
    (told,) = mails_to(member)
    name = {"en": "Study circle", "tr": "Okuma çemberi"}[language]
    assert told.subject == translated("You are no longer a member of %(space)s", language) % {"space": name}
    assert translated("A coordinator of “%(space)s” removed you from the space.", language) % {"space": name} in (
        told.body
    )
    assert Activity.objects.filter(space=space, kind="left", actor=member).exists()


def test_a_removed_member_of_a_members_only_space_no_longer_sees_it(client, members_only, founder, add_member):
    members_only.joining = Space.Joining.OPEN
    members_only.save()
    invitation_member = UserFactory()
    from spaces.services import invitation_accept, invitation_create

    invitation_accept(token=invitation_create(space=members_only, by=founder).token, member=invitation_member)
    assert signed_in(client, invitation_member).get(f"/en/spaces/{members_only.slug}/").status_code == 200
    signed_in(client, founder).post(f"/en/spaces/{members_only.slug}/members/{invitation_member.pk}/remove/")
    for path in ("", "members/", "files/"):
        assert signed_in(client, invitation_member).get(f"/en/spaces/{members_only.slug}/{path}").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_removing_someone_who_is_not_a_member_is_refused(client, space, founder, language):
    stranger, asker = UserFactory(), UserFactory()
    space.joining = Space.Joining.REQUEST
    space.save()
    signed_in(client, asker).post(f"/en/spaces/{space.slug}/join/")
    before = snapshot(space)
    signed_in(client, founder)
    for who in (stranger, asker):
        for action in ("remove", "coordinator"):
            response = client.post(f"/{language}/spaces/{space.slug}/members/{who.pk}/{action}/")
            assert response.status_code == 409
            assert translated("This person is not a member of the space.", language) in page_text(response)
    assert snapshot(space) == before


def test_a_coordinator_hands_over_the_role_and_then_may_leave(client, space, founder, add_member):
    successor = add_member(space, username="successor")
    signed_in(client, founder)
    response = client.post(f"/en/spaces/{space.slug}/members/{successor.pk}/coordinator/")
    assert response.status_code == 302 and place_of(space, successor) == COORDINATOR
    if not BARE_HOST:
        assert "The member is now a coordinator." in page_text(client.get(response["Location"]))
    response = client.post(f"/en/spaces/{space.slug}/members/{founder.pk}/member/")
    assert response.status_code == 302 and place_of(space, founder) == ACTIVE
    if not BARE_HOST:
        assert "The coordinator is now a member." in page_text(client.get(response["Location"]))
    # The former coordinator has no coordinator's powers any more; the successor has them.
    assert client.get(f"/en/spaces/{space.slug}/edit/").status_code == 403
    assert client.post(f"/en/spaces/{space.slug}/invite/").status_code == 403
    assert signed_in(client, successor).get(f"/en/spaces/{space.slug}/edit/").status_code == 200
    # And may leave now.
    assert signed_in(client, founder).post(f"/en/spaces/{space.slug}/leave/").status_code == 302
    assert place_of(space, founder) is None
    assert [(m.member, m.role) for m in Membership.objects.filter(space=space)] == [(successor, "coordinator")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_last_coordinator_cannot_leave_or_step_down(client, space, founder, add_member, language):
    add_member(space)
    before = snapshot(space)
    signed_in(client, founder)
    for path in ("leave/", f"members/{founder.pk}/member/", f"members/{founder.pk}/remove/"):
        response = client.post(f"/{language}/spaces/{space.slug}/{path}")
        assert response.status_code == 409, path
        assert translated(LAST_COORDINATOR, language) in page_text(response)
    assert snapshot(space) == before and place_of(space, founder) == COORDINATOR


def test_one_of_two_coordinators_may_leave(client, space, founder, add_member):
    other = add_member(space)
    signed_in(client, founder).post(f"/en/spaces/{space.slug}/members/{other.pk}/coordinator/")
    assert client.post(f"/en/spaces/{space.slug}/leave/").status_code == 302
    # Now the other is the last one.
    response = signed_in(client, other).post(f"/en/spaces/{space.slug}/leave/")
    assert response.status_code == 409 and place_of(space, other) == COORDINATOR


def test_a_coordinator_removes_another_coordinator(client, space, founder, add_member):
    other = add_member(space)
    signed_in(client, founder).post(f"/en/spaces/{space.slug}/members/{other.pk}/coordinator/")
    assert client.post(f"/en/spaces/{space.slug}/members/{other.pk}/remove/").status_code == 302
    assert place_of(space, other) is None and place_of(space, founder) == COORDINATOR


# What members may not do


COORDINATOR_ACTIONS = [
    ("get", "edit/"),
    ("post", "edit/"),
    ("post", "invite/"),
    ("get", "meeting/"),
    ("post", "members/{asker}/accept/"),
    ("post", "members/{asker}/decline/"),
    ("post", "members/{other}/remove/"),
    ("post", "members/{other}/coordinator/"),
    ("post", "members/{founder}/member/"),
    ("post", "members/{founder}/remove/"),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_cannot_do_what_coordinators_do(client, make_space, founder, add_member, language):
    space = make_space("Study circle", joining=Space.Joining.REQUEST)
    member, other, asker = UserFactory(), UserFactory(), UserFactory()
    from spaces.services import request_answer

    for user in (member, other):
        add_member(space, user)
        request_answer(space=space, by=founder, member=user, accept=True)
    add_member(space, asker)
    before = snapshot(space)
    signed_in(client, member)
    for method, path in COORDINATOR_ACTIONS:
        path = path.format(asker=asker.pk, other=other.pk, founder=founder.pk)
        response = getattr(client, method)(f"/{language}/spaces/{space.slug}/{path}", edit_form(name_en="Mine"))
        assert response.status_code == 403, (method, path)
        assert translated(ONLY_COORDINATORS, language) in page_text(response), (method, path)
    assert snapshot(space) == before and not Invitation.objects.exists()
    space.refresh_from_db()
    assert space.name_en == "Study circle"
    # What members see: no coordinator's buttons, no requests.
    members_page = page_text(client.get(f"/en/spaces/{space.slug}/members/"))
    assert "Asking to join" not in members_page and "Remove" not in members_page
    assert "Make an invitation link" not in members_page and asker.get_username() not in members_page


def test_a_visitor_is_sent_to_sign_in_for_coordinators_actions(client, space, founder, add_member):
    member = add_member(space)
    before = snapshot(space)
    for path in ("edit/", "invite/", f"members/{member.pk}/remove/"):
        response = client.post(f"/en/spaces/{space.slug}/{path}", edit_form(name_en="Nope"))
        assert response.status_code == 302 and "next=" in response["Location"], path
    assert snapshot(space) == before


def test_a_waiting_or_asking_member_has_no_members_powers(client, make_space, founder, add_member):
    space = make_space(member_limit=1, waiting_list=True)
    waiting = add_member(space)
    assert place_of(space, waiting) == ("member", "waiting")
    signed_in(client, waiting)
    response = client.post(f"/tr/spaces/{space.slug}/invite/")
    assert response.status_code == 403 and translated(ONLY_COORDINATORS, "tr") in page_text(response)
    assert client.post(f"/en/spaces/{space.slug}/members/{founder.pk}/remove/").status_code == 403
    assert place_of(space, founder) == COORDINATOR


# Members-only spaces are not there for non-members


MEMBERS_ONLY_PATHS = [
    ("get", ""),
    ("get", "members/"),
    ("get", "edit/"),
    ("get", "files/"),
    ("get", "meeting/"),
    ("post", "join/"),
    ("post", "leave/"),
    ("post", "invite/"),
    ("post", "digest/"),
    ("post", "members/{founder}/remove/"),
    ("post", "members/{founder}/member/"),
]


def test_non_members_of_a_members_only_space_find_nothing(client, members_only, founder):
    outsider = UserFactory()
    for user in (None, outsider):
        signed_in(client, user)
        for method, path in MEMBERS_ONLY_PATHS:
            path = path.format(founder=founder.pk)
            response = getattr(client, method)(f"/en/spaces/{members_only.slug}/{path}")
            assert response.status_code == 404, (user, method, path)
            assert "Couriers organising" not in page_text(response)
    assert snapshot(members_only) == [(founder.pk, "coordinator", "active")]
    assert "Couriers organising" not in page_text(signed_in(client, outsider).get("/en/spaces/"))


# Site staff


def test_site_staff_with_the_manage_permission_manage_any_space(client, members_only, founder, add_member):
    """Those given "Can manage every space" see a members-only space and do what its coordinators do."""
    member = UserFactory()
    from spaces.services import invitation_accept, invitation_create

    invitation_accept(token=invitation_create(space=members_only, by=founder).token, member=member)
    steward = UserFactory(username="steward")
    steward.user_permissions.add(Permission.objects.get(codename="manage_spaces", content_type__app_label="spaces"))
    signed_in(client, steward)
    assert client.get(f"/en/spaces/{members_only.slug}/").status_code == 200
    assert client.get(f"/en/spaces/{members_only.slug}/edit/").status_code == 200
    assert client.post(f"/en/spaces/{members_only.slug}/members/{member.pk}/remove/").status_code == 302
    assert place_of(members_only, member) is None and place_of(members_only, steward) is None
    # Even staff cannot take the last coordinator away.
    response = client.post(f"/en/spaces/{members_only.slug}/members/{founder.pk}/remove/")
    assert response.status_code == 409 and place_of(members_only, founder) == COORDINATOR


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_members_write_meeting_notes(client, space, founder, language):
    """The one members-only action of the site: a signed-in non-member of a public space is told why."""
    outsider = UserFactory()
    response = signed_in(client, outsider).post(f"/{language}/spaces/{space.slug}/meeting/1/notes/")
    assert response.status_code == 403
    assert translated("Only members of this space can do that.", language) in page_text(response)
    assert "Study circle" in page_text(response) or "Okuma çemberi" in page_text(response)
