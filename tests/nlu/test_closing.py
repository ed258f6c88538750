"""Closing an account: the person is gone from every table and file, the history still reads."""

import io
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from courses.models import Enrolment
from nlu.closing import ClosingError, account_close
from nlu.models import AccountClosure, OutgoingEmail
from tests.factories import PASSWORD, UserFactory
from tests.nlu.everywhere import NEEDLES, member_everywhere
from tests.threads import at_once
from timebank.services import account_for, commons_account, transfer_create
from wiki.models import WikiPage

HAND_TO_COMMONS = "timebank.hand_to_commons"


def close_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("account_close")


def found_in(text: str) -> list[str]:
    return [needle for needle in NEEDLES if needle.lower() in text.lower()]


def dumped() -> str:
    """``dumpdata`` of every app."""
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    return dump.getvalue()


def database_text() -> str:
    """Everything the database holds on disk: the SQLite files byte for byte, or pg_dump's text."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        files = [Path(settings["NAME"]), Path(f"{settings['NAME']}-wal")]
        return "".join(path.read_bytes().decode("latin-1") for path in files if path.exists())
    command = ["pg_dump", "-h", settings["HOST"], "-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
    return subprocess.run([*command, settings["NAME"]], capture_output=True, text=True, check=True).stdout


# Serialized rollback, as every transactional test here: it brings back Wagtail's root page and locales.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_closed_account_leaves_no_name_in_any_table_or_file_and_history_still_reads(client):
    call_command("load_demo", stdout=io.StringIO())
    world = member_everywhere()
    member = world.member
    assert found_in(database_text()) and found_in(dumped()), "the test must see the member before closing"
    client.force_login(member)

    page = client.get(close_url())
    assert page.status_code == 200
    assert HAND_TO_COMMONS in page.content.decode()

    kept = client.post(close_url(), {"password": PASSWORD})
    assert kept.status_code == 409, "a balance neither settled nor handed over stops the closing"
    assert "3" in "".join(kept.context["form"].non_field_errors())
    member.refresh_from_db()
    assert member.is_active and member.email == "zeliha.oktay@example.org"

    closed = client.post(close_url(), {"password": PASSWORD, HAND_TO_COMMONS: "on"})
    assert closed.status_code == 302
    assert client.get(reverse("profile")).status_code == 302, "signed out"

    assert found_in(dumped()) == []
    assert found_in(database_text()) == []

    audit = io.StringIO()
    call_command("timebank_audit", stdout=audit)
    assert audit.getvalue().strip().endswith("ok")
    assert account_for(member).balance == 0

    closure = AccountClosure.objects.get(member=member)
    assert closure.closed_by is None
    pseudonym = str(get_user_model().objects.get(pk=member.pk))
    assert pseudonym.startswith("former member ")
    # The demo's coordinator belongs to the members-only space, so reads its pages too.
    client.force_login(get_user_model().objects.get(username="coordinator"))
    for wiki_page in WikiPage.objects.all():
        history = client.get(reverse("wiki:history", args=[wiki_page.slug]), follow=True)  # to its language
        assert history.status_code == 200, wiki_page.slug
    edited = client.get(reverse("wiki:history", args=[WikiPage.objects.order_by("pk").first().slug])).content.decode()
    assert pseudonym in edited

    assert Enrolment.objects.get(module=world.module, member=world.waiting).status == Enrolment.Status.ACTIVE
    assert not client.login(username="zelihaoktay", password=PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"), [("en", "That is not your password."), ("tr", "Bu sizin parolanız değil.")]
)
def test_a_wrong_password_is_refused_in_the_members_language_and_nothing_changes(client, language, message):
    member = UserFactory(username="wrongpassword")
    client.force_login(member)
    answer = client.post(close_url(language), {"password": "not-it"})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    member.refresh_from_db()
    assert member.is_active and member.email == "wrongpassword@example.org"
    assert not AccountClosure.objects.exists()


@pytest.mark.django_db
def test_closing_needs_a_signed_in_member(client):
    answer = client.post(close_url(), {"password": PASSWORD})
    assert answer.status_code == 302 and "login" in answer["Location"]


@pytest.fixture
def staff(db):
    user = UserFactory(username="staffer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="delete_user")
    )
    return user


def admin_close_url(member) -> str:
    return reverse("nlu_close_member", args=[member.pk])


@pytest.mark.django_db
def test_staff_close_a_members_account_with_a_reason_kept(client, staff):
    member = UserFactory(username="leaving")
    client.force_login(staff)
    assert client.get(admin_close_url(member)).status_code == 200
    no_reason = client.post(admin_close_url(member), {"reason": " "})
    assert no_reason.status_code == 400
    member.refresh_from_db()
    assert member.is_active

    closed = client.post(admin_close_url(member), {"reason": "Asked by letter on 1 December."})
    assert closed.status_code == 302
    closure = AccountClosure.objects.get(member=member)
    assert (closure.closed_by, closure.reason) == (staff, "Asked by letter on 1 December.")
    member.refresh_from_db()
    assert not member.is_active and member.email == "" and member.username.startswith("former-member-")

    again = client.post(admin_close_url(member), {"reason": "Twice."})
    assert again.status_code == 409
    assert "closed already" in again.content.decode()
    assert AccountClosure.objects.get(member=member).reason == "Asked by letter on 1 December."


@pytest.mark.django_db
def test_closing_from_the_admin_needs_the_permission(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    member = UserFactory(username="staying")
    client.force_login(clerk)
    refused = client.post(admin_close_url(member), {"reason": "No."})
    # Wagtail's admin answers a refused permission by sending back to its dashboard, with a message.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    member.refresh_from_db()
    assert member.is_active


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_closings_at_once_close_once_and_the_other_is_told(staff):
    member = UserFactory(username="doubleclick")

    def close(by):
        return account_close(member=member, by=by, reason="Asked twice." if by else "")

    results = at_once(close, [None, staff])
    refused = [result for result in results if isinstance(result, ClosingError)]
    assert len(refused) == 1 and refused[0].status == 409, results
    assert AccountClosure.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_hours_arriving_after_the_check_stop_the_closing_with_a_reason_and_nothing_changes(monkeypatch):
    member = UserFactory(username="paidlate", email="paidlate@example.org")
    account = account_for(member)
    # The page's check saw a zero balance; a gift lands before the member presses the button.
    monkeypatch.setattr("suite.privacy.closing_obstacles", lambda member, *, options: [])
    transfer_create(
        payer=commons_account(), payee=account, minutes=60, kind="gift", memo="Late thanks", idempotency_key="late"
    )
    with pytest.raises(ClosingError) as refused:
        account_close(member=member)
    assert refused.value.status == 409 and "1" in refused.value.messages[0]
    member.refresh_from_db()
    assert member.is_active and member.email == "paidlate@example.org"
    assert not AccountClosure.objects.exists()


@pytest.mark.django_db
def test_a_member_known_by_a_pseudonym_keeps_its_code_when_they_leave(client):
    member = UserFactory(username="knownas", shown_as="pseudonym")
    shown = str(member)
    assert shown.startswith("member ")
    account_close(member=member)
    member.refresh_from_db()
    assert (str(member), member.username) == (f"former {shown}", f"former-{shown}".replace(" ", "-"))


@pytest.mark.django_db
def test_the_outbox_keeps_no_mail_to_any_address_of_the_member_and_others_mails_stay():
    member = UserFactory(username="twoaddresses", email="first@example.org")
    member.emailaddress_set.create(email="Second@Example.org", verified=True, primary=False)
    for to in (["first@example.org"], ["Second@Example.org"], ["someone@example.org"], ["afirst@example.org"]):
        OutgoingEmail.objects.create(subject="Confirm", body="…", from_email="nlu@example.org", to=to)
    account_close(member=member)
    assert sorted(email.to[0] for email in OutgoingEmail.objects.all()) == ["afirst@example.org", "someone@example.org"]
