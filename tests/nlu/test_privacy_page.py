"""The demo's privacy page (EN + TR): what is kept, why, how long; linked from every footer and the sign-up form."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Revision

from nlu.models import StandardPage
from tests.nlu.screen import html_lang, parse, text


def privacy_page() -> StandardPage:
    return StandardPage.objects.get(slug_en="privacy")


def footer_links(response) -> dict[str, str]:
    page = BeautifulSoup(response.content, "html.parser")  # any page, a 404 too
    return {text(link): link["href"] for link in page.select("footer.site-footer a")}


@pytest.mark.parametrize(
    "url, lang, title, says",
    [
        (
            "/en/privacy/",
            "en",
            "Privacy",
            [
                "Enrolments and progress",
                "Attendance",
                "Recordings",
                "Calendar feed",
                "Timebank",
                "Wiki",
                "Spaces",
                "E-mails",
                "when you came and went, the name shown in the room): 365 days",
                "Copies of the e-mails we sent: 90 days after sending",
                "never signed in: 14 days",
                "it works once, for 7 days",
                "“former member 8f3a”",
                "the timebank's ledger, the wiki's history and the minutes of attendance",
                "coordinator@example.org",
            ],
        ),
        (
            "/tr/gizlilik/",
            "tr",
            "Gizlilik",
            [
                "Modül kayıtları ve ilerleme",
                "Katılım",
                "Takvim beslemesi",
                "Zaman bankası",
                "Viki",
                "Alanlar",
                "E-postalar",
                "odada görünen adınız): 365 gün",
                "gönderildikten sonra 90 gün",
                "hiç oturum açılmamış bir üyelik başvurusu: 14 gün",
                "“eski üye 8f3a”",
                "coordinator@example.org",
            ],
        ),
    ],
)
def test_the_privacy_page_says_what_is_kept_why_and_how_long(client, demo, url, lang, title, says):
    response = client.get(url)

    assert response.status_code == 200
    page = parse(response)
    assert html_lang(page) == lang
    assert text(page.find("h1")) == title
    shown = text(page.find("main"))
    for words in says:
        assert words in shown
    links = {link["href"] for link in page.select("main a")}
    assert {f"/{lang}/profile/data/", f"/{lang}/profile/close/", f"/{lang}/profile/"} <= links
    assert "Not yet translated" not in shown  # every field has its Turkish


@pytest.mark.parametrize("lang, url", [("en", "/en/privacy/"), ("tr", "/tr/gizlilik/")])
def test_every_page_links_the_privacy_page_in_its_footer(client, demo, lang, url):
    for path in (f"/{lang}/", f"/{lang}/sessions/", f"/{lang}/accounts/login/", f"/{lang}/no-such-page/"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert url in footer_links(response).values(), path
    assert footer_links(client.get("/en/"))["Privacy"] == "/en/privacy/"


def test_the_privacy_link_follows_the_members_signed_in(client, demo):
    client.login(username="steward", password="nlu-demo")  # the steward reads Turkish
    assert "/tr/gizlilik/" in footer_links(client.get("/tr/profile/")).values()


@pytest.mark.parametrize("lang, url", [("en", "/en/privacy/"), ("tr", "/tr/gizlilik/")])
def test_the_sign_up_form_links_the_privacy_page(client, demo, lang, url):
    response = client.get(f"/{lang}/accounts/signup/")

    assert response.status_code == 200
    main = parse(response).find("main")
    assert main.find("form")  # allauth's form is still there
    assert url in [link["href"] for link in main.select("a")]
    if lang == "en":
        assert "What we keep about you, and why: Privacy" in text(main)


def test_without_a_privacy_page_there_is_no_link(client, demo, django_capture_on_commit_callbacks):
    assert footer_links(client.get("/en/"))["Privacy"] == "/en/privacy/"  # kept until the content changes
    with django_capture_on_commit_callbacks(execute=True):
        privacy_page().unpublish()
    assert "Privacy" not in footer_links(client.get("/en/"))
    assert "/en/privacy/" not in client.get("/en/accounts/signup/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        privacy_page().delete()
    assert "Privacy" not in footer_links(client.get("/en/"))


def test_the_link_costs_a_page_no_query_once_found(client, demo):
    client.get("/en/")
    with CaptureQueriesContext(connection) as queries:
        assert footer_links(client.get("/en/about/"))["Privacy"] == "/en/privacy/"
    assert not [query for query in queries if "nlu_standardpage" in query["sql"] and "privacy" in query["sql"]]


def test_the_footer_link_comes_with_the_page_when_pages_are_kept(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.NLU_PAGE_CACHE_SECONDS = 60  # the link is kept until the content changes
    call_command("load_demo", stdout=io.StringIO())
    privacy_page().delete()
    client.get("/en/")  # the cache keeps "no privacy page"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())

    assert footer_links(client.get("/en/about/"))["Privacy"] == "/en/privacy/"


def test_load_demo_again_changes_nothing_and_follows_the_retention_settings(demo, settings):
    revisions = Revision.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Revision.objects.count() == revisions

    settings.NLU_RETAIN_EMAIL_DAYS = 30
    settings.NLU_RETAIN_ATTENDANCE_DAYS = 0
    call_command("load_demo", stdout=io.StringIO())

    assert StandardPage.objects.filter(slug_en="privacy").count() == 1
    page = privacy_page()
    assert "Copies of the e-mails we sent: 30 days after sending" in page.body_en
    assert "gönderildikten sonra 30 gün" in page.body_tr
    assert "the name shown in the room): for as long as you are a member" in page.body_en
    assert page.live and not page.has_unpublished_changes
