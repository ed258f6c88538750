"""The MediaWiki peer works: its edits, exports and imports are MediaWiki's own."""

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.mediawiki_peer import ADMIN

FILES = Path(__file__).parent / "files"


def pages(xml: bytes) -> dict[str, list[ET.Element]]:
    """Title -> its <revision> elements, whatever the export's schema version."""
    root = ET.fromstring(xml)
    ns = {"mw": root.tag[1:].split("}")[0]}
    return {
        page.findtext("mw:title", namespaces=ns): page.findall("mw:revision", ns)
        for page in root.findall("mw:page", ns)
    }


def text(revision: ET.Element) -> str:
    return next(child.text or "" for child in revision if child.tag.endswith("}text"))


def test_edits_by_bot_password_are_revisions_with_their_authors(mediawiki):
    mediawiki.add_user("Peer Tester")
    first = mediawiki.edit("Peer edits", "== Why ==\nÇalışma", summary="Start")
    turkish = "== Why ==\nÇalışma ve eğitim"
    second = mediawiki.edit("Peer edits", turkish, summary="More", minor=True, user="Peer Tester")
    third = mediawiki.edit("Peer edits", "Anonymous", anonymous=True)

    revisions = mediawiki.revisions("Peer edits")

    assert [r["revid"] for r in revisions] == [first["newrevid"], second["newrevid"], third["newrevid"]]
    assert [r["parentid"] for r in revisions] == [0, first["newrevid"], second["newrevid"]]
    assert [r["user"] for r in revisions] == [ADMIN, "Peer Tester", "127.0.0.1"]
    assert [r["comment"] for r in revisions] == ["Start", "More", ""]
    assert [r["minor"] for r in revisions] == [False, True, False]
    assert revisions[1]["content"] == turkish
    assert revisions[1]["sha1"] == hashlib.sha1(turkish.encode()).hexdigest()
    assert mediawiki.bot_user == f"{ADMIN}@nlu" and len(mediawiki.bot_password) == 32


def test_hidden_contributor_is_hidden_in_the_api_and_the_dump(mediawiki):
    mediawiki.add_user("Hidden Tester")
    revid = mediawiki.edit("Peer hidden", "Text", user="Hidden Tester")["newrevid"]

    mediawiki.hide_user("Peer hidden", revid)

    assert mediawiki.revisions("Peer hidden")[0]["user"] is None
    (revision,) = pages(mediawiki.dump_full())["Peer hidden"]
    contributor = next(child for child in revision if child.tag.endswith("}contributor"))
    assert contributor.attrib == {"deleted": "deleted"} and len(contributor) == 0


def test_dumps_and_special_export_hold_every_revision(mediawiki):
    mediawiki.edit("Peer export", "One")
    mediawiki.edit("Peer export", "Two")
    expected = mediawiki.revisions("Peer export")

    for xml in (mediawiki.dump_full(), mediawiki.dump_full("0.10"), mediawiki.special_export(["Peer export"])):
        revisions = pages(xml)["Peer export"]
        assert [int(r.findtext("{*}id")) for r in revisions] == [r["revid"] for r in expected]
        assert [text(r) for r in revisions] == ["One", "Two"]
    assert b'version="0.10"' in mediawiki.dump_full("0.10")[:500]
    assert b'version="0.11"' in mediawiki.special_export(["Peer export"])[:500]


def test_a_committed_export_imports_whole_into_a_fresh_wiki(fresh_mediawiki):
    """importDump.php keeps every revision, its text, timestamp and order, but numbers them anew."""
    exported = pages((FILES / "special-export-0.11.xml").read_bytes())
    assert len(exported) == 6 and sum(len(revisions) for revisions in exported.values()) == 11

    fresh_mediawiki.import_dump(FILES / "special-export-0.11.xml")

    imported_ids, exported_ids = [], []
    for title, revisions in exported.items():
        imported = fresh_mediawiki.revisions(title)
        assert [r["content"] for r in imported] == [text(r) for r in revisions], title
        assert [r["timestamp"] for r in imported] == [r.findtext("{*}timestamp") for r in revisions], title
        imported_ids += [r["revid"] for r in imported]
        exported_ids += [int(r.findtext("{*}id")) for r in revisions]
    # In the file a page's revisions interleave with other pages' (ids are wiki-wide); imported,
    # each page's are numbered in a row, in the file's order.
    assert imported_ids == sorted(imported_ids) and imported_ids != exported_ids
    users = [r["user"] for r in fresh_mediawiki.revisions("Worker education")]
    # Users missing here are prefixed; a hidden contributor comes back as a named "Unknown user".
    assert users == [ADMIN, "imported>Rosa Worker", "imported>Unknown user", ADMIN]
