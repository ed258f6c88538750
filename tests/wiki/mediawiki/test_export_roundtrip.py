"""Our MediaWiki export, imported into a real MediaWiki (tests/mediawiki_peer.py): does it take it whole?

Pages are written here through the page services with several revisions and people (headings,
lists, a table, links, a footnote, Turkish text), exported by the command or downloaded from the
page's address, then imported there by ``importDump.php`` and by ``Special:Import`` through the
Action API (``action=import`` with an uploaded file, as a sysop signed in with their password:
bot passwords are not granted imports). MediaWiki's own API then says what it holds: every
revision in order, with its text (our Markdown as ``to_wikitext`` writes it), its sha1 as
MediaWiki computes it, date, summary and author (names unknown there carry an import prefix).

The peer is shared by the session: every title here ends with this module's own suffix.
"""

import hashlib
import secrets
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from wiki.mediawiki.wikitext import to_wikitext
from wiki.models import Revision, WikiPage
from wiki.services import page_create, page_save

pytestmark = pytest.mark.django_db

SUFFIX = secrets.token_hex(3)

EDUCATION = [
    "# Worker education\n\nThe education of workers by their **own** organisations, in *their* time.\n",
    """\
# Worker education

The education of workers by their **own** organisations, in *their* time.

## Courses

* Reading and writing
* Economics
    * Labour economics

1. Enrol
2. Attend

See [[Labour history {suffix}]], [[Labour history {suffix}|the history]] and [the archive](https://example.org/archive).
""",
    """\
# Worker education

The education of workers by their **own** organisations, in *their* time.[^first]

## Courses

* Reading and writing
* Economics
    * Labour economics

1. Enrol
2. Attend

| Course | Year |
|---|---|
| Reading and writing | 1900 |
| Economics | 1905 |

See [[Labour history {suffix}]], [[Labour history {suffix}|the history]] and [the archive](https://example.org/archive).

[^first]: The first classes met in the evenings, after the shift.
""",
]

HISTORY = [
    '# Labour history\n\nIt studies working people & their unions: <strikes>, "funds" and ]]> minutes.\n',
    '# Labour history\n\nIt studies working people & their unions: <strikes>, "funds" and ]]> minutes.\n\n'
    "* Union minutes\n* Newspapers\n",
]

SENDIKA = [
    "# Sendika eğitimi\n\nİşçilerin kendi örgütleri tarafından verilen eğitimdir.\n",
    "# Sendika eğitimi\n\nİşçilerin kendi örgütleri tarafından verilen eğitimdir.\n\n"
    "## Dersler\n\n* Okuma ve yazma\n* Çalışma ekonomisi\n* Güvenli iş, sağlıklı işçi: öğüt ve şikâyetler\n",
]


def write(title: str, texts: list[str], authors: list, *, language: str = "en") -> WikiPage:
    """A page with one revision per text, by each author in turn, with a summary each."""
    texts = [text.format(suffix=SUFFIX) for text in texts]
    page = page_create(title=title, language=language, text=texts[0], summary="Start", author=authors[0])
    for number, text in enumerate(texts[1:], start=2):
        page_save(
            page=page,
            text=text,
            summary=f"Edit {number} <&>",
            author=authors[(number - 1) % len(authors)],
            base_number=number - 1,
        )
    page.refresh_from_db()
    return page


def check_imported(mediawiki, page: WikiPage, *, prefix: str = "imported", by: str = "") -> list[dict]:
    """What MediaWiki holds of ``page`` is every revision of ours, in order, as we wrote it.

    Authors unknown there are named with the import's ``prefix`` (as they are: MediaWiki does not
    capitalise the name after it). ``by``: the importer's name, when the import added its own
    null revision (Special:Import does, to log the import in the page's history).
    """
    ours = list(Revision.objects.filter(page=page).select_related("author").order_by("number"))
    theirs = mediawiki.revisions(page.title)
    if by:
        logged = theirs.pop()
        assert (logged["user"], logged["content"]) == (by, to_wikitext(page.text)), logged
    assert len(theirs) == len(ours), page.title
    wikitexts = [to_wikitext(revision.text) for revision in ours]
    assert theirs[-1]["content"] == to_wikitext(page.text)
    assert [revision["content"] for revision in theirs] == wikitexts
    # The sha1 MediaWiki computed itself from the text it stored.
    assert [revision["sha1"] for revision in theirs] == [hashlib.sha1(text.encode()).hexdigest() for text in wikitexts]
    assert [revision["timestamp"] for revision in theirs] == [
        revision.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") for revision in ours
    ]
    assert [revision["comment"] for revision in theirs] == [revision.summary for revision in ours]
    assert [revision["user"] for revision in theirs] == [f"{prefix}>{revision.author}" for revision in ours]
    assert [revision["parentid"] for revision in theirs] == [0] + [revision["revid"] for revision in theirs[:-1]]
    return theirs


@pytest.fixture
def people(db):
    return UserFactory(username="rosa.worker", language="en"), UserFactory(username="ayse_yilmaz", language="tr")


def test_importdump_takes_our_export_with_every_revision(mediawiki, people, tmp_path):
    rosa, ayse = people
    education = write(f"Worker education {SUFFIX}", EDUCATION, [rosa, ayse])
    history = write(f"Labour history {SUFFIX}", HISTORY, [ayse, rosa])
    sendika = write(f"Sendika eğitimi {SUFFIX}", SENDIKA, [ayse], language="tr")
    english, turkish = tmp_path / "en.xml", tmp_path / "tr.xml"
    call_command("wiki_export_mediawiki", education.slug, history.slug, "-o", str(english))
    call_command("wiki_export_mediawiki", sendika.slug, "--language", "tr", "-o", str(turkish))

    output = mediawiki.import_dump(english) + mediawiki.import_dump(turkish)

    assert b"Done!" in output, output
    for page in (education, history, sendika):
        check_imported(mediawiki, page)
    table = mediawiki.revisions(education.title)[-1]["content"]
    assert "Reading and writing" in table and "1905" in table and "after the shift" in table

    # The same file again adds nothing: MediaWiki knows each revision by its timestamp and sha1,
    # which it finds equal to the sha1 it computes.
    mediawiki.import_dump(english)
    assert len(mediawiki.revisions(education.title)) == 3
    assert len(mediawiki.revisions(history.title)) == 2


def sysop_session(mediawiki) -> requests.Session:
    """The admin signed in with their own password (clientlogin): a sysop holds ``importupload``."""
    session = requests.Session()

    def call(params: dict, **kwargs) -> dict:
        answer = session.post(mediawiki.api_url, data={**params, "format": "json", "formatversion": "2"}, **kwargs)
        answer.raise_for_status()
        data = answer.json()
        assert "error" not in data, data
        return data

    token = call({"action": "query", "meta": "tokens", "type": "login"}, timeout=60)["query"]["tokens"]["logintoken"]
    login = call(
        {
            "action": "clientlogin",
            "username": "Admin",
            "password": mediawiki.admin_password,
            "logintoken": token,
            "loginreturnurl": mediawiki.url,
        },
        timeout=60,
    )
    assert login["clientlogin"]["status"] == "PASS", login
    session.call = call
    return session


def test_special_import_takes_the_export_downloaded_from_the_page(mediawiki, people, tmp_path):
    rosa, ayse = people
    page = write(f"Organising online {SUFFIX}", EDUCATION, [ayse, rosa])
    with translation.override("en"):
        address = reverse("wiki:export_mediawiki", args=[page.slug])
    response = Client().get(address)
    assert response.status_code == 200
    downloaded = b"".join(response.streaming_content)
    session = sysop_session(mediawiki)
    token = session.call({"action": "query", "meta": "tokens"}, timeout=60)["query"]["tokens"]["csrftoken"]

    answer = session.call(
        {"action": "import", "interwikiprefix": "nlu", "summary": "From the NLU wiki", "token": token},
        files={"xml": (f"{page.slug}.xml", downloaded, "application/xml")},
        timeout=120,
    )

    assert answer["import"] == [{"ns": 0, "title": page.title, "revisions": 3}]
    check_imported(mediawiki, page, prefix="nlu", by="Admin")

    again = session.call(
        {"action": "import", "interwikiprefix": "nlu", "token": token},
        files={"xml": (f"{page.slug}.xml", downloaded, "application/xml")},
        timeout=120,
    )
    assert again["import"] == [{"ns": 0, "title": page.title, "revisions": 0}]
    assert len(mediawiki.revisions(page.title)) == 4  # ours and the import's own, nothing more


def test_the_export_file_is_what_importdump_reads_from_a_path(mediawiki, people, tmp_path):
    """The view's download, saved as a file, imports as the command's does (the same bytes)."""
    rosa, _ayse = people
    page = write(f"Strike funds {SUFFIX}", HISTORY, [rosa])
    with translation.override("en"):
        downloaded = b"".join(Client().get(reverse("wiki:export_mediawiki", args=[page.slug])).streaming_content)
    written = tmp_path / "command.xml"
    call_command("wiki_export_mediawiki", page.slug, "-o", str(written))
    assert downloaded == written.read_bytes()
    path = Path(tmp_path / "downloaded.xml")
    path.write_bytes(downloaded)

    mediawiki.import_dump(path)

    check_imported(mediawiki, page)
