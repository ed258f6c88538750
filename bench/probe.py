"""The parts of a run that need Django, each in a child process on the working copy.

``python -m bench.probe <step> <output.json>`` with ``bench.settings`` and ``DATABASE_URL`` set
by bench/run. Steps: ``pages`` (URLs, status and SQL queries per page, counted with the test client
as the second of two requests), ``prepare-writes`` (a module to enrol in, signed-in sessions, the
accounts that will pay each other, the members who give hours through the form and those who
receive them, the wiki pages to edit and their editors) and ``check-writes`` (the invariants after
the write load).
"""

import datetime
import io
import json
import math
import sys
from importlib import import_module

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from wiki.conf import app_settings as wiki_settings  # noqa: E402

from .pages import FLOOR, PAGES, Fixtures  # noqa: E402

ENROL_CAPACITY = 100
ENROL_MEMBERS = 1000
TRANSFER_ACCOUNTS = 200
# One client per page (as many as bench/run has write clients), each saving its own page from
# that page's current revision.
WIKI_PAGES = 20
WIKI_SAVES_PER_PAGE = 50
WIKI_SUMMARY = "bench edit"
# The "Give hours" form: one giver per write client, each giving one minute this many times,
# spread evenly over GIFT_PAYEES members; the memo tells these gifts from the demo's.
GIFT_GIVERS = 20
GIFTS_PER_GIVER = 100
GIFT_MINUTES = 1
GIFT_PAYEES = 100
GIFT_MEMO = "bench gift"
# Cookie and header of every write request: Django accepts an unmasked secret in both.
CSRF_SECRET = "benchbenchbenchbenchbenchbench12"
BENCH_MODULE_SLUG = "bench-enrolment"


def count(client: Client, url: str) -> tuple[int, int]:
    client.get(url)  # warms the caches (site root paths, menus), as the measured requests find them
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries)


def pages() -> dict:
    fixtures = Fixtures()
    client = Client()
    results = []
    for page in [FLOOR, *PAGES]:
        try:
            with translation.override("en"):
                url = page.url(fixtures)
        except (NoReverseMatch, LookupError) as error:
            results.append({"page": page.name, "skipped": "not built yet", "why": str(error)})
            continue
        variants = [("anonymous", page.anonymous), ("signed in", page.signed_in)]
        for variant in [name for name, wanted in variants if wanted]:
            if variant == "signed in":
                client.force_login(fixtures.member)
            else:
                client.logout()
            status, queries = count(client, url)
            results.append({"page": page.name, "variant": variant, "url": url, "status": status, "queries": queries})
    return {"member": fixtures.member.username, "pages": results}


def session_for(user) -> str:
    """A signed-in session as the login view makes it, so that N members need not each post a password."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def bench_wiki_pages():
    """The scaled research notes the wiki benchmark edits: the same ones in prepare- and check-writes."""
    from wiki.models import WikiPage

    pages = WikiPage.objects.filter(language="en", slug__startswith="research-note-").order_by("slug")
    return list(pages.select_related("current_revision")[:WIKI_PAGES])


def wiki_editors(members: list, pages: int) -> list[list]:
    """Each page's editors: enough members that none saves more than the per-member limit a minute.

    Each editor saves at most ``WIKI_EDITS_PER_MINUTE`` times in the whole run, so the limit (a
    refusal, 429) cannot be met however fast the server answers.
    """
    per_page = math.ceil(WIKI_SAVES_PER_PAGE / wiki_settings.EDITS_PER_MINUTE)
    return [members[number * per_page : (number + 1) * per_page] for number in range(pages)]


def prepare_writes() -> dict:
    from courses.demo import add_children
    from courses.models import CourseIndexPage, CourseModulePage, CourseUnit
    from timebank.services import account_for

    index = CourseIndexPage.objects.order_by("path").first()
    with translation.override("en"):
        module = CourseModulePage(
            title="Bench enrolment",
            title_en="Bench enrolment",
            title_tr="Bench kaydı",
            slug=BENCH_MODULE_SLUG,
            slug_en=BENCH_MODULE_SLUG,
            slug_tr=BENCH_MODULE_SLUG,
            start_date=timezone.localdate() + datetime.timedelta(days=30),
            capacity=ENROL_CAPACITY,
            delivery_languages="en,tr",
            live=True,
            units=[CourseUnit(week=1, sort_order=1, title="Week 1", title_en="Week 1", title_tr="1. hafta")],
        )
        add_children(index, [module])
        enrol_url = module.url + module.reverse_subpage("enrol")
    members = list(get_user_model().objects.filter(username__regex=r"^member[0-9]{6}$").order_by("username"))
    return {
        "enrol": {
            "url": enrol_url,
            "capacity": ENROL_CAPACITY,
            "sessions": [session_for(member) for member in members[:ENROL_MEMBERS]],
        },
        "transfer": {
            "url": "/bench/transfer",
            "accounts": [account_for(member).pk for member in members[-TRANSFER_ACCOUNTS:]],
        },
        "gift": gift_spec(members[:-TRANSFER_ACCOUNTS]),
        "wiki": wiki_spec(members),
        "csrf": CSRF_SECRET,
    }


def gift_spec(members: list) -> dict:
    """Givers and receivers for the "Give hours" form whose balance limits no run can reach.

    ``members`` leaves out the bench transfers' accounts, so the balances read here are still
    theirs when the gifts are posted. A giver needs room for all its gifts below its balance
    (``min_balance``), a receiver room for its share above it (``max_balance``); members that
    lack it, or cannot be named in the form (inactive), are passed over, so a refusal (409) is an
    error of the server, not of the load.
    """
    from timebank.services import account_for

    given = GIFTS_PER_GIVER * GIFT_MINUTES
    received = math.ceil(GIFT_GIVERS * GIFTS_PER_GIVER / GIFT_PAYEES) * GIFT_MINUTES
    givers, payees = [], []
    for member in members:
        if len(payees) == GIFT_PAYEES:
            break
        account = account_for(member)
        if not member.is_active or account.closed:
            continue
        if len(givers) < GIFT_GIVERS:
            if account.min_balance is None or account.balance - given >= account.min_balance:
                givers.append(member)
        elif account.max_balance is None or account.balance + received <= account.max_balance:
            payees.append(member)
    if len(payees) < GIFT_PAYEES:
        raise RuntimeError(f"only {len(givers)} givers and {len(payees)} receivers with room for the gifts")
    with translation.override("en"):
        url, done = reverse("timebank:gift_new"), reverse("timebank:account")
    return {
        "url": url,
        "location": done,
        "gifts_per_giver": GIFTS_PER_GIVER,
        "minutes": GIFT_MINUTES,
        "memo": GIFT_MEMO,
        "givers": [giver.username for giver in givers],
        "sessions": [session_for(giver) for giver in givers],
        "payees": [payee.username for payee in payees],
    }


def wiki_spec(members: list) -> dict:
    """Each page's edit form as its editor would load it: address, current revision, its text; their sessions."""
    pages = bench_wiki_pages()
    with translation.override("en"):
        forms = [
            {
                "url": reverse("wiki:edit", args=[page.slug]),
                "number": page.current_revision.number,
                "text": page.current_revision.text,
                "sessions": [session_for(editor) for editor in editors],
            }
            for page, editors in zip(pages, wiki_editors(members, len(pages)), strict=True)
        ]
    return {"saves_per_page": WIKI_SAVES_PER_PAGE, "summary": WIKI_SUMMARY, "pages": forms}


def check_writes() -> dict:
    """What must hold after the write load, whatever the timing: capacity, one place each, a sound ledger, ..."""
    from courses.models import CourseModulePage, Enrolment, EnrolmentEvent
    from timebank.models import Transfer

    module = CourseModulePage.objects.get(slug_en=BENCH_MODULE_SLUG)
    enrolments = Enrolment.objects.filter(module=module)
    active = enrolments.filter(status=Enrolment.Status.ACTIVE).count()
    waiting = sorted(enrolments.filter(status=Enrolment.Status.WAITLISTED).values_list("waitlist_number", flat=True))
    members = list(enrolments.values_list("member_id", flat=True))
    gifts = Transfer.objects.filter(kind=Transfer.Kind.GIFT, memo=GIFT_MEMO)
    try:
        call_command("timebank_audit", stdout=io.StringIO())
        audit = "ok"
    except CommandError as error:
        audit = str(error)
    return {
        "enrolments": enrolments.count(),
        "active": active,
        "capacity": module.capacity,
        "capacity respected": active <= module.capacity,
        "waitlist numbered 1..n without gaps": waiting == list(range(1, len(waiting) + 1)),
        "one enrolment per member": len(members) == len(set(members)),
        "one event per enrolment": EnrolmentEvent.objects.filter(enrolment__module=module).count() == len(members),
        "transfers": Transfer.objects.filter(idempotency_key__startswith="bench:").count(),
        "gifts": gifts.count(),
        "gifts paid by the signed-in giver": not gifts.exclude(recorded_by=F("payer__member")).exists(),
        "timebank_audit": audit,
        **check_wiki(),
    }


def check_wiki() -> dict:
    """The saves' revisions counted; each page's history numbered 1..n, its newest revision current."""
    from wiki.models import Revision

    pages = bench_wiki_pages()
    numbers = {page.pk: [] for page in pages}
    for page_id, number in Revision.objects.filter(page__in=pages).order_by("number").values_list("page", "number"):
        numbers[page_id].append(number)
    return {
        "wiki pages": len(pages),
        "wiki revisions": Revision.objects.filter(page__in=pages, summary=WIKI_SUMMARY).count(),
        "wiki revisions numbered 1..n without gaps": all(
            found == list(range(1, len(found) + 1)) for found in numbers.values()
        ),
        "wiki current revision is the newest": all(
            page.current_revision.number == numbers[page.pk][-1] and page.text == page.current_revision.text
            for page in pages
        ),
    }


STEPS = {"pages": pages, "prepare-writes": prepare_writes, "check-writes": check_writes}

if __name__ == "__main__":
    step, output = sys.argv[1], sys.argv[2]
    with open(output, "w") as file:
        json.dump(STEPS[step](), file, indent=2)
