"""The MediaWiki XML export of pages: schema 0.11 with every revision, from the page and from the command.

No MediaWiki is needed here: the output is parsed (defusedxml) and checked element by element;
tests/wiki/mediawiki/test_export_roundtrip.py imports it into a real MediaWiki. Pages are written
through the page services, requests go through the test client to the real database.
"""

import datetime
import hashlib
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from wiki.mediawiki.importer import import_dump
from wiki.mediawiki.wikitext import to_wikitext
from wiki.models import Revision, WikiPage
from wiki.services import page_create

pytestmark = pytest.mark.django_db

MW = "{http://www.mediawiki.org/xml/export-0.11/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FILES = Path(__file__).parent / "mediawiki" / "files"


def url(name: str, slug: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"wiki:{name}", args=[slug])


def base36_sha1(text: str) -> str:
    """MediaWiki's sha1 of a text, worked out here on its own: SHA-1 of the UTF-8 bytes, base 36, 31 digits."""
    number, digits = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16), ""
    while number:
        number, rest = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return digits.rjust(31, "0")


def streamed(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def exported(page: WikiPage, client: Client | None = None):
    """The page's export as a reader gets it from its address, parsed."""
    response = (client or Client()).get(url("export_mediawiki", page.slug, page.language))
    assert response.status_code == 200
    return ElementTree.fromstring(streamed(response))


def revisions_of(root, title: str) -> list:
    [page] = [page for page in root.iter(f"{MW}page") if page.findtext(f"{MW}title") == title]
    return page.findall(f"{MW}revision")


def child_names(element) -> list[str]:
    return [child.tag.removeprefix(MW) for child in element]


def text_element(revision):
    return revision.find(f"{MW}text")


# --- The file ------------------------------------------------------------------------------------


def test_a_page_exports_with_every_revision_oldest_first(client, make_page, edit, member, other_member):
    page = make_page("Strike funds", "# Strike funds\n\nA fund for the strike.\n", summary="Start")
    edit(page, "# Strike funds\n\nA fund for the strike.\n\n* Dues\n* Gifts\n", summary="Where the money comes from")
    edit(page, "# Strike funds\n\nA fund.\n\n* Dues\n* Gifts\n* Concerts\n", author=other_member, summary="Concerts")
    ours = list(Revision.objects.filter(page=page).select_related("author").order_by("number"))

    response = client.get(url("export_mediawiki", page.slug))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="strike-funds.xml"'
    body = streamed(response)
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<mediawiki ')
    root = ElementTree.fromstring(body)
    assert root.tag == f"{MW}mediawiki"
    assert (root.get("version"), root.get(XML_LANG)) == ("0.11", "en")
    assert child_names(root) == ["siteinfo", "page"]
    siteinfo = root.find(f"{MW}siteinfo")
    assert child_names(siteinfo) == ["sitename", "dbname", "base", "generator", "case", "namespaces"]
    assert siteinfo.findtext(f"{MW}sitename") == settings.WAGTAIL_SITE_NAME
    assert siteinfo.findtext(f"{MW}dbname") == "nlu"
    assert siteinfo.findtext(f"{MW}base") == settings.SITE_URL.rstrip("/") + "/en/wiki/"
    assert siteinfo.findtext(f"{MW}case") == "first-letter"
    namespaces = {ns.get("key"): ns.text for ns in siteinfo.find(f"{MW}namespaces")}
    assert namespaces["0"] is None and namespaces["14"] == "Category"

    xml_page = root.find(f"{MW}page")
    assert child_names(xml_page) == ["title", "ns", "id", "revision", "revision", "revision"]
    assert (xml_page.findtext(f"{MW}title"), xml_page.findtext(f"{MW}ns")) == ("Strike funds", "0")
    assert xml_page.findtext(f"{MW}id") == str(page.pk)
    revisions = xml_page.findall(f"{MW}revision")
    assert [r.findtext(f"{MW}id") for r in revisions] == [str(r.pk) for r in ours]
    assert [r.findtext(f"{MW}parentid") for r in revisions] == [None, str(ours[0].pk), str(ours[1].pk)]
    assert [r.findtext(f"{MW}timestamp") for r in revisions] == [
        r.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for r in ours
    ]
    assert [r.findtext(f"{MW}comment") for r in revisions] == ["Start", "Where the money comes from", "Concerts"]
    names = [str(member), str(member), str(other_member)]
    assert [r.find(f"{MW}contributor/{MW}username").text for r in revisions] == names
    assert [r.find(f"{MW}contributor/{MW}id").text for r in revisions] == [str(member.pk)] * 2 + [str(other_member.pk)]
    assert child_names(revisions[1]) == [
        *["id", "parentid", "timestamp", "contributor", "comment", "origin", "model", "format", "text", "sha1"]
    ]
    for revision, our in zip(revisions, ours, strict=True):
        assert revision.find(f"{MW}minor") is None
        assert (revision.findtext(f"{MW}model"), revision.findtext(f"{MW}format")) == ("wikitext", "text/x-wiki")
        wikitext = to_wikitext(our.text)
        text = text_element(revision)
        assert text.text == wikitext
        assert text.get("bytes") == str(len(wikitext.encode("utf-8")))
        assert text.get("sha1") == revision.findtext(f"{MW}sha1") == base36_sha1(wikitext)
        assert text.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert "Concerts" in text_element(revisions[-1]).text


def test_timestamps_are_written_in_utc(make_page, settings):
    settings.TIME_ZONE = "Europe/Istanbul"
    page = make_page("Shifts")
    Revision.objects.filter(page=page).update(created_at="2024-03-01T01:30:05+03:00")

    [revision] = revisions_of(exported(page), "Shifts")

    assert revision.findtext(f"{MW}timestamp") == "2024-02-29T22:30:05Z"


def test_text_summary_and_title_are_escaped(make_page, edit):
    title = 'Tom & Jerry\'s "<b>" ]]> page'
    text = 'Cats <&"> dogs\n\nA <b>bold</b> & "quoted" word, then ]]> and <![CDATA[ not a section ]]>.\n'
    page = make_page(title, text)
    edit(page, text + "\nMore ]]>]]> & <script>alert(1)</script>\n", summary='Why: <&"> ]]> <script>')

    response = Client().get(url("export_mediawiki", page.slug))
    body = streamed(response).decode("utf-8")

    assert "<script>" not in body and "<b>" not in body and "]]>" not in body and "<![CDATA[" not in body
    root = ElementTree.fromstring(body.encode("utf-8"))
    revisions = revisions_of(root, title)
    assert revisions[1].findtext(f"{MW}comment") == 'Why: <&"> ]]> <script>'
    for revision, our in zip(revisions, page.revisions.order_by("number"), strict=True):
        wikitext = to_wikitext(our.text)
        assert text_element(revision).text == wikitext
        assert text_element(revision).get("sha1") == base36_sha1(wikitext)


def test_characters_xml_cannot_carry_are_replaced_and_counted_as_written(make_page):
    page = make_page("Control characters", "A bell \x07 and a form feed \x0c in the text.\n")

    [revision] = revisions_of(exported(page), "Control characters")

    written = text_element(revision).text
    assert "\x07" not in written and "\x0c" not in written and written.count("\ufffd") == 2
    assert text_element(revision).get("bytes") == str(len(written.encode("utf-8")))
    assert revision.findtext(f"{MW}sha1") == base36_sha1(written)


# --- Who wrote a revision --------------------------------------------------------------------------


def contributors(revisions) -> list:
    """Each revision's contributor as ("user", name) / ("ip", address) / ("deleted",)."""
    found = []
    for revision in revisions:
        contributor = revision.find(f"{MW}contributor")
        if contributor.get("deleted") == "deleted":
            assert len(contributor) == 0
            found.append(("deleted",))
        elif contributor.find(f"{MW}ip") is not None:
            found.append(("ip", contributor.findtext(f"{MW}ip")))
        else:
            found.append(("user", contributor.findtext(f"{MW}username")))
    return found


def test_imported_revisions_keep_their_remote_authors_and_minor_flags(tmp_path):
    """Revisions copied from a MediaWiki export (written by MediaWiki itself) go back with the same people."""
    with (FILES / "dump-full-0.11.xml").open("rb") as dump:
        report = import_dump(dump, language="en")
    assert not report.problems, report.lines()
    education = WikiPage.objects.get(language="en", title="Worker education")
    history = WikiPage.objects.get(language="en", title="Labour history")

    output = tmp_path / "export.xml"
    call_command("wiki_export_mediawiki", education.slug, history.slug, "-o", str(output))
    root = ElementTree.parse(output).getroot()

    education_revisions = revisions_of(root, "Worker education")
    assert contributors(education_revisions) == [
        ("user", "Admin"),
        ("user", "Rosa Worker"),
        ("deleted",),  # hidden on the wiki it came from
        ("user", "Admin"),
    ]
    assert [r.find(f"{MW}minor") is not None for r in education_revisions] == [False, False, False, True]
    assert education_revisions[-1].findtext(f"{MW}comment") == "Typo"
    assert contributors(revisions_of(root, "Labour history")) == [("user", "Rosa Worker"), ("ip", "127.0.0.1")]


def test_a_former_members_revisions_have_a_hidden_contributor(make_page, edit, other_member):
    page = make_page("Departures")
    edit(page, "Written by someone who left.\n", author=other_member)
    other_member.delete()

    revisions = revisions_of(exported(page), "Departures")

    assert contributors(revisions)[1] == ("deleted",)


# --- Who may export ------------------------------------------------------------------------------


@pytest.fixture
def closed_group(settings):
    settings.WIKI_SCOPES = "tests.wiki.test_scopes.GROUP_SCOPES"
    return Group.objects.create(name="closed-couriers")


@pytest.fixture
def private_page(closed_group):
    insider = UserFactory(language="en")
    insider.groups.add(closed_group)
    page = page_create(
        title="Couriers strike fund ledger",
        language="en",
        text="The zorblaxian account holds the fund.\n",
        author=insider,
        scope="group:closed-couriers",
        private=True,
    )
    return page, insider


@pytest.mark.parametrize("who", ["visitor", "outsider"])
def test_a_private_page_is_not_there_for_those_outside_its_scope(who, private_page):
    page, _insider = private_page
    client = Client()
    if who == "outsider":
        client.force_login(UserFactory(language="en"))

    for address in [url("export_mediawiki", page.slug), url("export_mediawiki", page.slug, "tr")]:
        response = client.get(address)
        assert response.status_code == 404, address
        assert not response.streaming
        # The 404 page may echo the slug the visitor typed, never the page's words or title.
        assert "zorblaxian" not in response.content.decode() and page.title not in response.content.decode()


def test_a_private_page_exports_for_the_readers_of_its_scope(private_page):
    page, insider = private_page
    client = Client()
    client.force_login(insider)

    [revision] = revisions_of(exported(page, client), "Couriers strike fund ledger")

    assert "zorblaxian" in text_element(revision).text


def test_the_page_links_to_its_mediawiki_export(client, make_page):
    page = make_page("Strike funds")

    html = BeautifulSoup(client.get(url("page", page.slug)).content, "html.parser")

    link = html.select_one(f'a[href="{url("export_mediawiki", page.slug)}"]')
    assert link is not None and link.get_text() == "MediaWiki XML"


def test_a_page_named_by_its_title_is_sent_to_its_own_address(client, make_page):
    page = make_page("Strike funds")

    response = client.get(url("export_mediawiki", "Strike funds"))

    assert response.status_code == 302
    assert response["Location"] == url("export_mediawiki", page.slug)


# --- The command ---------------------------------------------------------------------------------


def test_the_command_writes_the_named_pages_private_ones_included(tmp_path, make_page, edit, private_page):
    private, _insider = private_page
    public = make_page("Open agenda", "What we talk about.\n")
    edit(public, "What we talk about, and when.\n")
    output = tmp_path / "pages.xml"

    call_command("wiki_export_mediawiki", public.slug, private.slug, "-o", str(output))

    root = ElementTree.parse(output).getroot()
    assert [page.findtext(f"{MW}title") for page in root.iter(f"{MW}page")] == [public.title, private.title]
    assert len(revisions_of(root, public.title)) == 2
    assert "zorblaxian" in text_element(revisions_of(root, private.title)[0]).text
    assert [path.name for path in tmp_path.iterdir()] == ["pages.xml"]  # nothing left beside it


def test_the_command_exports_every_page_of_a_language_to_standard_output(make_page):
    make_page("Strike funds", language="en")
    make_page("Agenda", language="en")
    make_page("Grev fonu", "Türkçe metin: ğüşiöç.\n", language="tr")
    out = StringIO()

    call_command("wiki_export_mediawiki", stdout=out)
    english = ElementTree.fromstring(out.getvalue().encode("utf-8"))
    out = StringIO()
    call_command("wiki_export_mediawiki", "--language", "tr", stdout=out)
    turkish = ElementTree.fromstring(out.getvalue().encode("utf-8"))

    assert [page.findtext(f"{MW}title") for page in english.iter(f"{MW}page")] == ["Agenda", "Strike funds"]
    assert turkish.get(XML_LANG) == "tr"
    assert turkish.find(f"{MW}siteinfo/{MW}base").text.endswith("/tr/wiki/")
    [revision] = revisions_of(turkish, "Grev fonu")
    assert "ğüşiöç" in text_element(revision).text


def test_the_command_refuses_an_unknown_slug_and_writes_nothing(tmp_path, make_page):
    page = make_page("Strike funds")
    output = tmp_path / "pages.xml"

    with pytest.raises(CommandError, match="no-such-page"):
        call_command("wiki_export_mediawiki", page.slug, "no-such-page", "-o", str(output))
    with pytest.raises(CommandError, match="klingon"):
        call_command("wiki_export_mediawiki", "--language", "klingon")

    assert list(tmp_path.iterdir()) == []


def test_the_command_warns_of_titles_mediawiki_refuses(make_page):
    refused = make_page("Agenda [draft] {2025}")
    fine = make_page("Agenda for 2025")
    out, err = StringIO(), StringIO()

    call_command("wiki_export_mediawiki", refused.slug, fine.slug, stdout=out, stderr=err)

    assert "'Agenda [draft] {2025}'" in err.getvalue() and "Agenda for 2025" not in err.getvalue()
    root = ElementTree.fromstring(out.getvalue().encode("utf-8"))
    assert [page.findtext(f"{MW}title") for page in root.iter(f"{MW}page")] == [refused.title, fine.title]


# --- Flat in queries and memory ------------------------------------------------------------------


def test_the_queries_do_not_grow_with_the_number_of_revisions(make_page, grow_history):
    small = grow_history(make_page("Small history"), 4)
    large = grow_history(make_page("Large history"), 49)
    counts = {}
    for page, revisions in [(small, 5), (large, 50)]:
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            body = streamed(client.get(url("export_mediawiki", page.slug)))
        assert len(revisions_of(ElementTree.fromstring(body), page.title)) == revisions
        counts[revisions] = len(queries)

    assert counts[5] == counts[50]
