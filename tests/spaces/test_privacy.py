"""What spaces tell of a member (suite.privacy's kinds) and what they do when the member closes their account.

The host's part of a closing is played here as the host does it after every app's ``member_close``
(renamed to the pseudonym, no address, no names, unusable password, inactive), so this runs in the
bare host (plain ``auth.User``) and in the NLU site alike.
"""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from spaces import privacy, services
from spaces.models import Activity, DigestSent, FeedToken, Invitation, Membership, Notice, Space
from spaces.notifications import digest_recipients, digest_send, notices_mail_pending
from spaces.selectors import feed_token
from spaces.tasks import send_notice_mail, send_weekly_digests
from suite.privacy import member_rows
from tests.factories import UserFactory
from wiki.models import WikiPage

from .conftest import enrol, mails_to, page_text, place_of, signed_in, upload

pytestmark = pytest.mark.django_db

PSEUDONYM = "former member 8f3a"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def close(member, pseudonym: str = PSEUDONYM) -> None:
    """The spaces' part of the closing, then the host's: the row stays, renamed, with nothing of the person."""
    privacy.member_close(member, pseudonym=pseudonym, options=set())
    member.username = pseudonym.replace(" ", "-")
    if hasattr(member, "display_name"):
        member.display_name = pseudonym
    member.email = member.first_name = member.last_name = ""
    member.set_unusable_password()
    member.is_active = False
    member.save()
    member.refresh_from_db()


def rows(member, name: str) -> list[dict]:
    """The member's rows of the kind ``name``, as the download holds them (through suite.privacy)."""
    return next(found for kind, found in member_rows(member) if kind.name == name)


def dumped() -> str:
    out = io.StringIO()
    call_command("dumpdata", "spaces", "wiki", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def english():
    """Labels in the rows are compared in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def leaver(db):
    return UserFactory(username="zeynep-k", first_name="Zeynep", last_name="Kayaoğlu", language="en")


@pytest.fixture
def world(make_space, founder, leaver, django_capture_on_commit_callbacks):
    """The leaver in every place a member can be: member of a full space with a waiting list, last
    coordinator of a members-only space they started, alone in another, asking to join a fourth."""
    with django_capture_on_commit_callbacks(execute=True):
        full = make_space("Platform co-ops", member_limit=2, waiting_list=True)
        services.space_join(space=full, member=leaver)
        waiter = UserFactory(username="waiter")
        services.space_join(space=full, member=waiter)
        started = make_space("Couriers organising", visibility=Space.Visibility.MEMBERS, by=leaver)
        ayse = enrol(started, UserFactory(username="ayse", language="tr"))
        ben = enrol(started, UserFactory(username="ben"))
        services.file_add(space=started, by=leaver, upload=upload("ledger.pdf"), title="Strike fund ledger")
        alone = make_space("Night shift", by=leaver)
        asking = make_space("Translators", joining=Space.Joining.REQUEST)
    # The request's notice to the founder is not mailed yet (queued, the broker slow).
    services.space_join(space=asking, member=leaver)
    return {
        "full": full,
        "waiter": waiter,
        "started": started,
        "ayse": ayse,
        "ben": ben,
        "alone": alone,
        "asking": asking,
    }


# --- What is kept: the kinds ---------------------------------------------------------------------


def test_every_kind_is_named_for_spaces_and_has_its_fields():
    names = [kind.name for kind in privacy.KINDS]
    assert names == [
        "spaces.memberships",
        "spaces.invitations",
        "spaces.notices",
        "spaces.activity",
        "spaces.digests",
        "spaces.feed",
    ]
    assert all(kind.fields and kind.label and kind.purpose for kind in privacy.KINDS)


def test_the_rows_of_each_kind(world, leaver, founder, django_capture_on_commit_callbacks):
    made = services.invitation_create(space=world["started"], by=leaver)
    into = services.invitation_create(space=world["full"], by=founder)
    services.space_leave(space=world["full"], member=world["waiter"])
    services.space_leave(space=world["full"], member=leaver)
    services.invitation_accept(token=into.token, member=leaver)
    token = feed_token(leaver)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(space=world["asking"], by=founder, member=leaver, accept=False)
    digest_send(member_id=world["ayse"].pk)  # news of the leaver's doing
    digest_send(member_id=leaver.pk)

    memberships = rows(leaver, "spaces.memberships")
    assert [(m["space"], m["role"], m["status"]) for m in memberships] == [
        ("Couriers organising", "coordinator", "active"),
        ("Night shift", "coordinator", "active"),
        ("Platform co-ops", "member", "active"),
    ]
    assert memberships[0]["address"].endswith(f"/spaces/{world['started'].slug}/")
    assert memberships[0]["weekly_digest"] is True and isinstance(memberships[0]["since"], str)

    invitations = rows(leaver, "spaces.invitations")
    # Those that let ayse and ben into the space they started, the one not used yet, the one they used.
    assert [(i["space"], i["made_by_you"], i["used_by_you"]) for i in invitations] == [
        ("Couriers organising", True, False)
    ] * 3 + [("Platform co-ops", False, True)]
    assert invitations[0]["used_at"] and invitations[2]["used_at"] is None and invitations[3]["used_at"]
    assert made.token not in str(invitations)

    [declined] = rows(leaver, "spaces.notices")
    assert (declined["space"], declined["kind"], declined["about"]) == (
        "Translators",
        "declined",
        "your request was declined",
    )
    assert declined["mailed_at"]

    activity = [(a["space"], a["kind"], a["subject"]) for a in rows(leaver, "spaces.activity")]
    assert activity[:3] == [
        ("Platform co-ops", "joined", ""),
        ("Couriers organising", "started", ""),
        ("Couriers organising", "file", "Strike fund ledger"),
    ]
    assert activity[-2:] == [("Platform co-ops", "left", ""), ("Platform co-ops", "joined", "")]

    [digest] = rows(leaver, "spaces.digests")
    assert set(digest) == {"week", "sent_at"}
    assert rows(leaver, "spaces.feed") == [{"feed_token": True}]
    assert token not in str(list(member_rows(leaver)))
    assert rows(UserFactory(), "spaces.feed") == [] and rows(UserFactory(), "spaces.memberships") == []


def test_reading_the_activity_takes_the_same_queries_for_few_or_many(make_space, leaver, django_assert_max_num_queries):
    space = make_space("Platform co-ops", by=leaver)
    with django_assert_max_num_queries(2) as few:
        assert len(list(privacy.activity_rows(leaver))) == 1
    for number in range(30):
        services.file_add(space=space, by=leaver, upload=upload(f"file{number}.pdf"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(list(privacy.activity_rows(leaver))) == 31


# --- Closing an account ----------------------------------------------------------------------------


def test_after_closing_the_member_is_in_no_space_and_the_waiting_list_moved(
    world, leaver, founder, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        close(leaver)

    assert not Membership.objects.filter(member=leaver).exists()
    assert place_of(world["full"], world["waiter"]) == ("member", "active")
    [promoted] = mails_to(world["waiter"])
    assert promoted.subject == "A place is yours in Platform co-ops"
    # Their request withdrawn, with the notice to the coordinators that was not mailed yet.
    assert not Notice.objects.filter(space=world["asking"]).exists()
    assert mails_to(founder) == []
    # A space where they were alone is left with no one, for site staff to manage.
    assert not Membership.objects.filter(space=world["alone"]).exists()
    assert Space.objects.filter(pk=world["alone"].pk).exists()
    left = Activity.objects.filter(space=world["full"], kind=Activity.Kind.LEFT, actor=leaver)
    assert left.count() == 1


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_longest_standing_member_coordinates_when_the_last_coordinator_leaves(
    world, leaver, client, language, django_capture_on_commit_callbacks
):
    space, ayse, ben = world["started"], world["ayse"], world["ben"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        close(leaver)

    assert place_of(space, ayse) == ("coordinator", "active")
    assert place_of(space, ben) == ("member", "active")
    [told] = mails_to(ayse)  # in her language
    assert "Couriers organising" in told.subject and "Couriers organising" in told.body
    assert f"/spaces/{space.slug}/members/" in told.body
    assert mails_to(ben) == []
    members = page_text(signed_in(client, ayse).get(f"/{language}/spaces/{space.slug}/members/"))
    assert "zeynep-k" not in members and "ayse" in members
    shown = page_text(signed_in(client, ben).get(f"/{language}/spaces/{space.slug}/"))
    assert str(leaver) in shown and "zeynep-k" not in shown  # what they did stays, under the pseudonym


def test_the_english_mail_to_the_new_coordinator(make_space, leaver, django_capture_on_commit_callbacks):
    space = make_space("Couriers organising", by=leaver)
    ben = enrol(space, UserFactory(username="ben", language="en"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        close(leaver)
    [told] = mails_to(ben)
    assert told.subject == "You coordinate Couriers organising now"
    assert "you are now its coordinator" in told.body


def test_after_closing_the_feed_link_is_a_404_and_the_tokens_invitations_notices_go(world, leaver, founder):
    space = world["started"]
    address = f"/en/spaces/{space.slug}/activity.atom?token={feed_token(leaver)}"
    assert Client().get(address).status_code == 200
    unused = services.invitation_create(space=space, by=leaver)
    used = services.invitation_create(space=space, by=leaver)
    services.invitation_accept(token=used.token, member=UserFactory())

    close(leaver)

    assert Client().get(address).status_code == 404
    assert not FeedToken.objects.filter(member=leaver).exists()
    assert not Invitation.objects.filter(pk=unused.pk).exists()
    assert Invitation.objects.get(pk=used.pk).created_by == leaver  # it let someone in: history
    assert not Notice.objects.filter(member=leaver).exists()
    assert not DigestSent.objects.filter(member=leaver).exists()


def test_the_meeting_notes_name_the_pseudonym_and_their_history_reads(world, leaver, client):
    space, ayse = world["started"], world["ayse"]
    start = (
        (timezone.now() + datetime.timedelta(days=3))
        .astimezone(BERLIN)
        .replace(hour=16, minute=0, second=0, microsecond=0, tzinfo=None)
    )
    [meeting] = services.meeting_schedule(
        space=space, by=leaver, start_local=start, timezone_name="Europe/Berlin", occurrences=1
    )
    notes = services.meeting_notes_create(space=space, webinar_id=meeting.pk, by=ayse, language="en")
    text, named = notes.current_revision.text, str(leaver)  # as the host names them (their name, or username)
    assert f"- {named}\n" in text
    from wiki.services import page_save

    page_save(page=notes, text=text + "\nzeynep-k will bring the banner.\n", author=ayse, base_number=1)

    close(leaver)

    notes = WikiPage.objects.get(pk=notes.pk)
    assert f"- {PSEUDONYM}\n" in notes.text and f"- {named}" not in notes.text
    assert all(f"- {named}" not in revision.text for revision in notes.revisions.all())
    assert "zeynep-k will bring the banner." in notes.text  # what others wrote is theirs
    reader = signed_in(client, ayse)
    assert PSEUDONYM in page_text(reader.get(f"/en/wiki/{notes.slug}/?revision=1"))
    history = reader.get(f"/en/wiki/{notes.slug}/history/")
    assert history.status_code == 200
    diff = page_text(reader.get(f"/en/wiki/{notes.slug}/diff/?from=1&to=2"))
    assert "bring the banner" in diff


def test_after_closing_no_row_of_spaces_holds_the_members_name_or_address(
    world, leaver, django_capture_on_commit_callbacks
):
    username, email = leaver.get_username(), leaver.email
    start = (
        (timezone.now() + datetime.timedelta(days=3))
        .astimezone(BERLIN)
        .replace(hour=16, minute=0, second=0, microsecond=0, tzinfo=None)
    )
    [meeting] = services.meeting_schedule(
        space=world["started"], by=leaver, start_local=start, timezone_name="Europe/Berlin", occurrences=1
    )
    services.meeting_notes_create(space=world["started"], webinar_id=meeting.pk, by=leaver, language="en")
    feed_token(leaver)
    with django_capture_on_commit_callbacks(execute=True):
        close(leaver)
    dump = dumped()
    for personal in (username, email, "Zeynep", "Kayaoğlu"):
        assert personal not in dump, personal


def test_digests_and_notices_run_after_closing_without_mail_to_no_address(
    world, leaver, founder, django_capture_on_commit_callbacks
):
    # A notice to the leaver queued before the closing, mailed after it.
    notice = services._notify(world["full"], leaver, Notice.Kind.PROMOTED)
    close(leaver)
    mail.outbox.clear()
    assert send_notice_mail.delay(notice_id=notice.pk).get() is None  # gone: nothing sent, no error
    with django_capture_on_commit_callbacks(execute=True):
        queued = send_weekly_digests.delay().get()
    assert leaver.pk not in digest_recipients()
    assert digest_send(member_id=leaver.pk) is False
    assert queued >= 1 and all("" not in message.to for message in mail.outbox)
    assert mails_to(world["ayse"])  # her news: the leaver left, and she coordinates


def test_mail_skips_a_member_without_an_address(make_space, founder, django_capture_on_commit_callbacks):
    space = make_space("Platform co-ops", joining=Space.Joining.REQUEST)
    nameless = UserFactory(email="")
    other = UserFactory()
    services.space_join(space=space, member=nameless)
    services.space_join(space=space, member=other)
    services.request_answer(space=space, by=founder, member=nameless, accept=True)
    services.request_answer(space=space, by=founder, member=other, accept=True)
    Notice.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert nameless.pk not in digest_recipients() and other.pk in digest_recipients()
    mail.outbox.clear()

    assert notices_mail_pending() == 3  # the two requests to the founder and the welcome to ``other``

    assert [message.to for message in mail.outbox].count([other.email]) == 1
    assert not Notice.objects.filter(member=nameless, mailed_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests.delay().get() == 2  # the founder and ``other``
    assert all("" not in message.to for message in mail.outbox)
