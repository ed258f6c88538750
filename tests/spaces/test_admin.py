"""The Wagtail admin view of every space ("space_admin"): site staff list, search, filter, start and edit spaces.

Both hosts mount Wagtail's admin at /admin/ (nlu/urls.py, tests/hosts/urls.py). Who is staff here: a
superuser, or a member given the admin and "Can manage every space" (spaces.manage_spaces), the
permission spaces/rules.py names for seeing and managing every space.
"""

import pytest
from django.contrib.auth.models import Permission

from spaces.models import Membership, Space
from tests.factories import UserFactory

from .conftest import page_text, place_of, signed_in, space_form

pytestmark = pytest.mark.django_db

INDEX = "/admin/space_admin/"


def edit_path(space) -> str:
    return f"/admin/space_admin/edit/{space.pk}/"


def admin_form(space, **changes) -> dict:
    data = space_form(space, logo="", **changes)
    if data.pop("waiting_list", space.waiting_list):
        data["waiting_list"] = "on"
    return data


def granted(user, *codenames: str):
    """``user`` with the named permissions ("app_label.codename"), fetched afresh (permissions are cached)."""
    for name in codenames:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label=app_label))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def steward(db):
    """Site staff for spaces: the admin, and the right to manage every space."""
    return granted(UserFactory(username="steward", is_staff=True), "wagtailadmin.access_admin", "spaces.manage_spaces")


@pytest.fixture
def spaces(make_space, add_member):
    coops = make_space("Platform co-ops", translations={"name_tr": "Platform kooperatifleri"})
    add_member(coops)
    add_member(coops)
    couriers = make_space("Couriers organising", visibility=Space.Visibility.MEMBERS)
    critique = make_space("Commons critique", joining=Space.Joining.REQUEST)
    return coops, couriers, critique


def listed(client, **query) -> set[str]:
    response = client.get(INDEX, query)
    assert response.status_code == 200
    page = page_text(response)
    return {name for name in ("Platform co-ops", "Couriers organising", "Commons critique") if name in page}


@pytest.mark.parametrize("who", ["superuser", "steward"])
def test_staff_list_every_space_with_its_members(client, spaces, who, request):
    signed_in(client, request.getfixturevalue(who))
    assert listed(client) == {"Platform co-ops", "Couriers organising", "Commons critique"}  # members-only too
    page = page_text(client.get(INDEX))
    assert "Members" in page and "3" in page  # the co-ops' founder and two members
    assert "/en/spaces/platform-co-ops/" in client.get(INDEX).content.decode() or "/spaces/platform-co-ops/" in (
        client.get(INDEX).content.decode()
    )


@pytest.mark.parametrize("who", ["superuser", "steward"])
def test_staff_search_and_filter_spaces(client, spaces, who, request):
    signed_in(client, request.getfixturevalue(who))
    assert listed(client, q="co-ops") == {"Platform co-ops"}
    assert listed(client, q="couriers") == {"Couriers organising"}
    assert listed(client, q="nothing-like-this") == set()
    assert listed(client, visibility="members") == {"Couriers organising"}
    assert listed(client, joining="request") == {"Commons critique"}


@pytest.mark.parametrize("who", ["superuser", "steward"])
def test_staff_edit_a_space_through_the_services(client, spaces, add_member, who, request):
    coops = spaces[0]
    Space.objects.filter(pk=coops.pk).update(member_limit=3, waiting_list=True)
    coops.refresh_from_db()
    waiting = add_member(coops)
    assert place_of(coops, waiting) == ("member", "waiting")
    staff = request.getfixturevalue(who)
    signed_in(client, staff)
    assert client.get(edit_path(coops)).status_code == 200
    response = client.post(
        edit_path(coops),
        admin_form(
            coops, name_en="Platform co-ops circle", visibility="members", joining="invitation", member_limit="4"
        ),
    )
    assert response.status_code == 302, page_text(response)
    coops.refresh_from_db()
    assert (coops.name_en, coops.name_tr, coops.visibility, coops.member_limit) == (
        "Platform co-ops circle",
        "Platform kooperatifleri",
        "members",
        4,
    )
    # Through space_update: the larger limit lets the one waiting in; staff do not become members.
    assert place_of(coops, waiting) == ("member", "active")
    assert place_of(coops, staff) is None
    assert "Platform co-ops circle" in page_text(client.get(INDEX))


def test_an_invalid_edit_is_shown_and_changes_nothing(client, spaces, superuser):
    coops = spaces[0]
    response = signed_in(client, superuser).post(edit_path(coops), admin_form(coops, name_en="", member_limit="-1"))
    assert response.status_code == 200  # Wagtail shows the form again with its errors
    coops.refresh_from_db()
    assert coops.name_en == "Platform co-ops" and coops.member_limit is None


def test_a_refusal_of_the_services_is_shown_on_the_form_and_changes_nothing(client, spaces, superuser):
    coops = spaces[0]
    response = signed_in(client, superuser).post(
        edit_path(coops), admin_form(coops, visibility="members", joining="open")
    )
    assert response.status_code == 200
    assert "takes new members by invitation only" in page_text(response)
    coops.refresh_from_db()
    assert (coops.visibility, coops.joining) == ("public", "open")


def test_no_one_deletes_a_space_in_the_admin(client, spaces, superuser):
    """Its files, private pages and meetings would outlive it with nothing to guard them."""
    coops = spaces[0]
    signed_in(client, superuser)
    assert "/delete/" not in client.get(f"/admin/space_admin/edit/{coops.pk}/").content.decode()
    for method in (client.get, client.post):
        assert method(f"/admin/space_admin/delete/{coops.pk}/").status_code in (302, 403)
    assert Space.objects.filter(pk=coops.pk).exists()


def test_staff_start_a_space_and_are_its_coordinator(client, superuser):
    response = signed_in(client, superuser).post(
        "/admin/space_admin/new/",
        {
            "name_en": "Seminar on platform work",
            "name_tr": "Platform emeği semineri",
            "purpose_en": "",
            "purpose_tr": "",
            "visibility": "public",
            "joining": "open",
            "member_limit": "",
            "logo": "",
        },
    )
    assert response.status_code == 302, page_text(response)
    space = Space.objects.get()
    assert (space.name_en, space.name_tr, space.founder) == (
        "Seminar on platform work",
        "Platform emeği semineri",
        superuser,
    )
    assert place_of(space, superuser) == ("coordinator", "active")
    assert space.collection is not None


def test_members_who_are_not_staff_are_kept_out(client, spaces, founder):
    """A space's own coordinator is not site staff: the admin view is not theirs."""
    coops = spaces[0]
    for user in (None, founder, UserFactory()):
        signed_in(client, user)
        for path in (INDEX, edit_path(coops), "/admin/space_admin/new/"):
            response = client.get(path)
            assert response.status_code in (302, 403), (user, path)
            assert "Couriers organising" not in page_text(response)
        response = client.post(edit_path(coops), admin_form(coops, name_en="Taken over"))
        assert response.status_code in (302, 403)
    coops.refresh_from_db()
    assert coops.name_en == "Platform co-ops" and Space.objects.count() == 3


def test_admin_users_without_the_spaces_right_are_kept_out(client, spaces):
    """An editor of the site's pages, with the admin but not "Can manage every space", sees no space there."""
    editor = granted(UserFactory(username="editor", is_staff=True), "wagtailadmin.access_admin")
    coops = spaces[0]
    signed_in(client, editor)
    for path in (INDEX, edit_path(coops)):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        assert "Couriers organising" not in page_text(response)
    client.post(edit_path(coops), admin_form(coops, name_en="Taken over"))
    coops.refresh_from_db()
    assert coops.name_en == "Platform co-ops"


def test_a_model_permission_alone_does_not_break_the_edit(client, spaces):
    """Wagtail's own "Can change space" without "Can manage every space": never a server error, nothing changed."""
    editor = granted(
        UserFactory(username="editor", is_staff=True),
        "wagtailadmin.access_admin",
        "spaces.view_space",
        "spaces.change_space",
    )
    coops = spaces[0]
    signed_in(client, editor)
    response = client.post(edit_path(coops), admin_form(coops, name_en="Taken over"))
    assert response.status_code < 500
    coops.refresh_from_db()
    assert coops.name_en == "Platform co-ops"
    assert Membership.objects.filter(space=coops, member=editor).count() == 0
