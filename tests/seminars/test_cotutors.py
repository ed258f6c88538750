"""Co-tutors named on the schedule and edit forms by username, with suggestions that never list everyone.

The field works without JavaScript (usernames, comma separated, each checked); a static script asks
``sessions/members/?q=`` for a few suggestions, which only tutors and coordinators may ask.
"""

import datetime

import factory
import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from seminars.models import Webinar
from tests.factories import UserFactory

from .conftest import schedule_form

pytestmark = pytest.mark.django_db

START = datetime.datetime(2027, 1, 12, 16, 0)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def tutors_of(webinar: Webinar) -> list[str]:
    return sorted(webinar.tutors.values_list("username", flat=True))


def schedule(client, module, **fields):
    return client.post(f"/en/sessions/new/?module={module.pk}", schedule_form(START, **fields))


def test_a_tutor_schedules_a_session_with_co_tutors_by_username(as_role, module_1, people):
    response = schedule(as_role("tutor"), module_1, cotutors="steward,  Manager, steward")

    assert response.status_code == 302
    webinar = Webinar.objects.get()
    assert tutors_of(webinar) == ["manager", "steward", "tutor"]  # the scheduling tutor stays one
    # A co-tutor runs the session as the tutor does: its edit page is hers.
    assert as_role("enrolled").get(f"/en/sessions/{webinar.pk}/edit/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("steward, nobody", "No member is called “nobody”: check the spelling of the username."),
        ("ghost, steward, nobody", "No members are called “ghost”, “nobody”: check the spelling of the usernames."),
        ("left", "No member is called “left”: check the spelling of the username."),
    ],
)
def test_an_unknown_co_tutor_is_named_in_the_error_and_nothing_is_scheduled(as_role, module_1, typed, error):
    UserFactory(username="left", is_active=False)  # a closed account is no one's co-tutor

    response = schedule(as_role("tutor"), module_1, cotutors=typed)

    assert response.status_code == 400
    page = soup(response)
    assert [p.get_text() for p in page.select(".has-error p.error")] == [error]
    assert page.find("input", {"name": "cotutors"})["value"] == typed  # what was typed is kept
    assert not Webinar.objects.exists()


def test_at_most_ten_co_tutors(as_role, module_1):
    names = [UserFactory(username=f"co{n}").username for n in range(11)]

    response = schedule(as_role("tutor"), module_1, cotutors=",".join(names))

    assert response.status_code == 400
    assert "Name at most 10 members." in soup(response).select_one(".has-error p.error").get_text()


def test_the_edit_form_changes_the_co_tutors_and_tells_them(
    as_role, module_1, people, django_capture_on_commit_callbacks
):
    schedule(as_role("tutor"), module_1, cotutors="steward")
    webinar = Webinar.objects.get()
    client = as_role("enrolled")  # the co-tutor edits; the tutor who scheduled it stays one

    form = soup(client.get(f"/en/sessions/{webinar.pk}/edit/"))
    assert form.find("input", {"name": "cotutors"})["value"] == "steward"
    fields = {
        "start_date": "2027-01-13",
        "start_time": "16:00",
        "timezone": "Europe/Istanbul",
        "duration_minutes": "90",
        "cotutors": "manager",
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/sessions/{webinar.pk}/edit/", fields)

    assert response.status_code == 302
    webinar.refresh_from_db()
    assert tutors_of(webinar) == ["manager", "tutor"]
    assert webinar.sequence == 1
    assert webinar.local_start.date() == datetime.date(2027, 1, 13)
    assert "manager@example.org" in {m.to[0] for m in mail.outbox}  # the new co-tutor is told
    assert as_role("enrolled").get(f"/en/sessions/{webinar.pk}/edit/").status_code == 403  # no longer hers


def test_the_field_offers_suggestions_from_a_static_script(as_role, module_1):
    page = soup(as_role("tutor").get(f"/en/sessions/new/?module={module_1.pk}"))

    field = page.find("input", {"name": "cotutors"})
    assert field["type"] == "text" and field["list"] == "id_cotutors-suggestions"
    assert page.find("datalist", id="id_cotutors-suggestions") is not None
    assert field["data-member-suggestions"] == "/en/sessions/members/"
    [script] = [s for s in page.find_all("script", src=True) if "member-names" in s["src"]]
    assert not script.string  # the CSP allows no inline script
    assert finders.find("seminars/member-names.js")
    assert page.find("select", {"name": "cotutors"}) is None


def test_suggestions_are_a_few_members_whose_names_start_with_what_was_typed(as_role, module_1, people):
    for n in range(15):
        UserFactory(username=f"ste{n:02}")
    client = as_role("tutor")

    found = client.get("/en/sessions/members/", {"q": "STEW"}).json()["members"]
    assert [member["username"] for member in found] == ["steward"]
    assert len(client.get("/en/sessions/members/", {"q": "ste"}).json()["members"]) == 10
    assert client.get("/en/sessions/members/", {"q": ""}).json() == {"members": []}


@pytest.mark.parametrize(("role", "status"), [("enrolled", 403), ("outsider", 403), ("coordinator", 200)])
def test_only_tutors_and_coordinators_may_look_members_up(as_role, module_1, role, status):
    with translation.override("en"):
        response = as_role(role).get("/en/sessions/members/", {"q": "tu"})
    assert response.status_code == status


def test_anonymous_visitors_are_sent_to_sign_in_for_suggestions(as_role):
    assert as_role("anonymous").get("/en/sessions/members/", {"q": "tu"}).status_code == 302


def queries_and_size(client, url, **params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), len(response.content)


def test_nothing_lists_every_member(as_role, module_1):
    """The form and the suggestions cost the same with 20 members as with 400: no select of every user."""
    client = as_role("tutor")
    form_url, suggestions_url = f"/en/sessions/new/?module={module_1.pk}", "/en/sessions/members/"
    queries_and_size(client, form_url)  # caches warmed (the site, the session)

    UserFactory.create_batch(20, username=factory.Sequence(lambda n: f"member-few-{n:03}"))
    few = queries_and_size(client, form_url), queries_and_size(client, suggestions_url, q="member")
    UserFactory.create_batch(380, username=factory.Sequence(lambda n: f"member-many-{n:03}"))
    many = queries_and_size(client, form_url), queries_and_size(client, suggestions_url, q="member")

    assert few == many
