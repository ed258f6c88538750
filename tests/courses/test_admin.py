"""Coordinators in the Wagtail admin: raising capacity lets the waitlist in; translation column."""

from html.parser import HTMLParser

import pytest

from courses.models import Enrolment
from courses.services import enrolment_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """What a browser would submit from Wagtail's page edit form (``id="page-edit-form"``)."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self.in_form = False
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "page-edit-form":
            self.in_form = True
        if not self.in_form or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "checkbox", "radio"}:
            self.data.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "input" and attrs.get("type") in {"checkbox", "radio"} and "checked" in attrs:
            self.data.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            self.data.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form = False


def edit_form(client, page) -> dict:
    parser = FormValues()
    parser.feed(client.get(f"/admin/pages/{page.pk}/edit/").content.decode())
    data: dict = {}
    for name, value in parser.data:
        if "__prefix__" not in name:
            data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def coordinator_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_raising_capacity_in_the_admin_promotes_the_waitlist(coordinator_client, make_module):
    module = make_module(capacity=1)
    members = UserFactory.create_batch(4)
    for each in members:
        enrolment_create(module=module, member=each)
    data = edit_form(coordinator_client, module)
    data["capacity"] = ["3"]
    data["action-publish"] = ["action-publish"]
    response = coordinator_client.post(f"/admin/pages/{module.pk}/edit/", data)
    assert response.status_code == 302
    status = dict(Enrolment.objects.filter(module=module).values_list("member", "status"))
    assert [status[m.pk] for m in members] == ["active", "active", "active", "waitlisted"]


def test_admin_listing_shows_how_complete_each_language_is(coordinator_client, make_module):
    make_module(title="Half in Turkish", units=[("One", "Bir"), ("Two", "")])
    html = coordinator_client.get("/admin/course_modules/").content.decode()
    row = html[html.index("Half in Turkish") :]
    assert "en 100% · tr 67%" in row[: row.index("</tr>")]
