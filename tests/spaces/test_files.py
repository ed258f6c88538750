"""A space's files: members share them, everyone sees who shared what, when and how big; a members-only
space's files reach its members only, by the space's own address and by Wagtail's document address alike."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.documents import get_document_model

from spaces.models import Activity, Space
from tests.factories import UserFactory

from .conftest import BARE_HOST, enrol, page_text, signed_in, translated, upload

pytestmark = pytest.mark.django_db

Document = get_document_model()
CONTENT = b"%PDF-1.4 the strike fund ledger, quarterly\n"
TOO_LARGE = "The file is too large: %(size)s, and a space takes files of at most %(limit)s."
WRONG_TYPE = "Files of this type (%(extension)s) cannot be shared here. Allowed: %(allowed)s."
MEMBERS_ONLY = "Only members of this space can share files in it."


def share(client, space, name="ledger.pdf", content=CONTENT, *, title="", language="en"):
    return client.post(f"/{language}/spaces/{space.slug}/files/", {"file": upload(name, content), "title": title})


def rows(response) -> list[list[str]]:
    """The files table as a reader sees it: title, shared by, date (its datetime), size."""
    html = BeautifulSoup(response.content, "html.parser")
    found = []
    for row in html.select("table.files tbody tr"):
        cells = row.find_all("td")
        if len(cells) == 4:
            date = cells[2].find("time")["datetime"][:10]
            title, by, size = (cells[n].get_text(strip=True) for n in (0, 1, 3))
            found.append([title, by, date, size])
    return found


def stored_names(folder: str = "documents") -> set[str]:
    """Names of the files under the storage's documents folder, at any depth (earlier tests' files too)."""
    from django.core.files.storage import default_storage

    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return set()
    return set(files).union(*(stored_names(f"{folder}/{sub}") for sub in folders))


@pytest.fixture
def space(make_space):
    return make_space("Platform co-ops")


@pytest.fixture
def closed(make_space):
    return make_space("Couriers organising", visibility=Space.Visibility.MEMBERS)


def test_a_member_shares_a_file_listed_with_who_when_and_how_big(client, space):
    member = enrol(space, username="ayse")
    response = share(signed_in(client, member), space, title="Strike fund ledger")
    assert response.status_code == 302 and response["Location"] == f"/en/spaces/{space.slug}/files/"

    today = timezone.now().date().isoformat()
    listed = rows(client.get(response["Location"]))
    assert listed == [["Strike fund ledger", "ayse", today, f"{len(CONTENT)}\xa0bytes"]]
    assert rows(Client().get(f"/en/spaces/{space.slug}/"))[0][:2] == ["Strike fund ledger", "ayse"]  # and on its page
    document = Document.objects.get()
    assert (document.collection_id, document.uploaded_by_user) == (space.collection_id, member)
    assert Activity.objects.filter(space=space, kind=Activity.Kind.FILE, actor=member).count() == 1

    served = Client().get(f"/en/spaces/{space.slug}/files/{document.pk}/{document.filename}")
    assert served.status_code == 200 and b"".join(served.streaming_content) == CONTENT


def test_the_title_defaults_to_the_file_name(client, space, founder):
    share(signed_in(client, founder), space, name="reading-list.md", content=b"# Books\n")
    assert rows(client.get(f"/en/spaces/{space.slug}/files/"))[0][0] == "reading-list"


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_file_too_large_is_refused_with_its_size_and_the_limit(client, space, founder, language):
    before = stored_names()
    with override_settings(SPACES_MAX_FILE_BYTES=20):
        response = share(signed_in(client, founder), space, name="huge-ledger.pdf", language=language)
    assert response.status_code == 413
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    with translation.override(language):
        said = translated(TOO_LARGE, language) % {"size": filesizeformat(len(CONTENT)), "limit": filesizeformat(20)}
    assert " ".join(said.split()) in page_text(response)
    assert not Document.objects.exists() and not Activity.objects.filter(kind=Activity.Kind.FILE).exists()
    assert not {name for name in stored_names() - before if name.startswith("huge-ledger")}


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_forbidden_type_is_refused_naming_what_is_allowed(client, space, founder, language):
    before = stored_names()
    response = share(signed_in(client, founder), space, name="payload.exe", content=b"MZ\x90\x00", language=language)
    assert response.status_code == 415
    allowed = "pdf, odt, ods, odp, docx, xlsx, pptx, txt, md, csv, png, jpg, jpeg"
    said = translated(WRONG_TYPE, language) % {"extension": "exe", "allowed": allowed}
    assert said in page_text(response)
    assert not Document.objects.exists()
    assert not {name for name in stored_names() - before if name.startswith("payload")}


def test_the_allowed_types_come_from_the_settings(client, space, founder):
    with override_settings(SPACES_FILE_EXTENSIONS=("txt",)):
        assert share(signed_in(client, founder), space, name="ledger.pdf").status_code == 415
        assert share(client, space, name="ledger.TXT", content=b"plain").status_code == 302
    assert list(Document.objects.values_list("title", flat=True)) == ["ledger"]


@pytest.mark.parametrize("language", ["en", "tr"])
def test_who_is_not_a_member_cannot_share(client, space, language):
    outsider = UserFactory()
    response = share(signed_in(client, outsider), space, language=language)
    assert response.status_code == 403
    assert translated(MEMBERS_ONLY, language) in page_text(response)
    form_page = page_text(client.get(f"/{language}/spaces/{space.slug}/files/"))
    assert translated("Share a file", language) not in form_page  # no form offered either
    assert share(signed_in(client, None), space).status_code in (302, 403)
    assert not Document.objects.exists()


# --- A members-only space's files ------------------------------------------------------------------


@pytest.fixture
def ledger(closed, founder):
    client = signed_in(Client(), founder)
    assert share(client, closed, title="Zorblax ledger").status_code == 302
    return Document.objects.get()


def test_a_members_only_file_is_served_to_members_only_and_privately(client, closed, ledger):
    member = enrol(closed)
    address = f"/en/spaces/{closed.slug}/files/{ledger.pk}/{ledger.filename}"
    served = signed_in(client, member).get(address)
    assert served.status_code == 200 and b"".join(served.streaming_content) == CONTENT
    assert "private" in served["Cache-Control"]
    assert "Zorblax ledger" in page_text(client.get(f"/en/spaces/{closed.slug}/files/"))

    for user in (None, UserFactory()):
        visitor = signed_in(client, user)
        for url in (address, f"/en/spaces/{closed.slug}/files/", f"/tr/spaces/{closed.slug}/files/"):
            response = visitor.get(url)
            assert response.status_code == 404, (user, url)
            assert b"Zorblax" not in response.content and CONTENT not in response.content
        assert share(visitor, closed, name="sneaked.pdf").status_code == 404
    assert Document.objects.count() == 1


def test_a_public_spaces_file_is_not_private(client, space, founder):
    share(signed_in(client, founder), space)
    document = Document.objects.get()
    response = Client().get(f"/en/spaces/{space.slug}/files/{document.pk}/{document.filename}")
    assert response.status_code == 200 and "private" not in response.get("Cache-Control", "")


def test_a_file_is_served_only_under_its_own_space(client, make_space, closed, ledger):
    """The id of a members-only space's file, asked for under a public space's address, is not found."""
    other = make_space("Open circle")
    response = signed_in(client, UserFactory()).get(f"/en/spaces/{other.slug}/files/{ledger.pk}/{ledger.filename}")
    assert response.status_code == 404


@pytest.mark.skipif(BARE_HOST, reason="the bare host mounts no Wagtail document addresses")
def test_wagtails_document_address_does_not_leak_a_members_only_file(client, closed, ledger):
    address = f"/documents/{ledger.pk}/{ledger.filename}"
    for user in (None, UserFactory()):
        response = signed_in(client, user).get(address)
        assert response.status_code == 404, user
        content = response.content if not response.streaming else b"".join(response.streaming_content)
        assert CONTENT not in content
    member = signed_in(client, enrol(closed))
    response = member.get(address, follow=True)
    assert response.status_code == 200 and b"".join(response.streaming_content) == CONTENT
    assert "private" in response["Cache-Control"]


@pytest.mark.skipif(BARE_HOST, reason="the bare host mounts no Wagtail document addresses")
def test_wagtails_document_address_serves_a_public_spaces_file(client, space, founder):
    share(signed_in(client, founder), space)
    document = Document.objects.get()
    response = Client().get(f"/documents/{document.pk}/{document.filename}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == CONTENT


def test_a_file_is_stored_where_nobody_can_guess_it(client, closed, founder):
    """A web server may serve the media folder to anyone: the stored path must not follow from the file's name."""
    for _ in range(2):
        assert share(signed_in(client, founder), closed, name="ledger.pdf").status_code == 302
    first, second = Document.objects.order_by("pk")
    assert first.filename == second.filename == "ledger.pdf"  # the name a member downloads it by
    folders = {document.file.name.rsplit("/", 2)[-2] for document in (first, second)}
    assert len(folders) == 2 and all(len(folder) >= 32 for folder in folders)
    served = signed_in(client, founder).get(f"/en/spaces/{closed.slug}/files/{second.pk}/ledger.pdf")
    assert served.status_code == 200 and 'filename="ledger.pdf"' in served["Content-Disposition"]
