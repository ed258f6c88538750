"""The live sessions in Wagtail's admin ("seminars_sessions"): list, filter, edit and cancel, through the services.

Who manages them here is who manages every session on the site: a superuser, or a member given the
admin and "Can schedule and manage every live session" (seminars.manage_webinars).
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seminars import services
from seminars.models import Webinar
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/seminars_sessions/"
RESEARCH = "Research meeting: platform co-ops"


def edit_path(webinar) -> str:
    return f"{INDEX}edit/{webinar.pk}/"


def cancel_path(webinar) -> str:
    return f"{INDEX}cancel/{webinar.pk}/"


def granted(user, *codenames: str):
    for name in codenames:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label=app_label))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def manager(people):
    """The people's manager (seminars.manage_webinars), let into Wagtail's admin."""
    return granted(people["manager"], "wagtailadmin.access_admin")


@pytest.fixture
def admin(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def research(people) -> Webinar:
    """A research meeting of no module, after Module 1 has ended, by the researcher."""
    [meeting] = services.webinar_schedule(
        title=RESEARCH,
        start_local=datetime.datetime(2027, 6, 3, 18, 0),
        timezone_name="America/Sao_Paulo",
        duration_minutes=60,
        tutors=[people["outsider"]],
        created_by=people["outsider"],
        audience=Webinar.Audience.MEMBERS,
    )
    return meeting


def rows(response) -> list[str]:
    """The titles listed, in order."""
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    return [row.select_one("td.title").get_text(" ", strip=True) for row in page.select("table.listing tbody tr")]


def titles(client, **query) -> list[str]:
    return [title.split(" Edit")[0].strip() for title in rows(client.get(INDEX, query))]


def errors(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def edit_form(webinar, **changes) -> dict:
    local = webinar.local_start
    return {
        "start_date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "timezone": webinar.timezone,
        "duration_minutes": webinar.duration_minutes,
        "cotutors": "",
        **changes,
    }


def test_the_menu_and_the_list_are_for_those_who_manage_every_session(client, people, manager, weekly):
    tutor = granted(people["tutor"], "wagtailadmin.access_admin")  # teaches, but manages only her own
    client.force_login(tutor)
    assert INDEX not in client.get("/admin/").content.decode()  # no menu item
    assert client.get(INDEX).status_code in (302, 403)

    client.force_login(manager)
    assert INDEX in client.get("/admin/").content.decode()  # the menu leads here
    assert len(titles(client)) == 7


def test_the_list_filters_by_module_status_and_date(admin, module_1, weekly, research):
    week_3 = Webinar.objects.filter(module=module_1).order_by("starts_at")[2]
    services.webinar_cancel(webinar=week_3)
    module_titles = titles(admin, module=module_1.pk)

    assert len(module_titles) == 7 and RESEARCH not in module_titles
    assert titles(admin, status="cancelled") == [week_3.title]
    day = week_3.local_start.date().isoformat()
    assert titles(admin, starts_at_from=day, starts_at_to=day) == [week_3.title]
    assert titles(admin, starts_at_from="2027-06-01", starts_at_to="2027-06-30", status="scheduled") == [RESEARCH]


def test_the_list_costs_the_same_with_7_and_70_sessions(admin, module_1, weekly, people):
    def listing_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(INDEX).status_code == 200
        return len(queries)

    listing_queries()  # caches warmed
    few = listing_queries()
    for week in range(9):
        services.webinar_schedule(
            title=f"Extra {week}",
            start_local=datetime.datetime(2027, 3, 1, 10, 0) + datetime.timedelta(days=week),
            timezone_name="UTC",
            duration_minutes=60,
            tutors=[people["tutor"]],
            created_by=people["tutor"],
            module=module_1,
            occurrences=7,
        )
    assert listing_queries() == few


def test_an_edit_goes_through_the_service_and_tells_everyone(admin, weekly, people, django_capture_on_commit_callbacks):
    form = BeautifulSoup(admin.get(edit_path(weekly)).content, "html.parser")
    assert form.find("input", {"name": "start_time"})["value"] == "16:00"
    assert not form.find("input", {"name": "cotutors"}).get("value")
    assert "seminars/member-names.js" in str(form)  # the same chooser as on the site
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(edit_path(weekly), edit_form(weekly, start_time="17:30", cotutors="researcher"))

    assert response.status_code == 302
    moved = Webinar.objects.get(pk=weekly.pk)
    assert moved.local_start.strftime("%H:%M") == "17:30" and moved.sequence == weekly.sequence + 1
    assert sorted(moved.tutors.values_list("username", flat=True)) == ["researcher", "tutor"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "researcher@example.org",
        "steward@example.org",
        "tutor@example.org",
    ]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"cotutors": "nobody"}, "No member is called “nobody”: check the spelling of the username."),
        (
            {"start_date": "2027-03-28", "start_time": "02:30", "timezone": "Europe/Berlin"},
            "Sun 28 Mar 2027, 02:30 does not exist in Europe/Berlin (the clocks change that night). "
            "Choose another time.",
        ),
        ({"duration_minutes": "5"}, "Ensure this value is greater than or equal to 15."),
    ],
)
def test_an_edit_the_site_would_refuse_is_refused_here_and_changes_nothing(admin, weekly, changes, error):
    response = admin.post(edit_path(weekly), edit_form(weekly, **changes))

    assert response.status_code == 200
    assert error in errors(response)
    assert Webinar.objects.get(pk=weekly.pk).sequence == weekly.sequence


def test_a_session_that_has_ended_cannot_be_moved(admin, weekly):
    Webinar.objects.filter(pk=weekly.pk).update(status=Webinar.Status.ENDED)

    response = admin.post(edit_path(weekly), edit_form(weekly, start_time="18:00"))

    assert "Only a session that has not started can be moved." in errors(response)
    assert Webinar.objects.get(pk=weekly.pk).local_start.strftime("%H:%M") == "16:00"


def test_cancel_after_a_confirmation_tells_everyone_once(admin, weekly, django_capture_on_commit_callbacks):
    listing = admin.get(INDEX).content.decode()
    assert cancel_path(weekly) in listing
    assert "Yes, cancel the session" in admin.get(cancel_path(weekly)).content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(cancel_path(weekly)).status_code == 302
        again = admin.post(cancel_path(weekly), follow=True)

    assert Webinar.objects.get(pk=weekly.pk).status == Webinar.Status.CANCELLED
    assert "This session has already ended or been cancelled." in errors(again)
    assert sorted(m.to[0] for m in mail.outbox) == ["steward@example.org", "tutor@example.org"]
    assert cancel_path(weekly) not in admin.get(INDEX).content.decode()


def test_nothing_is_added_or_deleted_here(admin, weekly):
    assert admin.get(f"{INDEX}new/").status_code in (302, 403)
    admin.post(f"{INDEX}delete/{weekly.pk}/")
    assert Webinar.objects.filter(pk=weekly.pk).exists()


def test_a_member_without_the_permission_cannot_edit_or_cancel(client, weekly):
    staff = granted(UserFactory(username="editor", is_staff=True), "wagtailadmin.access_admin")
    client.force_login(staff)

    assert client.get(edit_path(weekly)).status_code in (302, 403)
    client.post(cancel_path(weekly))
    assert Webinar.objects.get(pk=weekly.pk).status == Webinar.Status.SCHEDULED
