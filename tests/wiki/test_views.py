"""The wiki through HTTP, as members use it: reading, creating, editing (conflicts too), history, diffs,
reverting, "what links here", export, protection, recent changes and the navigation.

Every request goes through the Django test client to the real database; every view is asked for
in English and in Turkish.
"""

import re
import zoneinfo
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import pgettext
from wagtail import hooks

from suite.moments import moment_text
from tests.factories import UserFactory
from tests.wiki.zones import zone_of
from wiki.models import Revision, WikiPage

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize("language", ["en", "tr"])


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def notices(response) -> str:
    """The messages a view left for the host's layout to show (a bare host's layout shows none)."""
    return " ".join(str(message) for message in response.context["messages"])


def login_url(language: str) -> str:
    """Where the host signs members in: its LOGIN_URL, in the language of the page that sent them."""
    with translation.override(language):
        return resolve_url(settings.LOGIN_URL)


def textarea(element) -> str:
    """A textarea's value as a browser reads it: without the line break that may follow the start tag."""
    text = element.get_text()
    return text[1:] if text.startswith("\n") else text


def edit_form(client, page, language="en") -> dict:
    """What the edit form sends back unchanged: the text, the summary and the revision it started from."""
    form = soup(client.get(f"/{language}/wiki/{page.slug}/edit/")).select_one("form.wiki-form")
    return {
        "text": textarea(form.select_one("textarea[name=text]")),
        "summary": form.select_one("input[name=summary]").get("value", ""),
        "base_number": form.select_one("input[name=base_number]")["value"],
    }


# --- Reading ------------------------------------------------------------------------------------


@BOTH
def test_the_index_lists_the_pages_of_its_language_last_changed_first(client, make_page, edit, language):
    older = make_page("Older page", language=language)
    newer = make_page("Newer page", language=language)
    other = make_page("Other language page", language="tr" if language == "en" else "en")
    edit(older, "Changed most recently.\n")
    response = client.get(f"/{language}/wiki/")
    assert response.status_code == 200
    titles = [link.get_text() for link in soup(response).select(".wiki-list a")]
    assert titles == [older.title, newer.title]
    assert other.title not in titles
    expected = "Create a page" if language == "en" else "Sayfa oluştur"
    assert soup(response).find("a", string=expected)["href"] == f"/{language}/wiki/+new/"


def test_the_index_is_paginated(client, member, settings):
    pages = [WikiPage.objects.create(language="en", slug=f"page-{n}", title=f"Page {n}") for n in range(55)]
    WikiPage.objects.filter(pk__in=[p.pk for p in pages]).update(updated_at=timezone.now())
    first = soup(client.get("/en/wiki/"))
    second = soup(client.get("/en/wiki/?page=2"))
    assert len(first.select(".wiki-list li")) == 50
    assert len(second.select(".wiki-list li")) == 5
    assert first.select_one(".pagination a[rel=next]")["href"] == "?page=2"


@BOTH
def test_anyone_reads_a_page_with_its_tags_last_editor_and_time(client, make_page, member, language):
    member.first_name = "Ayşe"
    member.save()
    page = make_page(
        "Organising online",
        "# Organising online\n\nShop stewards *meet* online.\n",
        language=language,
        tags=["research"],
    )
    response = client.get(f"/{language}/wiki/organising-online/")
    assert response.status_code == 200
    html = soup(response)
    assert html.h1.get_text() == "Organising online"
    assert html.select_one(".wiki-text em").get_text() == "meet"
    assert "research" in html.select_one(".wiki-tags").get_text()
    meta = text_of(response)
    assert str(member) in meta
    assert f"({settings.TIME_ZONE})" in meta  # a visitor with no zone of their own reads the site's
    local = timezone.localtime(page.current_revision.created_at, zoneinfo.ZoneInfo(settings.TIME_ZONE))
    assert html.select_one("article time")["datetime"] == local.isoformat()
    tabs = [link["href"] for link in html.select(".wiki-tabs a")]
    assert tabs == [
        f"/{language}/wiki/organising-online/",
        f"/{language}/wiki/organising-online/history/",
        f"/{language}/wiki/organising-online/links/",
        f"/{language}/wiki/organising-online/export.md",
        f"/{language}/wiki/organising-online/export.xml",
    ]  # no "Edit" for a visitor who is not signed in


@BOTH
def test_a_member_reads_the_times_in_their_own_time_zone(client, make_page, language):
    reader = UserFactory(language=language, timezone="Asia/Tokyo")
    page = make_page("Organising online", language=language)
    client.force_login(reader)
    for path in (f"/{language}/wiki/{page.slug}/", f"/{language}/wiki/", f"/{language}/wiki/{page.slug}/history/"):
        with zone_of(reader):
            response = client.get(path)
        assert "Asia/Tokyo" in text_of(response), path
    with zone_of(reader):
        html = soup(client.get(f"/{language}/wiki/{page.slug}/"))
    local = timezone.localtime(page.current_revision.created_at, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert html.select_one("article time")["datetime"] == local.isoformat()


@BOTH
def test_a_pages_date_has_no_word_that_ages_in_a_saved_copy(client, make_page, language):
    """A unit saves its wiki page for offline reading: "today" would be wrong the day after."""
    page = make_page("Organising online", language=language)
    response = client.get(f"/{language}/wiki/{page.slug}/")
    assert response.status_code == 200
    shown = soup(response).select_one("article .meta time").get_text()
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        assert pgettext("moment", "today") not in shown
        assert shown == moment_text(page.current_revision.created_at, relative=False)


def test_a_signed_in_member_sees_the_edit_link(member_client, make_page):
    page = make_page("Organising online")
    html = soup(member_client.get(f"/en/wiki/{page.slug}/"))
    assert html.find("a", string="Edit")["href"] == f"/en/wiki/{page.slug}/edit/"


@BOTH
def test_a_title_or_a_slug_in_other_case_is_sent_to_the_page_address(client, make_page, language):
    make_page("Organising online", language=language)
    for value in ("Organising online", "organising online", "ORGANISING-ONLINE"):
        response = client.get(f"/{language}/wiki/{value}/")
        assert response.status_code == 302
        assert response["Location"] == f"/{language}/wiki/organising-online/"


def test_a_title_with_turkish_letters_finds_its_page(client, make_page):
    page = make_page("Çeviri ve Tercüme", language="tr")
    response = client.get("/tr/wiki/Çeviri ve Tercüme/")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert page.slug == "çeviri-ve-tercüme"


@BOTH
def test_a_missing_page_is_a_404_that_offers_to_create_it(client, make_page, language):
    linking = make_page("Agenda", "See [[Strike funds]].\n", language=language)
    response = client.get(f"/{language}/wiki/Strike funds/")
    assert response.status_code == 404
    html = soup(response)
    assert html.h1.get_text() == "Strike funds"
    create = html.select_one("a.button")
    assert create["href"] == f"/{language}/wiki/+new/?title=Strike%20funds"
    assert f"/{language}/wiki/{linking.slug}/" in [a["href"] for a in html.find_all("a")]
    expected = "The wiki has no page" if language == "en" else "Vikide"
    assert expected in text_of(response)


def test_an_old_revision_can_be_read(client, make_page, edit):
    page = make_page("Agenda", "First words.\n")
    edit(page, "Second words.\n")
    html = soup(client.get(f"/en/wiki/{page.slug}/?revision=1"))
    assert html.select_one(".wiki-text").get_text().strip() == "First words."
    assert "You are reading revision 1" in html.select_one(".note").get_text()
    response = client.get(f"/en/wiki/{page.slug}/?revision=9")
    assert response.status_code == 404
    assert "This page has no revision 9." in text_of(response)


# --- Permissions --------------------------------------------------------------------------------


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_to_edit_or_create(client, make_page):
    page = make_page("Agenda")
    for path in (f"/en/wiki/{page.slug}/edit/", "/en/wiki/+new/?title=X"):
        response = client.get(path)
        assert response.status_code == 302
        assert unquote(response["Location"]) == f"{login_url('en')}?next={path}"
    response = client.post(f"/en/wiki/{page.slug}/edit/", {"text": "Vandalism", "base_number": 1})
    assert response["Location"].startswith(f"{login_url('en')}?next=")
    response = client.post("/en/wiki/+new/", {"title": "New", "text": "Spam"})
    assert response["Location"].startswith(f"{login_url('en')}?next=")
    assert Revision.objects.count() == 1 and WikiPage.objects.count() == 1


@BOTH
def test_a_protected_page_is_edited_by_coordinators_only(make_page, member, coordinator, language):
    page = make_page("Statutes", language=language)
    page.protected = True
    page.save()
    as_member = signed_in(member)
    response = as_member.get(f"/{language}/wiki/{page.slug}/edit/")
    assert response.status_code == 403
    expected = "only coordinators" if language == "en" else "yalnızca koordinatörler"
    assert expected in text_of(response)
    response = as_member.post(f"/{language}/wiki/{page.slug}/edit/", {"text": "Changed", "base_number": 1})
    assert response.status_code == 403
    assert Revision.objects.filter(page=page).count() == 1
    as_coordinator = signed_in(coordinator)
    assert as_coordinator.get(f"/{language}/wiki/{page.slug}/edit/").status_code == 200
    response = as_coordinator.post(f"/{language}/wiki/{page.slug}/edit/", {"text": "Changed\n", "base_number": 1})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.text == "Changed\n"


@BOTH
def test_coordinators_protect_and_unprotect_a_page(make_page, member, coordinator, language):
    page = make_page("Statutes", language=language)
    as_member = signed_in(member)
    assert as_member.post(f"/{language}/wiki/{page.slug}/protect/", {"protected": "1"}).status_code == 403
    page.refresh_from_db()
    assert not page.protected
    as_coordinator = signed_in(coordinator)
    html = soup(as_coordinator.get(f"/{language}/wiki/{page.slug}/"))
    assert html.select_one("form.wiki-protect")["action"] == f"/{language}/wiki/{page.slug}/protect/"
    response = as_coordinator.post(f"/{language}/wiki/{page.slug}/protect/", {"protected": "1"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.protected
    as_coordinator.post(f"/{language}/wiki/{page.slug}/protect/", {"protected": "0"})
    page.refresh_from_db()
    assert not page.protected
    assert Client().post(f"/{language}/wiki/{page.slug}/protect/", {"protected": "1"}).status_code == 302
    assert as_coordinator.get(f"/{language}/wiki/{page.slug}/protect/").status_code == 405


# --- Creating and editing ----------------------------------------------------------------------


@BOTH
def test_a_member_creates_a_page_from_a_red_link(member_client, make_page, language):
    make_page("Agenda", "We need [[Strike funds]].\n", language=language)
    red = soup(member_client.get(f"/{language}/wiki/agenda/")).select_one("a.wiki-missing")
    form = soup(member_client.get(red["href"])).select_one("form.wiki-form")
    assert form.select_one("input[name=title]")["value"] == "Strike funds"
    assert form.select_one("label[for=id_title]")
    assert form.select_one("textarea[name=text]")["maxlength"] == "1000000"
    response = member_client.post(
        f"/{language}/wiki/+new/",
        {
            "title": "Strike funds",
            "text": "How unions fund strikes.",
            "summary": "First notes",
            "tags": "money, strikes",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/wiki/strike-funds/"
    page = WikiPage.objects.get(language=language, slug="strike-funds")
    assert page.current_revision.summary == "First notes"
    assert sorted(page.tags.names()) == ["money", "strikes"]
    # The red link on the page that linked to it is now an ordinary link.
    html = soup(member_client.get(f"/{language}/wiki/agenda/"))
    assert not html.select("a.wiki-missing")
    assert html.select_one(".wiki-text a")["href"] == f"/{language}/wiki/strike-funds/"


def test_creating_a_page_that_exists_goes_to_its_edit_form(member_client, make_page):
    make_page("Agenda")
    response = member_client.get("/en/wiki/+new/?title=agenda")
    assert response.status_code == 302
    assert response["Location"] == "/en/wiki/agenda/edit/"


@BOTH
def test_an_edit_adds_a_revision_with_its_summary(member_client, make_page, member, language):
    page = make_page("Agenda", "One.\n", language=language)
    data = edit_form(member_client, page, language)
    assert data == {"text": "One.\n", "summary": "", "base_number": "1"}
    response = member_client.post(
        f"/{language}/wiki/{page.slug}/edit/", {**data, "text": "One.\r\nTwo.\r\n", "summary": "Second point"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/wiki/{page.slug}/"
    revision = Revision.objects.get(page=page, number=2)
    assert (revision.text, revision.summary, revision.author) == ("One.\nTwo.\n", "Second point", member)
    expected = "Saved." if language == "en" else "Kaydedildi."
    assert notices(member_client.get(response["Location"])) == expected


@BOTH
def test_preview_shows_the_rendered_text_keeps_it_in_the_form_and_saves_nothing(member_client, make_page, language):
    page = make_page("Agenda", "One.\n", language=language)
    text = "Now with **bold** words.\n"
    response = member_client.post(
        f"/{language}/wiki/{page.slug}/edit/", {"text": text, "summary": "s", "base_number": 1, "preview": "1"}
    )
    assert response.status_code == 200
    html = soup(response)
    assert html.select_one(".wiki-preview strong").get_text() == "bold"
    assert textarea(html.select_one("textarea[name=text]")) == text
    assert html.select_one("input[name=summary]")["value"] == "s"
    assert Revision.objects.filter(page=page).count() == 1
    response = member_client.post(f"/{language}/wiki/+new/", {"title": "Draft", "text": "A *draft*", "preview": "1"})
    assert soup(response).select_one(".wiki-preview em").get_text() == "draft"
    assert not WikiPage.objects.filter(slug="draft").exists()


@BOTH
def test_the_preview_endpoint_answers_a_sanitised_fragment(member_client, make_page, language):
    make_page("Agenda", language=language)
    response = member_client.post(
        f"/{language}/wiki/+preview/", {"text": "See [[Agenda]] and [[Nowhere]].\n\n<script>alert(1)</script>"}
    )
    assert response.status_code == 200
    html = soup(response)
    assert not html.find("script")
    links = [a["href"] for a in html.find_all("a")]
    assert links == [f"/{language}/wiki/agenda/", f"/{language}/wiki/+new/?title=Nowhere"]
    assert member_client.get(f"/{language}/wiki/+preview/").status_code == 405
    response = Client().post(f"/{language}/wiki/+preview/", {"text": "x"})
    assert response.status_code == 403
    assert response.content.decode() == (
        "Sign in to preview a page." if language == "en" else "Önizleme için oturum açın."
    )


# --- Edit conflicts -----------------------------------------------------------------------------


@pytest.fixture
def language():
    """English, unless the test runs in both languages."""
    return "en"


@pytest.fixture
def two_editors(make_page, language):
    ayse = UserFactory(username="ayse", first_name="Ayşe")
    bora = UserFactory(username="bora", first_name="Bora")
    page = make_page("Agenda", "Line one.\nLine two.\nLine three.\nLine four.\nLine five.\n", language=language)
    return page, signed_in(ayse), signed_in(bora)


@BOTH
def test_edits_of_different_lines_from_the_same_base_are_merged(two_editors, language):
    page, ayse, bora = two_editors
    ayse_form, bora_form = edit_form(ayse, page, language), edit_form(bora, page, language)
    ayse_text = ayse_form["text"].replace("Line one.", "Line one, by Ayşe.")
    bora_text = bora_form["text"].replace("Line five.", "Line five, by Bora.")
    assert ayse.post(f"/{language}/wiki/{page.slug}/edit/", {**ayse_form, "text": ayse_text}).status_code == 302
    response = bora.post(f"/{language}/wiki/{page.slug}/edit/", {**bora_form, "text": bora_text})
    assert response.status_code == 302
    page.refresh_from_db()
    assert "Line one, by Ayşe." in page.text and "Line five, by Bora." in page.text
    notice = notices(bora.get(response["Location"]))
    expected = "merged with the changes" if language == "en" else "birleştirildi"
    assert expected in notice and str(UserFactory(username="ayse")) in notice
    assert list(page.revisions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]


@BOTH
def test_overlapping_edits_bring_the_second_editor_back_with_their_text_kept(two_editors, language):
    page, ayse, bora = two_editors
    ayse_form, bora_form = edit_form(ayse, page, language), edit_form(bora, page, language)
    ayse_text = ayse_form["text"].replace("Line three.", "Line three, as Ayşe sees it.")
    bora_text = bora_form["text"].replace("Line three.", "Line three, as Bora sees it.") + "A whole new paragraph.\n"
    assert ayse.post(f"/{language}/wiki/{page.slug}/edit/", {**ayse_form, "text": ayse_text}).status_code == 302
    response = bora.post(f"/{language}/wiki/{page.slug}/edit/", {**bora_form, "text": bora_text, "summary": "mine"})
    assert response.status_code == 409
    html = soup(response)
    merged = textarea(html.select_one("textarea[name=text]"))
    assert "<<<<<<<" in merged and ">>>>>>>" in merged
    assert "Line three, as Ayşe sees it." in merged and "Line three, as Bora sees it." in merged
    mine = html.select_one("textarea#wiki-mine")
    assert mine.has_attr("readonly")
    assert textarea(mine) == bora_text
    assert html.select_one("input[name=base_number]")["value"] == "2"
    assert html.select_one("input[name=summary]")["value"] == "mine"
    their_change = html.select_one("#wiki-their-change").find_parent("section")
    assert "as Ayşe sees it." in their_change.select_one("ins").get_text()
    expected = (
        "Nothing is lost: the text in the form has both versions" if language == "en" else "Hiçbir şey kaybolmadı"
    )
    assert expected in text_of(response)
    assert page.revisions.count() == 2
    # Bora resolves the conflict and saves on top of Ayşe's revision.
    resolved = (
        merged.split("<<<<<<<")[0] + "Line three, as both see it.\nLine four.\nLine five.\nA whole new paragraph.\n"
    )
    response = bora.post(
        f"/{language}/wiki/{page.slug}/edit/", {"text": resolved, "summary": "mine", "base_number": "2"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert "as both see it" in page.text and page.current_revision.number == 3


# --- History, diffs, revert ---------------------------------------------------------------------


@BOTH
def test_history_is_paginated_newest_first_with_two_revisions_to_compare(client, make_page, grow_history, language):
    page = grow_history(make_page("Agenda", language=language), 59)
    first = soup(client.get(f"/{language}/wiki/{page.slug}/history/"))
    numbers = [int(row.select_one("a.number").get_text()) for row in first.select(".wiki-history tbody tr")]
    assert numbers == list(range(60, 10, -1))
    assert first.select_one("input[name=from][checked]")["value"] == "59"
    assert first.select_one("input[name=to][checked]")["value"] == "60"
    assert first.select_one("form[method=get]")["action"] == f"/{language}/wiki/{page.slug}/diff/"
    second = soup(client.get(f"/{language}/wiki/{page.slug}/history/?page=2"))
    numbers = [int(row.select_one("a.number").get_text()) for row in second.select(".wiki-history tbody tr")]
    assert numbers == list(range(10, 0, -1))


@BOTH
def test_a_diff_is_escaped_side_by_side_and_in_one_column(client, make_page, edit, language):
    page = make_page("Agenda", "Same line.\nOld <b>words</b> here.\nEnd.\n", language=language)
    edit(page, "Same line.\nNew <b>words</b> here.\nEnd.\nAdded <script>x</script>\n")
    response = client.get(f"/{language}/wiki/{page.slug}/diff/?from=1&to=2")
    assert response.status_code == 200
    html = soup(response)
    rows = html.select("table.wiki-diff.inline tbody tr")
    assert [row["class"][0] for row in rows] == ["equal", "delete", "insert", "equal", "insert"]
    added = "Added:" if language == "en" else "Eklendi:"
    assert rows[4].select_one("td.line").get_text() == f"{added} Added <script>x</script>"
    assert not html.select_one("table.wiki-diff").find(["script", "b"])
    side_link = html.find("a", href=re.compile("layout=side"))
    table = soup(client.get(f"/{language}/wiki/{page.slug}/diff/{side_link['href']}")).select_one(
        "table.wiki-diff.side"
    )
    assert not table.find("script") and not table.find("b")
    assert [d.get_text() for d in table.select("td.delete del")] == ["Old"]
    assert [i.get_text() for i in table.select("td.insert ins")] == ["New", "Added <script>x</script>"]
    assert rows[4].select("td")[1].get_text() == "4"


@BOTH
def test_reverting_brings_an_old_text_back_as_a_new_revision(make_page, edit, member, language):
    page = make_page("Agenda", "Good text.\n", language=language)
    edit(page, "Vandalised.\n", author=UserFactory())
    client = signed_in(member)
    history = soup(client.get(f"/{language}/wiki/{page.slug}/history/"))
    form = history.select_one("form#revert-1")
    assert form["action"] == f"/{language}/wiki/{page.slug}/revert/1/"
    response = client.post(form["action"])
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.text == "Good text.\n" and page.current_revision.number == 3
    assert page.current_revision.author == member
    assert client.get(form["action"]).status_code == 405
    assert Client().post(form["action"])["Location"].startswith(f"{login_url(language)}?next=")


def test_on_a_protected_page_only_coordinators_revert(make_page, edit, member, coordinator):
    page = make_page("Statutes", "Good.\n")
    edit(page, "Bad.\n")
    page.protected = True
    page.save()
    assert signed_in(member).post(f"/en/wiki/{page.slug}/revert/1/").status_code == 403
    assert not soup(signed_in(member).get(f"/en/wiki/{page.slug}/history/")).select("form[id^=revert]")
    assert signed_in(coordinator).post(f"/en/wiki/{page.slug}/revert/1/").status_code == 302
    page.refresh_from_db()
    assert page.text == "Good.\n"


# --- Links, export ------------------------------------------------------------------------------


@BOTH
def test_what_links_here_lists_the_pages_linking_to_this_one(client, make_page, edit, language):
    target = make_page("Strike funds", language=language)
    one = make_page("Agenda", "See [[Strike funds]].\n", language=language)
    make_page("Unrelated", language=language)
    two = make_page("Working group", "Also [[strike funds|the funds]].\n", language=language)
    edit(one, "No link any more.\n")
    response = client.get(f"/{language}/wiki/{target.slug}/links/")
    assert response.status_code == 200
    assert [a.get_text() for a in soup(response).select(".wiki-list a")] == [two.title]
    assert soup(client.get(f"/{language}/wiki/{one.slug}/links/")).select_one(".wiki-list li").get_text().strip()


@BOTH
def test_a_page_exports_as_a_markdown_file(client, make_page, language):
    page = make_page("Çeviri ve Tercüme", "# Başlık\n\nMetin: ğüşiöç.\n", language=language)
    response = client.get(f"/{language}/wiki/{page.slug}/export.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%C3%A7eviri-ve-terc%C3%BCme.md" in response["Content-Disposition"]
    assert response.content.decode("utf-8") == "# Başlık\n\nMetin: ğüşiöç.\n"


# --- Recent changes -----------------------------------------------------------------------------


@BOTH
def test_recent_changes_across_pages_filtered_by_member_and_language(client, make_page, edit, language):
    ayse, bora = UserFactory(username="ayse"), UserFactory(username="bora")
    english = make_page("Agenda", author=ayse)
    turkish = make_page("Gündem", language="tr", author=bora)
    edit(english, "Changed by Bora.\n", author=bora, summary="Bora's change")

    def rows(query=""):
        response = client.get(f"/{language}/wiki/+recent/{query}")
        assert response.status_code == 200
        return [
            (row.select("td")[1].a.get_text(), row.select("td")[3].get_text().strip())
            for row in soup(response).select(".wiki-recent tbody tr")
        ]

    assert rows() == [("Agenda", str(bora)), ("Gündem", str(bora)), ("Agenda", str(ayse))]
    assert rows("?member=bora") == [("Agenda", str(bora)), ("Gündem", str(bora))]
    assert rows("?member=BORA&language=tr") == [("Gündem", str(bora))]
    assert rows("?language=en") == [("Agenda", str(bora)), ("Agenda", str(ayse))]
    html = soup(client.get(f"/{language}/wiki/+recent/"))
    other = html.find("a", string="Gündem" if language == "en" else "Agenda")
    assert other["lang"] == ("tr" if language == "en" else "en")
    assert unquote(html.find("a", string="Gündem")["href"]) == f"/tr/wiki/{turkish.slug}/"


@BOTH
def test_recent_changes_refuse_an_unknown_member_or_language(client, language):
    response = client.get(f"/{language}/wiki/+recent/?member=nobody")
    assert response.status_code == 400
    expected = "No member has the username “nobody”." if language == "en" else "“nobody” kullanıcı adlı bir üye yok."
    assert expected in text_of(response)
    assert client.get(f"/{language}/wiki/+recent/?language=xx").status_code == 400


def test_recent_changes_are_paginated(client, make_page, grow_history):
    grow_history(make_page("Agenda"), 69)
    assert len(soup(client.get("/en/wiki/+recent/")).select(".wiki-recent tbody tr")) == 50
    assert len(soup(client.get("/en/wiki/+recent/?page=2")).select(".wiki-recent tbody tr")) == 20


# --- What other apps add ------------------------------------------------------------------------


def test_other_apps_add_sections_to_a_page_through_a_hook(client, make_page):
    """Courses adds the units built from a page so (tests/nlu/test_wiki_in_host.py); the wiki knows none of them."""
    page, other = make_page("Organising online"), make_page("Unused")
    asked, shown = [], {page.pk: "Unit 2 of Module 1"}

    def units(request, wiki_page):
        asked.append((request.path, wiki_page.pk))
        if wiki_page.pk in shown:
            return format_html('<section class="from-hook">{}</section>', shown[wiki_page.pk])
        return ""

    with hooks.register_temporarily("wiki_page_sections", units):
        html = soup(client.get(f"/en/wiki/{page.slug}/"))
        assert [section.get_text() for section in html.select(".from-hook")] == ["Unit 2 of Module 1"]
        assert not soup(client.get(f"/en/wiki/{other.slug}/")).select(".from-hook")
        # Asked on every read: what a hook adds is never kept in the wiki's cache.
        shown[page.pk] = "Unit 3 of Module 1"
        html = soup(client.get(f"/en/wiki/{page.slug}/"))
        assert [section.get_text() for section in html.select(".from-hook")] == ["Unit 3 of Module 1"]
    read_page, read_other = (f"/en/wiki/{page.slug}/", page.pk), (f"/en/wiki/{other.slug}/", other.pk)
    assert asked == [read_page, read_other, read_page]
    assert not soup(client.get(f"/en/wiki/{page.slug}/")).select(".from-hook")  # the hook is gone
