"""The cohort roster and its CSV export: for the module's tutors and coordinators only."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.shortcuts import resolve_url
from django.utils import translation

from courses.services import enrolment_create, enrolment_withdraw
from tests.factories import UserFactory

from .conftest import page_url

pytestmark = pytest.mark.django_db


def url(module, route: str) -> str:
    return page_url(module) + module.reverse_subpage(route)


@pytest.fixture
def tutor(db):
    return UserFactory(username="Giulia the tutor")


@pytest.fixture
def module(make_module, tutor):
    module = make_module(capacity=2, tutors=[tutor])
    names = ["Ayşe Çağrı Öztürk", "Bora İnce", "Şule Ğüneş", "Deniz Işık", "Emre Uğur"]
    # Named by their usernames, which is how str() names a member in any host.
    members = [UserFactory(username=name) for name in names]
    for each in members:
        enrolment_create(module=module, member=each)
    enrolment_withdraw(module=module, member=members[2])  # first one waiting leaves the waitlist
    return module


def test_tutor_sees_the_roster(client, module, tutor):
    client.force_login(tutor)
    response = client.get(url(module, "roster"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Ayşe Çağrı Öztürk", "Bora İnce", "Deniz Işık", "Emre Uğur", "Şule Ğüneş"):
        assert name in html


def test_coordinator_sees_the_roster(client, module):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(url(module, "roster")).status_code == 200


def test_a_member_granted_view_roster_sees_it(client, module):
    coordinator = UserFactory()
    coordinator.user_permissions.add(Permission.objects.get(codename="view_roster"))
    client.force_login(coordinator)
    assert client.get(url(module, "roster")).status_code == 200
    assert client.get(url(module, "roster_csv")).status_code == 200


@pytest.mark.parametrize("route", ["roster", "roster_csv"])
def test_a_plain_member_is_refused(client, module, route):
    client.force_login(UserFactory())
    assert client.get(url(module, route)).status_code == 403


@pytest.mark.parametrize("route", ["roster", "roster_csv"])
def test_anonymous_goes_to_login(client, module, route):
    response = client.get(url(module, route))
    assert response.status_code == 302
    with translation.override("en"):
        assert response.url == f"{resolve_url(settings.LOGIN_URL)}?next={url(module, route)}"


def test_a_tutor_of_another_module_is_refused(client, module, make_module):
    other_tutor = UserFactory()
    make_module(tutors=[other_tutor])
    client.force_login(other_tutor)
    assert client.get(url(module, "roster")).status_code == 403


def sheet(client, module) -> list[list[str]]:
    """The roster's CSV as a spreadsheet reads it, downloaded by the link on the roster page."""
    roster = client.get(url(module, "roster")).content.decode()
    [csv_url] = re.findall(r'<a class="button" href="([^"]+)" download>', roster)  # "Download as CSV"
    response = client.get(csv_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def coordinator_client(client):
    coordinator = UserFactory(username="coordinator")
    coordinator.user_permissions.add(Permission.objects.get(codename="view_roster"))
    client.force_login(coordinator)
    return client


def test_csv_has_a_row_per_enrolment_with_status_and_waitlist_position(client, module, tutor):
    client.force_login(tutor)
    rows = sheet(client, module)
    assert rows[0] == ["Name", "Status", "Waitlist position", "Units done", "Since"]
    by_name = {row[0]: row for row in rows[1:]}
    assert len(rows) == 1 + 5
    assert {name: (row[1], row[2]) for name, row in by_name.items()} == {
        "Ayşe Çağrı Öztürk": ("enrolled", ""),
        "Bora İnce": ("enrolled", ""),
        "Deniz Işık": ("on the waitlist", "1"),
        "Emre Uğur": ("on the waitlist", "2"),
        "Şule Ğüneş": ("withdrawn", ""),
    }
    assert by_name["Bora İnce"][3] == "0/7"


def test_a_tutors_csv_holds_no_e_mail_address_and_the_page_says_who_sees_them(client, module, tutor):
    client.force_login(tutor)

    rows = sheet(client, module)

    addresses = [enrolment.member.email for enrolment in module.enrolments.select_related("member")]
    assert len(addresses) == 5 and all(addresses)
    assert not any(address in cell for address in addresses for row in rows for cell in row)
    assert "@" not in "".join(cell for row in rows for cell in row)
    note = "their usernames and e-mail addresses are seen by the coordinators only."
    assert note in client.get(url(module, "roster")).content.decode()


def test_a_tutors_csv_names_members_as_they_are_shown_not_by_username(client, module, tutor):
    named = UserFactory(username="akaya77", first_name="Ayşe", last_name="Kaya")
    enrolment_create(module=module, member=named)  # third on the waitlist
    client.force_login(tutor)

    rows = sheet(client, module)

    assert [str(named), "on the waitlist", "3"] in [row[:3] for row in rows]
    if str(named) != named.username:  # a host that names members otherwise than by their username
        assert "akaya77" not in "".join(cell for row in rows for cell in row)


def test_a_coordinators_csv_adds_the_username_and_e_mail_address(client, module):
    rows = sheet(coordinator_client(client), module)

    assert rows[0] == ["Username", "Name", "E-mail", "Status", "Waitlist position", "Units done", "Since"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Deniz Işık"][:5] == ["Deniz Işık", "Deniz Işık", "Deniz Işık@example.org", "on the waitlist", "1"]
    assert len(rows) == 1 + 5
    note = "As a coordinator, your CSV also has their usernames and e-mail addresses"
    assert note in client.get(url(module, "roster")).content.decode()


def test_a_tutor_who_is_also_a_coordinator_gets_the_coordinators_csv(client, module, tutor):
    tutor.user_permissions.add(Permission.objects.get(codename="view_roster"))
    client.force_login(tutor)

    assert sheet(client, module)[0][:3] == ["Username", "Name", "E-mail"]


def test_the_roster_page_shows_no_address_to_anyone(client, module, tutor):
    for reader in (tutor, None):
        if reader:
            client.force_login(reader)
        else:
            coordinator_client(client)
        page = client.get(url(module, "roster")).content.decode()
        assert "@example.org" not in page
