"""The timebank in the NLU site: what the host adds around it (main navigation, page cache, its 403
page and messages, display names, the index of folded usernames, the whole demo, what a page costs
with the host's own queries) and seminars paying tutors through the hook the host names.

The timebank's own tests (tests/timebank/) run in its bare host too; these need the NLU host.
"""

import datetime
import io
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seminars.models import Webinar
from seminars.services import webinar_end, webinar_settle
from tests.factories import UserFactory
from tests.plans import sqlite_plan
from tests.timebank.conftest import grant, pay
from tests.timebank.pages import parse, text
from tests.timebank.test_demo import audit, snapshot
from tests.timebank.test_queries import costs_with_10_and_10000_transfers
from timebank.forms import MemberField
from timebank.models import Account, Transfer
from timebank.services import account_for, commons_account, exchange_request_create, tutoring_award
from wiki.selectors import member_named

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize(("language", "label"), [("en", "My hours"), ("tr", "Saatlerim")])


def make_account(**fields) -> Account:
    return account_for(UserFactory(**fields))


# --- The host's layout around the timebank's pages ---------------------------------------------------


@BOTH
def test_the_main_navigation_links_a_signed_in_member_to_their_hours(client, language, label):
    client.force_login(account_for(UserFactory(username="ayse")).member)

    page = parse(client.get(f"/{language}/timebank/community/"))

    links = {text(a): a["href"] for a in page.select("nav.main-nav a")}
    assert links[label] == f"/{language}/timebank/"
    current = parse(client.get(f"/{language}/timebank/")).select_one("nav.main-nav a[aria-current=page]")
    assert text(current) == label


def test_the_main_navigation_has_no_hours_link_for_a_visitor(client):
    page = parse(client.get("/en/timebank/community/"))

    assert "My hours" not in [text(a) for a in page.select("nav.main-nav a")]
    assert not page.select("nav.main-nav a[href='/en/timebank/']")


@BOTH
def test_the_timebank_pages_are_in_the_sites_layout_and_language(client, language, label):
    client.force_login(UserFactory())

    for path in ("", "offers/", "community/"):
        page = parse(client.get(f"/{language}/timebank/{path}"))
        assert page.html["lang"] == language
        assert page.select_one(".main-nav")
        assert page.find("link", href="/static/timebank/timebank.css")


def test_the_hosts_403_page_tells_a_member_the_desk_is_for_coordinators(client):
    client.force_login(UserFactory())

    page = parse(client.get("/en/timebank/coordinate/accounts/"), status=403)

    assert "This page is for the timebank's coordinators." in text(page.main)


def test_the_hosts_layout_shows_what_the_timebank_tells_a_member(client):
    ayse, berk = make_account(), make_account()
    grant(ayse, 120)
    client.force_login(ayse.member)
    token = parse(client.get("/en/timebank/give/")).select_one("input[name=form_token]")["value"]

    response = client.post(
        "/en/timebank/give/",
        {"recipient": "member", "member": berk.member.username, "hours": "1", "minutes": "0", "form_token": token},
        follow=True,
    )

    assert f"You gave 1 h to {berk.member.username}." in text(parse(response).select_one(".messages"))


def test_a_members_display_name_names_them_on_the_account_page(client):
    """NLU's user model names a member by display name: the pages read the whole member, whatever it reads."""
    ayse, berk = make_account(), make_account(username="berk", display_name="Berk Yılmaz")
    grant(berk, 120)
    pay(berk, ayse, 30, memo="Leaflet")
    exchange_request_create(creditor_member=berk.member, debtor_member=ayse.member, minutes=60, memo="Minutes")
    exchange_request_create(creditor_member=ayse.member, debtor_member=berk.member, minutes=15, memo="Tea")
    client.force_login(ayse.member)

    page = parse(client.get("/en/timebank/"))

    asked = page.select_one("#to-confirm-heading").find_parent("section")
    waiting = page.select_one("#my-requests-heading").find_parent("section")
    assert "Berk Yılmaz asks you to confirm 1 h" in text(asked)
    assert "You asked Berk Yılmaz to confirm 15 min" in text(waiting)
    assert "Berk Yılmaz" in text(page.select_one("table.statement"))


# --- The host's page cache ---------------------------------------------------------------------------


def test_an_anonymous_community_page_kept_in_the_page_cache_shows_a_new_transfer(
    client, settings, django_capture_on_commit_callbacks
):
    settings.NLU_PAGE_CACHE_SECONDS = 60
    ayse, commons = make_account(), commons_account()  # opened before: only the transfer is written below

    def given_in_all() -> str:
        page = parse(client.get("/en/timebank/community/"))
        return text(page.select_one("dl dd"))

    assert given_in_all() == given_in_all() == "0 min"  # the second from the page cache
    with django_capture_on_commit_callbacks(execute=True):
        pay(commons, ayse, 90, kind="grant")
    assert given_in_all() == "1 h 30 min"


# --- What a page costs, with the host's queries ----------------------------------------------------------

# The timebank's own queries (tests/timebank/test_queries.py) and the host's: the member (the
# session is read from the cache: nlu.settings), the site and its menu pages (the member's
# permissions, for the coordinators' link, are kept: nlu.backends).
HOST_QUERIES = 3


def test_the_account_page_and_the_board_cost_the_same_with_10_and_10000_transfers_in_the_host(client):
    counts = costs_with_10_and_10000_transfers(client)

    assert counts[10] == counts[10_000]
    assert {name: every for name, (every, _own) in counts[10_000].items()} == {
        "account page": 11,
        "account page, last page": 11,
        "board": 4,
        "board, searched": 5,
    }
    assert {every - own for every, own in counts[10_000].values()} == {HOST_QUERIES}


# --- Members named by username: the host's index -------------------------------------------------------


@pytest.mark.parametrize("typed", ["Steward-Ayse", "STEWARD-AYSE", "  steward-Ayse "])
def test_the_timebank_and_the_wiki_find_the_same_member(typed):
    member = UserFactory(username="Steward-Ayse")
    UserFactory(username="steward-ayse-2")

    assert MemberField().clean(typed) == member_named(typed) == member


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL picks the index by the table's size")
@pytest.mark.parametrize("lookup", [MemberField().clean, member_named])
def test_the_lookup_uses_the_index_of_folded_usernames(lookup):
    UserFactory(username="Steward-Ayse")
    with CaptureQueriesContext(connection) as queries:
        lookup("STEWARD-AYSE")
    (query,) = queries.captured_queries
    assert "USING INDEX nlu_user_username_lower" in sqlite_plan(query["sql"])


# --- The whole demo ----------------------------------------------------------------------------------------


def test_a_second_run_of_the_whole_demo_changes_nothing_in_the_timebank(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    first = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())

    assert snapshot() == first
    assert audit() == "ok\n"
    # Only the request still waiting is news: the steward is told of it, once, by the tutor's display name.
    assert [(m.to, m.subject) for m in mail.outbox if "/timebank/" in m.body] == [
        (["steward@example.org"], "Giulia (tutor) sizden 1 sa onaylamanızı istiyor")
    ]


def test_the_whole_demo_gives_each_demo_user_an_account_with_a_history(demo):
    balances = dict(Account.objects.filter(member__isnull=False).values_list("member__username", "balance"))

    assert balances == {"coordinator": 0, "tutor": 180, "steward": 90, "researcher": 120}


# --- Seminars pays tutors through the hook the host names ---------------------------------------------


def webinar_with(tutors, status=Webinar.Status.ENDED) -> Webinar:
    webinar = Webinar.objects.create(
        title="Organising platform workers",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        timezone="Europe/Istanbul",
        duration_minutes=90,
        status=status,
        ended_at=timezone.now() if status == Webinar.Status.ENDED else None,
    )
    webinar.tutors.set(tutors)
    return webinar


def credits(webinar: Webinar) -> list[tuple]:
    awards = Transfer.objects.filter(reference=f"seminars.webinar:{webinar.pk}").order_by("payee__member_id")
    return [(t.payer.system_name, t.payee.member, t.minutes, t.kind, t.memo) for t in awards]


def test_settling_an_ended_session_credits_each_tutor_once_from_the_commons(settings):
    assert "timebank.services.tutoring_award" in settings.SEMINARS_SETTLEMENT_HOOKS
    tutors = UserFactory.create_batch(2)
    webinar = webinar_with(tutors)

    assert webinar_settle(webinar_id=webinar.pk) is True

    expected = [("commons", tutor, 90, "tutoring", "Organising platform workers") for tutor in tutors]
    assert credits(webinar) == expected
    assert [account_for(tutor).balance for tutor in tutors] == [90, 90]
    assert commons_account().balance == -180

    assert webinar_settle(webinar_id=webinar.pk) is False
    tutoring_award(webinar=webinar)  # the hook itself, reached again however: still once per tutor
    assert credits(webinar) == expected
    assert Transfer.objects.count() == 2
    assert commons_account().balance == -180


def test_a_session_ended_by_bbb_is_settled_once_its_end_is_committed(django_capture_on_commit_callbacks):
    tutor = UserFactory()
    webinar = webinar_with([tutor], status=Webinar.Status.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        webinar_end(webinar=webinar)
        assert credits(webinar) == []  # not before the end is committed

    assert credits(webinar) == [("commons", tutor, 90, "tutoring", "Organising platform workers")]


def test_a_tutor_whose_account_refuses_the_credit_is_skipped_when_seminars_settles(caplog):
    full, other = UserFactory.create_batch(2)
    Account.objects.filter(pk=account_for(full).pk).update(max_balance=60)
    webinar = webinar_with([full, other])

    with caplog.at_level(logging.WARNING, logger="timebank.services"):
        webinar_settle(webinar_id=webinar.pk)

    assert credits(webinar) == [("commons", other, 90, "tutoring", "Organising platform workers")]
    assert f"No tutoring credit for user {full.pk} from webinar {webinar.pk}: above_maximum" in caplog.text
