"""Importing MediaWiki export files: every revision as it was, idempotent, and nothing hostile let in.

The files are real: tests/wiki/mediawiki/files/ was written by MediaWiki 1.39 (make_files.py).
Broken and hostile files are made from them by changing the one thing each test is about.
"""

import datetime
import io
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.factories import UserFactory
from wiki.mediawiki.importer import import_dump
from wiki.models import RemoteAuthor, RemotePage, RemoteWiki, Revision, WikiPage

FILES = Path(__file__).parent / "files"
SPECIAL_EXPORT = FILES / "special-export-0.11.xml"
DUMP_011 = FILES / "dump-full-0.11.xml"
DUMP_010 = FILES / "dump-full-0.10.xml"

# What the files hold in the main namespace: title → its revision ids there, oldest first.
MAIN_PAGES = {
    "Worker education": [2, 4, 5, 6],
    "Labour history": [3, 7],
    "Old name": [8],
    "Sendika eğitimi": [11, 12],
}


def file_revisions(path: Path) -> dict[str, list[tuple]]:
    """Title → (id, timestamp, comment, minor) of each revision, read from the file by another parser."""
    ns = {
        "mw": "http://www.mediawiki.org/xml/export-0.11/"
        if "0.11" in path.name
        else "http://www.mediawiki.org/xml/export-0.10/"
    }
    pages = {}
    for page in ElementTree.parse(path).getroot().iterfind("mw:page", ns):
        pages[page.findtext("mw:title", namespaces=ns)] = [
            (
                int(revision.findtext("mw:id", namespaces=ns)),
                datetime.datetime.fromisoformat(revision.findtext("mw:timestamp", namespaces=ns)),
                revision.findtext("mw:comment", default="", namespaces=ns),
                revision.find("mw:minor", ns) is not None,
            )
            for revision in page.iterfind("mw:revision", ns)
        ]
    return pages


def run_import(data: bytes, **options):
    options.setdefault("language", "en")
    return import_dump(io.BytesIO(data), **options)


def page(title: str) -> WikiPage:
    return WikiPage.objects.get(remote__title=title)


def remote_ids(title: str) -> list[int]:
    return list(page(title).revisions.order_by("number").values_list("remote_id", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("path", [SPECIAL_EXPORT, DUMP_011, DUMP_010], ids=lambda path: path.name)
def test_every_revision_of_the_main_namespace_is_imported_with_its_date_summary_and_author(path):
    report = run_import(path.read_bytes())

    in_file = file_revisions(path)
    for title, ids in MAIN_PAGES.items():
        imported = page(title).revisions.order_by("number")
        assert [(r.remote_id, r.created_at, r.summary, r.minor) for r in imported] == in_file[title]
        assert [r.remote_id for r in imported] == ids
    education = page("Worker education")
    revisions = list(education.revisions.order_by("number"))
    assert [revision.number for revision in revisions] == [1, 2, 3, 4]
    assert education.created_at == revisions[0].created_at
    assert [revision.minor for revision in revisions] == [False, False, False, True]
    # Nobody here is made up: the names stay the remote wiki's, an IP as an IP, a hidden one hidden.
    assert [(r.author, r.remote_author_kind, r.remote_author) for r in revisions] == [
        (None, "user", "Admin"),
        (None, "user", "Rosa Worker"),
        (None, "hidden", ""),
        (None, "user", "Admin"),
    ]
    history = page("Labour history").revisions.order_by("number")
    assert [(r.remote_author_kind, r.remote_author) for r in history] == [("user", "Rosa Worker"), ("ip", "127.0.0.1")]
    assert education.current_revision.number == 4
    assert report.revisions_added == sum(map(len, MAIN_PAGES.values())) + (1 if path != SPECIAL_EXPORT else 0)
    assert report.skipped_namespaces == {"Talk": 1, "User": 1}
    assert not WikiPage.objects.filter(title__startswith="Talk:").exists()
    assert RemoteWiki.objects.get().name == "NLU Peer"


@pytest.mark.django_db
def test_the_wikitext_becomes_markdown_links_tags_and_kept_templates(client):
    report = run_import(SPECIAL_EXPORT.read_bytes())

    education = page("Worker education")
    text = education.current_revision.text
    assert "[[Labour history]]" in text
    assert "== " not in text and "'''" not in text
    assert set(education.tags.names()) == {"Education", "Research"}
    assert "[[Category:" not in text
    # A template cannot be converted: it stays in the text, visibly, and the report says so.
    assert "{{Infobox union" in text
    assert any("Infobox union" in item for item in report.kept["Worker education"])
    # The link to Labour history is blue: that page was imported too, after this one.
    answer = client.get("/en/wiki/worker-education/")
    assert answer.status_code == 200
    assert 'href="/en/wiki/labour-history/"' in answer.content.decode()
    moved = page("Old name").current_revision.text
    assert "[[Labour history]]" in moved


@pytest.mark.django_db
def test_the_history_names_the_remote_authors_and_their_wiki(client):
    run_import(SPECIAL_EXPORT.read_bytes())

    history = client.get("/en/wiki/worker-education/history/").content.decode()
    assert "Rosa Worker on NLU Peer" in history
    assert "a contributor hidden on NLU Peer" in history
    assert "Start the page" in history
    other = client.get("/en/wiki/labour-history/history/").content.decode()
    assert "an anonymous editor (127.0.0.1) on NLU Peer" in other


@pytest.mark.django_db
def test_a_name_mapped_by_an_administrator_is_that_local_account():
    run_import(SPECIAL_EXPORT.read_bytes())  # makes the RemoteWiki row the mapping names
    WikiPage.objects.all().delete()
    rosa = UserFactory(username="rosa")
    RemoteAuthor.objects.create(wiki=RemoteWiki.objects.get(), name="Rosa Worker", user=rosa)

    run_import(SPECIAL_EXPORT.read_bytes())

    assert list(Revision.objects.filter(author=rosa).values_list("remote_id", flat=True).order_by("remote_id")) == [
        3,
        4,
    ]
    assert not Revision.objects.filter(remote_author="Rosa Worker").exists()


@pytest.mark.django_db
def test_importing_the_same_file_twice_adds_nothing():
    run_import(DUMP_011.read_bytes())
    count = Revision.objects.count()

    report = run_import(DUMP_011.read_bytes())

    assert Revision.objects.count() == count
    assert (report.pages_added, report.pages_updated, report.revisions_added) == (0, 0, 0)
    assert report.pages_unchanged == 5


@pytest.mark.django_db
def test_a_dump_and_an_export_of_the_same_wiki_share_their_revisions():
    """Special:Export and dumpBackup.php name the same wiki the same way: the second adds only Main Page."""
    run_import(SPECIAL_EXPORT.read_bytes())

    report = run_import(DUMP_010.read_bytes())

    assert report.pages_added == 1 and report.revisions_added == 1
    assert RemoteWiki.objects.count() == 1


@pytest.mark.django_db
def test_a_truncated_import_resumed_with_the_whole_file_has_no_duplicates():
    data = DUMP_011.read_bytes()
    cut = data.index(b"<title>Sendika")

    first = run_import(data[:cut])

    assert "ends" in first.stopped or "broken" in first.stopped
    imported = set(WikiPage.objects.values_list("title", flat=True))
    assert {"Worker education", "Labour history", "Old name"} <= imported
    assert "Sendika eğitimi" not in imported

    second = run_import(data)

    assert not second.stopped and not second.problems
    for title, ids in MAIN_PAGES.items():
        assert remote_ids(title) == ids
    assert Revision.objects.count() == len(set(Revision.objects.values_list("remote_id", flat=True)))


def _with_revision_changed(old: bytes, new: bytes) -> bytes:
    data = SPECIAL_EXPORT.read_bytes()
    assert data.count(old) == 1
    return data.replace(old, new)


@pytest.mark.django_db
def test_a_bad_timestamp_refuses_its_page_only_naming_page_and_revision():
    [*_, (_id, moment, *_rest)] = file_revisions(SPECIAL_EXPORT)["Labour history"]
    data = _with_revision_changed(f"<timestamp>{moment:%Y-%m-%dT%H:%M:%SZ}".encode(), b"<timestamp>last tuesday")

    report = run_import(data)

    [problem] = report.problems
    assert (problem.page, problem.revision) == ("Labour history", 7)
    assert "last tuesday" in str(problem)
    assert not WikiPage.objects.filter(title="Labour history").exists()  # one transaction per page
    assert remote_ids("Worker education") == MAIN_PAGES["Worker education"]


@pytest.mark.django_db
def test_a_text_that_does_not_match_its_sha1_is_reported_not_imported():
    data = SPECIAL_EXPORT.read_bytes()
    # Change the text of revision 7 without changing its length: the size still matches, the sha1 not.
    marker = data.index(b"<id>7</id>")
    text_at = data.index(b'<text bytes="', marker)
    body = data.index(b">", text_at) + 1
    data = data[:body] + (b"X" if data[body : body + 1] != b"X" else b"Y") + data[body + 1 :]

    report = run_import(data)

    [problem] = report.problems
    assert (problem.page, problem.revision) == ("Labour history", 7)
    assert "sha1" in problem.message
    assert not WikiPage.objects.filter(title="Labour history").exists()


@pytest.mark.django_db
def test_a_revision_too_large_is_refused_with_its_size(settings):
    settings.WIKI_MEDIAWIKI_MAX_REVISION_BYTES = 10_000_000
    data = SPECIAL_EXPORT.read_bytes()
    marker = data.index(b"<id>11</id>")
    text_at = data.index(b"<text ", marker)
    body = data.index(b">", text_at) + 1
    end = data.index(b"</text>", body)
    data = data[:body] + b"a" * 10_000_001 + data[end:]

    report = run_import(data)

    [problem] = report.problems
    assert (problem.page, problem.revision) == ("Sendika eğitimi", 11)
    assert "10,000,001" in problem.message
    assert remote_ids("Labour history") == MAIN_PAGES["Labour history"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE mediawiki [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<mediawiki version="0.11"><siteinfo><sitename>&lol3;</sitename></siteinfo></mediawiki>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE mediawiki [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<mediawiki version="0.11"><siteinfo><sitename>&secret;</sitename></siteinfo></mediawiki>
"""


@pytest.mark.django_db
@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_dtds_and_entities_are_refused_before_anything_is_read(data):
    report = run_import(data)

    assert "DTD" in report.stopped
    assert not RemoteWiki.objects.exists() and not WikiPage.objects.exists()


@pytest.mark.django_db
def test_a_file_of_another_kind_is_refused_clearly():
    report = run_import(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')

    assert report.stopped == "This is not a MediaWiki export file: it starts with <rss>, not <mediawiki>."


@pytest.mark.django_db
def test_the_refusals_speak_the_language_of_who_imports():
    data = SPECIAL_EXPORT.read_bytes()
    with translation.override("tr"):
        report = run_import(data[: len(data) // 2])
        lines = report.lines()

    assert "satır" in report.stopped  # "line", in Turkish
    assert any("sayfa" in line for line in lines)


@pytest.mark.django_db
def test_the_command_imports_in_the_language_asked_and_says_what_it_did(capsys):
    call_command("wiki_import_mediawiki", str(SPECIAL_EXPORT), "--language", "tr")

    out = capsys.readouterr().out
    assert "Pages: 4 added, 0 updated, 0 already up to date. Revisions added: 9." in out
    assert "Pages of the namespace “Talk” skipped: 1." in out
    assert WikiPage.objects.filter(language="tr").count() == 4
    assert RemotePage.objects.count() == 4


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_group_and_a_broken_file(tmp_path):
    with pytest.raises(CommandError, match="no group named"):
        call_command("wiki_import_mediawiki", str(SPECIAL_EXPORT), "--space", "nowhere")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(SPECIAL_EXPORT.read_bytes()[:2000])
    with pytest.raises(CommandError, match="not imported"):
        call_command("wiki_import_mediawiki", str(broken))
    assert not WikiPage.objects.exists()


@pytest.mark.django_db
def test_the_namespaces_a_setting_names_are_imported_with_their_prefix(settings):
    settings.WIKI_MEDIAWIKI_NAMESPACES = (0, 1)

    report = run_import(SPECIAL_EXPORT.read_bytes())

    assert remote_ids("Talk:Worker education") == [9]
    assert report.skipped_namespaces == {"User": 1}


# --- Against the real MediaWiki: its own dumps, newer dumps, and both sides edited ------------------


def _dump(peer) -> bytes:
    return peer.dump_full()


def test_a_dump_of_the_peer_arrives_here_with_every_revision_and_text(fresh_mediawiki, db):
    peer = fresh_mediawiki
    peer.edit("Strike funds", "== Why ==\nA '''fund''' keeps a strike going.", summary="Start")
    peer.edit("Strike funds", "== Why ==\nA '''fund''' keeps a strike going.\n\n* dues\n* collections", summary="How")
    peer.edit("Grev fonu", "Bir '''fon''' grevi sürdürür: [[Strike funds]].", summary="Başla")

    report = run_import(_dump(peer))

    assert not report.problems and not report.stopped
    for title in ("Strike funds", "Grev fonu"):
        theirs = peer.revisions(title)
        ours = page(title).revisions.order_by("number")
        assert [r.remote_id for r in ours] == [r["revid"] for r in theirs]
        assert [r.summary for r in ours] == [r["comment"] for r in theirs]
        assert [r.remote_author for r in ours] == [r["user"] for r in theirs]
    assert (
        page("Strike funds").current_revision.text
        == "## Why\n\nA **fund** keeps a strike going.\n\n- dues\n- collections\n"
    )


def test_a_newer_dump_adds_only_the_new_revisions_and_merges_with_edits_made_here(fresh_mediawiki, member, edit):
    peer = fresh_mediawiki
    peer.edit("Picket rota", "Monday: Ali\n\nTuesday: Deniz\n\nWednesday: Sam", summary="Rota")
    run_import(_dump(peer))
    rota = page("Picket rota")
    edit(rota, "Monday: Ali and Rosa\n\nTuesday: Deniz\n\nWednesday: Sam\n", summary="Rosa joins")
    peer.edit("Picket rota", "Monday: Ali\n\nTuesday: Deniz\n\nWednesday: Sam and Yusuf", summary="Yusuf joins")

    report = run_import(_dump(peer))

    assert report.revisions_added == 1 and report.merged == ["Picket rota"] and not report.conflicts
    latest = page("Picket rota").current_revision
    assert latest.text == "Monday: Ali and Rosa\n\nTuesday: Deniz\n\nWednesday: Sam and Yusuf\n"
    assert (latest.remote_merge, latest.summary, latest.number) == ("merged", "Yusuf joins", 3)
    assert run_import(_dump(peer)).revisions_added == 0


def test_the_same_line_changed_on_both_sides_keeps_both_and_tells_the_editors(
    fresh_mediawiki, member, edit, mailoutbox, django_capture_on_commit_callbacks
):
    peer = fresh_mediawiki
    peer.edit("Meeting place", "We meet at the union hall.", summary="Place")
    run_import(_dump(peer))
    edit(page("Meeting place"), "We meet at the library.\n")
    peer.edit("Meeting place", "We meet at the café on the corner.", summary="Moved")

    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(_dump(peer))

    assert report.conflicts == ["Meeting place"]
    latest = page("Meeting place").current_revision
    assert latest.remote_merge == "conflict"
    assert "We meet at the library." in latest.text and "We meet at the café on the corner." in latest.text
    assert [mail.to for mail in mailoutbox] == [[member.email]]
    assert "Meeting place" in mailoutbox[0].subject


@pytest.mark.django_db
def test_what_the_conversion_writes_is_in_the_language_of_the_pages_not_of_who_imports():
    with translation.override("en"):
        run_import(SPECIAL_EXPORT.read_bytes(), language="tr")

    moved = WikiPage.objects.get(title="Old name", language="tr").current_revision.text
    assert "taşındı" in moved and "[[Labour history]]" in moved


@pytest.mark.django_db
def test_an_older_revision_is_rendered_when_first_read(client):
    """An import renders only each page's newest revision; an older one is rendered, and kept, when read."""
    run_import(SPECIAL_EXPORT.read_bytes())
    first = page("Worker education").revisions.get(number=1)
    assert first.html == ""

    answer = client.get("/en/wiki/worker-education/?revision=1")

    assert answer.status_code == 200
    first.refresh_from_db()
    assert first.html and first.html in answer.content.decode()
    assert page("Worker education").current_revision.html
