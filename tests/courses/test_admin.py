"""Coordinators in the Wagtail admin: raising capacity lets the waitlist in; translation column; tutors chosen
by searching members."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CourseModulePage, Enrolment
from courses.services import enrolment_create
from tests.factories import UserFactory, has_field

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


# --- The tutors field: a chooser that searches members, not a select of every user ----------------


def add_members(prefix: str, count: int) -> list:
    User = get_user_model()
    return User.objects.bulk_create(
        [User(username=f"{prefix}{n:04d}", email=f"{prefix}{n:04d}@example.org") for n in range(count)]
    )


def editor(client, module) -> tuple[str, int]:
    """The module's edit page in the admin, and the queries it took (the caches warmed first)."""
    url = f"/admin/pages/{module.pk}/edit/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_module_editor_names_its_tutors_and_no_other_member(coordinator_client, make_module):
    tutor = UserFactory(username="giulia-tutor")
    module = make_module(tutors=[tutor])
    small_html, small_queries = editor(coordinator_client, module)
    add_members("bystander", 300)
    html, queries = editor(coordinator_client, module)
    assert queries == small_queries
    assert len(html) < len(small_html) + 1000  # a select of every user would add 300 options
    assert "bystander0000" not in html and "bystander0299" not in html
    assert f'name="tutors" value="{tutor.pk}"' in html and "giulia-tutor" in html
    assert "courses/member-chooser.js" in html
    assert 'data-member-chooser="/admin/courses/members/"' in html


def test_tutors_chosen_in_the_editor_are_saved(coordinator_client, make_module):
    kept, removed = UserFactory(username="kept-tutor"), UserFactory(username="removed-tutor")
    added = UserFactory(username="added-tutor")
    module = make_module(tutors=[kept, removed])
    data = edit_form(coordinator_client, module)
    assert sorted(data["tutors"]) == sorted([str(kept.pk), str(removed.pk)])
    data["tutors"] = [str(kept.pk), str(added.pk)]  # one unticked, one found and added
    data["action-publish"] = ["action-publish"]
    response = coordinator_client.post(f"/admin/pages/{module.pk}/edit/", data)
    assert response.status_code == 302
    assert set(CourseModulePage.objects.get(pk=module.pk).tutors.all()) == {kept, added}
    html, _ = editor(coordinator_client, module)
    assert "added-tutor" in html and "removed-tutor" not in html


def test_the_member_suggestions_find_members_by_the_start_of_their_name(coordinator_client):
    add_members("bystander", 30)
    named = "display_name" if has_field(get_user_model(), "display_name") else "first_name"
    ayse = UserFactory(username="ayse-steward", **{named: "Ayşe"})
    UserFactory(username="inactive-ayse", is_active=False, **{named: "Ayşe"})
    response = coordinator_client.get("/admin/courses/members/", {"q": "ayş"})
    assert response.status_code == 200
    (found,) = response.json()["members"]
    assert found["id"] == ayse.pk and "ayse-steward" in found["label"]
    found = coordinator_client.get("/admin/courses/members/", {"q": "bystander"}).json()["members"]
    assert len(found) == 10  # a page of suggestions, never the whole membership
    assert coordinator_client.get("/admin/courses/members/", {"q": ""}).json() == {"members": []}


def test_the_member_suggestions_are_for_the_admins_users_only(client):
    UserFactory(username="ayse-steward")
    response = client.get("/admin/courses/members/", {"q": "ayse"})
    assert response.status_code == 302 and "ayse" not in response.content.decode()
    client.force_login(UserFactory())  # a member, not an editor
    response = client.get("/admin/courses/members/", {"q": "ayse"})
    assert response.status_code in (302, 403)
    assert "ayse-steward" not in response.content.decode()
