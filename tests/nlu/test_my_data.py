"""The member's data page and "Download my data" (issue 20): every kind the site keeps, listed and
downloaded as a ZIP of JSON and CSV; a large download built by the worker and mailed as a link that
works once, for its member only, for NLU_EXPORT_DAYS days; data.json valid against docs/.
"""

import csv
import datetime
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import UnitCompletion
from nlu.closing import account_close
from nlu.exports import ExportUnavailable, data_export_build, data_export_fetch
from nlu.models import DataExport, OutgoingEmail
from nlu.services import email_queue
from seminars.models import Attendance, Recording
from seminars.services import calendar_feed_get_or_create
from spaces.services import space_join, space_start
from suite.privacy import kinds
from tests.courses.conftest import course_index, make_module  # noqa: F401 (fixtures)
from tests.factories import UserFactory
from tests.nlu.screen import html_lang, messages_shown, text
from tests.seminars.conftest import module_1, people, weekly  # noqa: F401 (fixtures)
from tests.threads import at_once
from timebank.services import account_for, commons_account, exchange_request_create, offer_create, transfer_create
from wiki.services import page_create

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "privacy-export.schema.json"
BOTH = pytest.mark.parametrize("language", ["en", "tr"])
# What issue 20 names for the page and the download, by the kinds' names.
EVERY_APP = {
    "account.profile",
    "account.email_addresses",
    "account.emails",
    "courses.enrolments",
    "courses.progress",
    "seminars.attendance",
    "seminars.recordings",
    "seminars.calendar_feed",
    "timebank.transfers",
    "timebank.offers",
    "timebank.requests",
    "wiki.revisions",
    "spaces.memberships",
}
USED = "This download link has been used already: each link works once. Ask for a new download below."
EXPIRED = "This download link has expired. Ask for a new download below."
NOT_YOURS = "There is no download at this link for you. Check that you are signed in as the member it was sent to."


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path) -> Path:
    settings.NLU_EXPORT_DIR = tmp_path / "exports"
    return settings.NLU_EXPORT_DIR


@pytest.fixture
def large(settings):
    """Every account is large: more rows than this (a profile and an address) go through the worker."""
    settings.NLU_EXPORT_INLINE_ROWS = 1


def in_language(message: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def archive_of(response) -> zipfile.ZipFile:
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return zipfile.ZipFile(io.BytesIO(content))


def download(client, language: str = "en") -> zipfile.ZipFile:
    response = client.post(f"/{language}/profile/data/download/")
    assert response.status_code == 200, response.status_code
    return archive_of(response)


def data_of(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("data.json").decode())


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"), newline="")))


def mailed_link(message) -> str:
    match = re.search(r"https?://\S+/profile/data/\S+/", message.body)
    assert match, f"no link in the mail:\n{message.body}"
    return urlsplit(match.group(0)).path


def ask_large(client, capture_on_commit, language: str = "en"):
    """Ask for a large download, the worker building and mailing it as the request commits."""
    with capture_on_commit(execute=True):
        return client.post(f"/{language}/profile/data/download/")


def stored_exports() -> list[dict]:
    return list(DataExport.objects.order_by("pk").values())


# --- The page ---------------------------------------------------------------------------------


def test_the_page_and_the_download_need_sign_in(client):
    assert client.get("/en/profile/data/")["Location"] == "/en/accounts/login/?next=/en/profile/data/"
    response = client.post("/en/profile/data/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@BOTH
def test_the_page_lists_every_kind_with_why_it_is_kept_and_links_closing(client, language):
    client.force_login(UserFactory(language=language))

    shown = page(client, f"/{language}/profile/data/")

    assert html_lang(shown) == language
    assert kinds(), "no kinds installed"
    listed = [text(term) for term in shown.select("dl.data-kinds dt")]
    reasons = [text(reason) for reason in shown.select("dl.data-kinds dd")]
    with translation.override(language):
        assert listed == [f"{kind.label} {kind.name}.csv" for kind in kinds()]
        assert reasons == [str(kind.purpose) for kind in kinds()]
        close_url = reverse("account_close")
    form = shown.find("form", action=f"/{language}/profile/data/download/")
    assert form["method"] == "post"
    assert text(form.button) == in_language("Download my data", language)
    assert shown.find("a", href=close_url)


def test_the_profile_links_to_the_page(client):
    client.force_login(UserFactory(language="en"))

    assert page(client, "/en/profile/").find("a", href="/en/profile/data/")


def test_a_get_on_the_download_is_refused(client):
    client.force_login(UserFactory(language="en"))

    assert client.get("/en/profile/data/download/").status_code == 405
    assert not DataExport.objects.exists()


def test_the_page_costs_the_same_whatever_the_member_keeps(client):
    member = UserFactory(language="en")
    client.force_login(member)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            page(client, "/en/profile/data/")
        return len(queries)

    cost()
    few = cost()
    for number in range(30):
        email_queue(subject=f"Mail {number}", body="Hello", from_email="site@example.org", to=[member.email])
        EmailAddress.objects.create(user=member, email=f"old{number}@example.org", verified=False, primary=False)
    assert cost() == few


# --- A small account: the ZIP at once ---------------------------------------------------------


def test_a_small_account_gets_its_zip_at_once(client):
    member = UserFactory(
        username="sule", first_name="Şule", last_name="Çağlayan", display_name="Şule Ç.", language="tr"
    )
    email_queue(subject="Hoş geldiniz", body="Merhaba Şule", from_email="site@example.org", to=[member.email])
    email_queue(subject="Not for her", body="x", from_email="site@example.org", to=["xsule@example.org"])
    client.force_login(member)

    archive = download(client, "tr")

    names = [kind.name for kind in kinds()]
    assert archive.namelist() == ["data.json", *[f"{name}.csv" for name in names], "README.txt"]
    data = data_of(archive)
    assert data["format"] == "nlu-personal-data/1"
    assert data["member"] == "sule"
    assert data["site"] == "http://127.0.0.1:8000"
    assert datetime.datetime.fromisoformat(data["created_at"]) <= timezone.now()
    assert list(data["data"]) == names
    [profile] = data["data"]["account.profile"]
    assert (profile["username"], profile["email"], profile["first_name"], profile["display_name"]) == (
        "sule",
        "sule@example.org",
        "Şule",
        "Şule Ç.",
    )
    assert data["data"]["account.email_addresses"] == [{"email": "sule@example.org", "verified": True, "primary": True}]
    assert [(m["subject"], m["body"]) for m in data["data"]["account.emails"]] == [("Hoş geldiniz", "Merhaba Şule")]
    assert not DataExport.objects.exists()
    assert mail.outbox == []


def test_each_csv_has_its_kinds_fields_as_header_and_opens_turkish_right(client):
    member = UserFactory(first_name="Şule", last_name="Çağlayan", language="tr")
    client.force_login(member)

    archive = download(client)

    for kind in kinds():
        raw = archive.read(f"{kind.name}.csv")
        assert raw.startswith("\ufeff".encode()), f"{kind.name}.csv has no byte-order mark"
        assert csv_rows(archive, f"{kind.name}.csv")[0] == list(kind.fields)
    header, row = csv_rows(archive, "account.profile.csv")
    assert dict(zip(header, row, strict=True))["last_name"] == "Çağlayan"


@BOTH
def test_the_readme_says_what_each_file_is_in_the_members_language(client, language):
    client.force_login(UserFactory(language=language))

    readme = download(client, "en").read("README.txt").decode()

    with translation.override(language):
        assert translation.gettext("One CSV file for each kind of data, for spreadsheets (UTF-8 text):") in readme
        for kind in kinds():
            assert f"{kind.name}.csv: {kind.label} (" in readme
    assert "data.json" in readme


# --- Every app, and the schema in docs/ -------------------------------------------------------


@pytest.fixture
def member_in_every_app(people, module_1, weekly):  # noqa: F811 (fixtures)
    """The steward, with rows in every app: enrolled and a unit done, in a recorded session, with a
    calendar feed, transfers, an offer and a request, a wiki page, and a space's member."""
    member = people["enrolled"]
    UnitCompletion.objects.create(member=member, unit=module_1.units.get(week=1))
    now = timezone.now()
    Attendance.objects.create(
        webinar=weekly,
        member=member,
        user_key=str(member.pk),
        full_name=str(member),
        role="VIEWER",
        joined_at=now - datetime.timedelta(minutes=50),
        last_seen_at=now,
        meeting_joined_at=now - datetime.timedelta(minutes=50),
    )
    Recording.objects.create(webinar=weekly, record_id="rec-1", started_at=now - datetime.timedelta(minutes=50))
    calendar_feed_get_or_create(member=member)
    tutor = people["tutor"]
    transfer_create(
        payer=commons_account(), payee=account_for(member), minutes=120, kind="grant", idempotency_key="grant-1"
    )
    transfer_create(
        payer=account_for(member), payee=account_for(tutor), minutes=30, kind="exchange", idempotency_key="pay-1"
    )
    offer_create(author=member, kind="offer", category="other", title="Help with Turkish", language="en")
    exchange_request_create(creditor_member=member, debtor_member=tutor, minutes=15, memo="Translation")
    page_create(title="Strike fund", language="en", text="How the strike fund works.", author=member)
    space = space_start(founder=tutor, name="Stewards of Istanbul")
    space_join(space=space, member=member)
    email_queue(subject="Welcome", body="Hello", from_email="site@example.org", to=[member.email])
    return member


def test_export_of_a_member_with_data_in_every_app_contains_each_kind(client, member_in_every_app):
    client.force_login(member_in_every_app)

    data = data_of(download(client))["data"]

    installed = {kind.name for kind in kinds()}
    assert list(data) == [kind.name for kind in kinds()]
    assert EVERY_APP <= installed, f"not installed: {sorted(EVERY_APP - installed)}"
    empty = sorted(name for name in EVERY_APP if not data[name])
    assert empty == []


def test_the_committed_schema_is_the_commands_and_an_export_validates_against_it(client, member_in_every_app):
    printed = io.StringIO()
    call_command("privacy_schema", stdout=printed)
    regenerate = "python manage.py privacy_schema > docs/privacy-export.schema.json"
    assert SCHEMA.read_text() == printed.getvalue(), f"the committed schema is not the kinds': {regenerate}"
    schema = json.loads(printed.getvalue())
    jsonschema.Draft202012Validator.check_schema(schema)
    client.force_login(member_in_every_app)

    data = data_of(download(client))

    jsonschema.Draft202012Validator(schema).validate(data)
    data["data"]["account.profile"][0]["extra"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


# --- A large account: built by the worker, mailed, fetched once --------------------------------


@BOTH
def test_a_large_account_is_prepared_and_its_mailed_link_works_once(
    client, large, export_dir, django_capture_on_commit_callbacks, language
):
    member = UserFactory(username="ayse", language=language)
    client.force_login(member)

    response = ask_large(client, django_capture_on_commit_callbacks, language)

    assert response["Location"] == f"/{language}/profile/data/"
    told = messages_shown(page(client, response["Location"]))
    with translation.override(language):
        expected = translation.ngettext(
            "Your data is too much to put together at once: we are preparing your download and will "
            "e-mail a link to %(email)s. The link works once, for %(days)d day.",
            "Your data is too much to put together at once: we are preparing your download and will "
            "e-mail a link to %(email)s. The link works once, for %(days)d days.",
            7,
        ) % {"email": "ayse@example.org", "days": 7}
    assert told == [expected]
    [message] = mail.outbox
    assert message.to == ["ayse@example.org"]
    assert message.subject == in_language("Your data is ready to download", language)
    link = mailed_link(message)
    assert link.startswith(f"/{language}/profile/data/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    [export] = DataExport.objects.all()
    assert export.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert export.expires_at - export.ready_at == datetime.timedelta(days=7)
    assert not OutgoingEmail.objects.filter(body__contains=token).exists()  # the link is in no table
    assert [path.name for path in export_dir.iterdir()] == [export.file_name]

    fetched = client.get(link)

    assert fetched.status_code == 200
    assert data_of(archive_of(fetched))["member"] == "ayse"
    assert list(export_dir.iterdir()) == []
    export.refresh_from_db()
    assert export.used_at is not None
    before = stored_exports()

    again = page(client, link, status=410)

    assert html_lang(again) == language
    assert text(again.select_one("[role=alert]")) == in_language(USED, language)
    assert again.find("form", action=f"/{language}/profile/data/download/")
    assert stored_exports() == before


def test_a_download_being_prepared_is_said_and_asked_once(client, large, django_capture_on_commit_callbacks):
    member = UserFactory(language="en")
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=False):
        client.post("/en/profile/data/download/")
    shown = page(client, "/en/profile/data/")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post("/en/profile/data/download/")

    assert text(shown.select_one("[role=status].note")) == (
        "We are preparing your download and will e-mail you a link when it is ready."
    )
    assert not shown.find("form", action="/en/profile/data/download/")
    assert DataExport.objects.count() == 1
    assert queued == []
    assert mail.outbox == []


@BOTH
def test_an_expired_link_is_gone_and_nothing_changes(
    client, large, export_dir, django_capture_on_commit_callbacks, language
):
    member = UserFactory(language=language)
    client.force_login(member)
    ask_large(client, django_capture_on_commit_callbacks, language)
    link = mailed_link(mail.outbox[0])
    DataExport.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    before, files = stored_exports(), list(export_dir.iterdir())

    shown = page(client, link, status=410)

    assert html_lang(shown) == language
    assert text(shown.select_one("[role=alert]")) == in_language(EXPIRED, language)
    assert stored_exports() == before
    assert list(export_dir.iterdir()) == files


@BOTH
def test_another_members_link_is_not_found_and_stays_usable(
    client, large, django_capture_on_commit_callbacks, language
):
    owner = UserFactory(language=language)
    client.force_login(owner)
    ask_large(client, django_capture_on_commit_callbacks, language)
    link = mailed_link(mail.outbox[0])
    before = stored_exports()
    client.force_login(UserFactory(language=language))

    shown = page(client, link, status=404)

    assert html_lang(shown) == language
    assert text(shown.select_one("[role=alert]")) == in_language(NOT_YOURS, language)
    assert stored_exports() == before
    client.logout()
    assert client.get(link)["Location"].startswith(f"/{language}/accounts/login/?next=")
    client.force_login(owner)
    assert client.get(link).status_code == 200


def test_an_unknown_link_is_not_found(client):
    client.force_login(UserFactory(language="en"))

    shown = page(client, "/en/profile/data/not-a-token/", status=404)

    assert text(shown.select_one("[role=alert]")) == NOT_YOURS


def test_a_member_closed_before_the_build_is_not_mailed(client, large, django_capture_on_commit_callbacks, export_dir):
    member = UserFactory(language="en")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post("/en/profile/data/download/")
    type(member).objects.filter(pk=member.pk).update(email="")

    for callback in queued:
        callback()

    assert mail.outbox == []
    assert not DataExport.objects.exists()
    assert not export_dir.exists() or list(export_dir.iterdir()) == []


class MailServerDown:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_down_leaves_the_download_for_the_retry(
    client, large, settings, export_dir, django_capture_on_commit_callbacks
):
    member = UserFactory(language="en")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/en/profile/data/download/")
    [export] = DataExport.objects.all()
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"

    with pytest.raises(OSError):
        data_export_build(export_id=export.pk)

    assert stored_exports()[0]["ready_at"] is None
    assert list(export_dir.iterdir()) == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert data_export_build(export_id=export.pk) is True
    assert data_export_build(export_id=export.pk) is False  # a task delivered twice mails once
    assert len(mail.outbox) == 1
    assert client.get(mailed_link(mail.outbox[0])).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_closing_the_account_deletes_its_downloads(client, large, export_dir):
    member = UserFactory(language="en")
    client.force_login(member)
    client.post("/en/profile/data/download/")  # committed: the worker builds and mails it
    assert len(mail.outbox) == 1
    assert len(list(export_dir.iterdir())) == 1

    account_close(member=member)

    assert not DataExport.objects.exists()
    assert list(export_dir.iterdir()) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_fetches_at_once_give_one_file(client, large, django_capture_on_commit_callbacks):
    member = UserFactory(language="en")
    client.force_login(member)
    ask_large(client, django_capture_on_commit_callbacks)
    token = mailed_link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]

    def fetch(_):
        try:
            with data_export_fetch(member=member, token=token) as file:
                return zipfile.ZipFile(io.BytesIO(file.read())).namelist()[0]
        except ExportUnavailable as unavailable:
            return unavailable.status

    results = at_once(fetch, range(4))

    assert sorted(results, key=str) == [410, 410, 410, "data.json"]
