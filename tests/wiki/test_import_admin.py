"""MediaWiki imports in the Wagtail admin: staff upload an export file, a worker imports it, its page reports.

Everything goes through the test client and the real database; the files are real exports written
by MediaWiki 1.39 (tests/wiki/mediawiki/files/). Celery runs tasks eagerly in both hosts, so the
task the upload queues on commit runs when ``django_capture_on_commit_callbacks(execute=True)``
lets the commit callbacks run. Imports only the wiki and the suite: it runs in the bare wiki host too.
"""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from tests.threads import at_once
from wiki import tasks
from wiki.mediawiki.importer import import_dump
from wiki.models import MediaWikiImport, RemoteAuthor, RemoteWiki, Revision, WikiPage
from wiki.scopes import Scope, Scopes
from wiki.tasks import import_mediawiki_file

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "mediawiki" / "files"
IMPORTS = "/admin/wiki_mediawiki_imports/"
UPLOAD = IMPORTS + "new/"
AUTHORS = "/admin/wiki_remote_authors/"
CHOOSER = "/admin/wiki_member_chooser/"


def granted(user, *names: str):
    """``user`` with the named permissions ("app_label.codename"), fetched afresh (permissions are cached)."""
    for name in names:
        app_label, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label=app_label))
    return type(user).objects.get(pk=user.pk)


def text_of(response) -> str:
    """What a reader sees on the page: its text, whitespace folded."""
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def dump(name: str = "dump-full-0.11.xml", *, content: bytes | None = None) -> SimpleUploadedFile:
    data = (FILES / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, data, content_type="application/xml")


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads go to a folder of the test's own, so what is stored (or left) can be seen."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff(db):
    """Site staff who may import: the admin and ``wiki.add_mediawikiimport``, no superuser."""
    user = UserFactory(username="steward", is_staff=True, language="en")
    return granted(user, "wagtailadmin.access_admin", "wiki.add_mediawikiimport")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def upload(staff_client, django_capture_on_commit_callbacks):
    """Upload a file as staff and let the queued task run; the response after the redirect."""

    def send(file=None, *, run: bool = True, **fields):
        data = {"file": file or dump(), "language": "en", **fields}
        with django_capture_on_commit_callbacks(execute=run):
            response = staff_client.post(UPLOAD, data)
        if response.status_code != 302:
            return response
        return staff_client.get(response["Location"])

    return send


def test_staff_upload_a_dump_and_its_page_shows_the_report(upload, staff):
    page = upload()

    assert page.status_code == 200
    shown = text_of(page)
    assert "Done" in shown
    assert "dump-full-0.11.xml" in shown
    assert "Pages: 5 added, 0 updated, 0 already up to date. Revisions added: 10." in shown
    assert "namespace “Talk”" in shown and "namespace “User”" in shown  # skipped, and said so
    job = MediaWikiImport.objects.get()
    assert (job.status, job.started_by, job.language) == (MediaWikiImport.Status.DONE, staff, "en")
    assert job.revisions_added > 0 and job.bytes_read == job.size == (FILES / "dump-full-0.11.xml").stat().st_size
    # The pages are in the wiki, with their history.
    education = WikiPage.objects.get(title="Worker education", language="en")
    assert education.revisions.count() == 4
    assert "Worker education" in text_of(page.client.get(f"/en/wiki/{education.slug}/"))


def test_the_upload_is_stored_under_a_name_no_one_can_guess_and_deleted_after_the_import(
    upload, media, django_capture_on_commit_callbacks
):
    page = upload(run=False)

    job = MediaWikiImport.objects.get()
    assert job.status == MediaWikiImport.Status.QUEUED
    (stored,) = stored_files(media)
    assert stored.relative_to(media).parts[0] == "wiki-imports"
    assert "dump" not in stored.name and len(stored.stem) >= 24
    assert job.file_name == "dump-full-0.11.xml"
    assert "Waiting to start" in text_of(page)

    import_mediawiki_file(import_id=job.pk)

    job.refresh_from_db()
    assert job.status == MediaWikiImport.Status.DONE
    assert not job.file
    assert stored_files(media) == []


def test_a_running_import_shows_its_progress_and_refreshes_itself(staff_client, staff):
    job = MediaWikiImport.objects.create(
        file_name="big.xml",
        size=1000,
        bytes_read=250,
        revisions_added=12,
        language="en",
        started_by=staff,
        status=MediaWikiImport.Status.RUNNING,
    )

    response = staff_client.get(f"{IMPORTS}{job.pk}/")

    html = BeautifulSoup(response.content, "html.parser")
    refresh = html.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None and refresh["content"] == "3"
    progress = html.find("progress")
    assert (progress["value"], progress["max"]) == ("250", "1000")
    shown = text_of(response)
    assert "Importing" in shown and "25% read" in shown and "12 revisions added" in shown

    job.status = MediaWikiImport.Status.DONE
    job.save()
    done = BeautifulSoup(staff_client.get(f"{IMPORTS}{job.pk}/").content, "html.parser")
    assert done.find("meta", attrs={"http-equiv": "refresh"}) is None


def test_a_file_that_is_not_xml_is_refused_at_upload(upload, media):
    response = upload(SimpleUploadedFile("notes.xml", b"Just some notes, not a MediaWiki export.\n"))

    assert response.status_code == 200
    assert "This is not an XML file." in text_of(response)
    assert MediaWikiImport.objects.count() == 0 and stored_files(media) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"  \n\n", "The file is empty."),
        (b"\x1f\x8b\x08\x00compressed", "The file is compressed"),
    ],
)
def test_an_empty_or_compressed_file_is_refused_at_upload(upload, media, content, message):
    response = upload(SimpleUploadedFile("dump.xml", content))

    assert message in text_of(response)
    assert MediaWikiImport.objects.count() == 0 and stored_files(media) == []


def test_a_broken_file_ends_as_stopped_with_what_was_imported(upload, media):
    whole = (FILES / "dump-full-0.11.xml").read_bytes()
    cut = whole[: whole.index(b"<title>Old name</title>")]  # Worker education and Labour history are whole

    page = upload(dump(content=cut))

    shown = text_of(page)
    assert "Stopped" in shown and "The import stopped:" in shown
    assert MediaWikiImport.objects.get().status == MediaWikiImport.Status.FAILED
    assert WikiPage.objects.filter(title="Labour history").exists()
    assert stored_files(media) == []


def test_an_unexpected_error_stops_the_import_and_says_so(upload, media, monkeypatch, caplog):
    def broken(file, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "import_dump", broken)

    shown = text_of(upload())

    assert "Stopped" in shown and "The import stopped unexpectedly" in shown
    assert "disk on fire" not in shown  # for the log, not the page
    assert "disk on fire" in caplog.text
    assert stored_files(media) == []


def test_a_task_delivered_again_does_nothing(upload, staff, media):
    upload()
    job = MediaWikiImport.objects.get()
    revisions, finished, report = Revision.objects.count(), job.finished_at, job.report

    import_mediawiki_file(import_id=job.pk)  # the broker delivers it a second time

    job.refresh_from_db()
    assert (job.finished_at, job.report, Revision.objects.count()) == (finished, report, revisions)

    # While a first worker runs it, a second one leaves it alone (and its file).
    running = MediaWikiImport(file_name="again.xml", size=10, language="en", started_by=staff)
    running.file.save("again.xml", ContentFile(b"<mediawiki/>"), save=False)
    running.status = MediaWikiImport.Status.RUNNING
    running.save()
    import_mediawiki_file(import_id=running.pk)
    running.refresh_from_db()
    assert running.status == MediaWikiImport.Status.RUNNING and running.file and running.report == ""


# serialized_rollback: a transactional test after one with it (test_concurrency) finds the content
# types flushed; restoring them, as that one does, keeps the search index's rows valid.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_deliveries_at_once_import_once(monkeypatch, media):
    job = MediaWikiImport(file_name="dump-full-0.11.xml", size=1, language="en")
    job.file.save("at-once.xml", ContentFile((FILES / "dump-full-0.11.xml").read_bytes()), save=False)
    job.save()
    calls = []

    def counted(file, **kwargs):
        calls.append(file)
        return import_dump(file, **kwargs)

    monkeypatch.setattr(tasks, "import_dump", counted)

    outcomes = at_once(lambda _: import_mediawiki_file(import_id=job.pk), [1, 2])

    assert outcomes == [None, None] and len(calls) == 1
    job.refresh_from_db()
    assert job.status == MediaWikiImport.Status.DONE and "Not imported" not in job.report
    assert WikiPage.objects.filter(title="Worker education").count() == 1


def test_who_may_not_import_gets_no_form_and_stores_nothing(client, media, django_capture_on_commit_callbacks):
    editor = granted(UserFactory(is_staff=True), "wagtailadmin.access_admin")  # the admin, not imports
    member = UserFactory()

    for user in (editor, member):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(UPLOAD, {"file": dump(), "language": "en"})
        assert response.status_code in (302, 403)
        for url in (IMPORTS, UPLOAD):
            assert client.get(url).status_code in (302, 403)

    assert MediaWikiImport.objects.count() == 0 and stored_files(media) == []
    assert not WikiPage.objects.exists()
    client.force_login(editor)
    assert IMPORTS not in client.get("/admin/").content.decode()  # no menu item either


def test_the_list_shows_past_imports_newest_first_with_who_started_them(staff_client, staff):
    other = UserFactory(username="rosa")
    for number in range(25):
        MediaWikiImport.objects.create(
            file_name=f"export-{number:02}.xml", language="en", started_by=staff if number % 2 else other
        )

    def rows(response) -> list[str]:
        html = BeautifulSoup(response.content, "html.parser")
        return [" ".join(row.get_text(" ").split()) for row in html.select("tbody tr")]

    first, second = rows(staff_client.get(IMPORTS)), rows(staff_client.get(IMPORTS, {"p": 2}))

    assert len(first) == 20 and len(second) == 5
    assert first[0].startswith("export-24.xml") and "rosa" in first[0]
    assert first[1].startswith("export-23.xml") and "steward" in first[1]
    assert second[-1].startswith("export-00.xml")
    assert IMPORTS in staff_client.get("/admin/").content.decode()  # the menu leads here


# --- Groups ------------------------------------------------------------------------------------------


class GroupScopes(Scopes):
    """Django's auth groups as the wiki's groups, named by their name."""

    def describe(self, keys):
        names = Group.objects.filter(name__in=[key.removeprefix("group:") for key in keys])
        return {f"group:{name}": self._scope(name) for name in names.values_list("name", flat=True)}

    def named(self, name):
        return self._scope(name) if Group.objects.filter(name=name).exists() else None

    @staticmethod
    def _scope(name: str) -> Scope:
        return Scope(key=f"group:{name}", label=f"Group {name}", url=f"/groups/{name}/", private=True)


GROUPS = GroupScopes()


def test_pages_are_imported_into_the_group_named_and_an_unknown_group_is_refused(upload, settings, media):
    settings.WIKI_SCOPES = "tests.wiki.test_import_admin.GROUPS"
    Group.objects.create(name="couriers")

    refused = upload(group="nobody")

    assert "There is no group named “nobody”." in text_of(refused)
    assert MediaWikiImport.objects.count() == 0 and stored_files(media) == []

    page = upload(group="couriers")

    assert "Group couriers" in text_of(page)
    education = WikiPage.objects.get(title="Worker education")
    assert (education.scope, education.private) == ("group:couriers", True)


# --- Remote authors ----------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True, language="en")


def test_a_name_mapped_in_the_admin_credits_the_next_import_to_the_local_account(
    client, superuser, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):  # the peer's pages, but not its Main Page
        client.post(UPLOAD, {"file": dump("special-export-0.11.xml"), "language": "en"})
    peer = RemoteWiki.objects.get()
    local = UserFactory(username="kemal", email="kemal@example.org")

    form = client.get(AUTHORS + "new/")
    html = BeautifulSoup(form.content, "html.parser")
    assert html.find("select", attrs={"name": "user"}) is None  # no list of every member
    assert "revisions imported after it is made" in text_of(form)
    chooser = client.get(CHOOSER + "results/", {"q": "kema"})
    assert "kemal" in chooser.content.decode() and "admin" not in text_of(chooser)
    created = client.post(AUTHORS + "new/", {"wiki": peer.pk, "name": "MediaWiki default", "user": local.pk})
    assert created.status_code == 302
    assert RemoteAuthor.objects.filter(wiki=peer, name="MediaWiki default", user=local).exists()
    assert "MediaWiki default" in text_of(client.get(AUTHORS))

    with django_capture_on_commit_callbacks(execute=True):  # the whole history: Main Page is new
        client.post(UPLOAD, {"file": dump(), "language": "en"})

    main_page = WikiPage.objects.get(title="Main Page")
    history = text_of(client.get(f"/en/wiki/{main_page.slug}/history/"))
    assert "kemal" in history and "MediaWiki default" not in history
    # Revisions imported before the mapping keep their remote names.
    education = WikiPage.objects.get(title="Worker education")
    assert "Rosa Worker on" in text_of(client.get(f"/en/wiki/{education.slug}/history/"))


def test_remote_authors_and_the_account_chooser_need_the_mapping_permissions(client):
    editor = granted(UserFactory(is_staff=True), "wagtailadmin.access_admin")
    client.force_login(editor)

    for url in (AUTHORS, AUTHORS + "new/", CHOOSER, CHOOSER + "results/"):
        assert client.get(url).status_code in (302, 403), url

    mapper = granted(editor, "wiki.add_remoteauthor")
    client.force_login(mapper)
    assert client.get(AUTHORS + "new/").status_code == 200
    assert client.get(CHOOSER + "results/").status_code == 200
