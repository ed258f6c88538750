"""The wiki as a plugin of any Wagtail site: its settings, its refusals, its layout, its names."""

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.utils import translation

from suite.errors import Refusal
from wiki.conf import app_settings
from wiki.errors import EditConflict, WikiError
from wiki.models import WikiPage
from wiki.services import page_create
from wiki.views.base import refusal_status

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


# --- Settings ------------------------------------------------------------------------------------


def test_the_settings_have_their_defaults(settings):
    for name in ("WIKI_PAGE_SIZE", "WIKI_MAX_TEXT_BYTES", "WIKI_EDITS_PER_MINUTE"):
        if hasattr(settings, name):
            delattr(settings, name)
    assert (app_settings.PAGE_SIZE, app_settings.MAX_TEXT_BYTES, app_settings.EDITS_PER_MINUTE) == (50, 1_000_000, 30)
    with pytest.raises(AttributeError):
        app_settings.NO_SUCH_SETTING  # noqa: B018


def test_the_page_size_is_read_at_each_request(client, settings):
    WikiPage.objects.bulk_create([WikiPage(language="en", slug=f"page-{n}", title=f"Page {n}") for n in range(7)])
    settings.WIKI_PAGE_SIZE = 3
    html = soup(client.get("/en/wiki/"))
    assert len(html.select(".wiki-list li")) == 3
    assert html.select_one(".pagination [aria-current]").get_text() == "Page 1 of 3"
    settings.WIKI_PAGE_SIZE = 5
    assert len(soup(client.get("/en/wiki/?page=2")).select(".wiki-list li")) == 2


def test_the_text_limit_is_read_at_each_use(member, member_client, settings):
    settings.WIKI_MAX_TEXT_BYTES = 20
    form = soup(member_client.get("/en/wiki/+new/"))
    assert form.select_one("textarea[name=text]")["maxlength"] == "20"
    with pytest.raises(WikiError) as raised:
        page_create(title="Long", language="en", text="x" * 21, author=member)
    assert raised.value.code == "too_large"
    assert page_create(title="Short", language="en", text="x" * 19, author=member).text == "x" * 19 + "\n"


# --- Refusals ------------------------------------------------------------------------------------


def test_refusals_carry_a_code_and_a_message_and_no_status(member):
    page = page_create(title="Agenda", language="en", text="Text.\n", author=member)
    with pytest.raises(WikiError) as raised:
        page_create(title="Agenda", language="en", text="Again.\n", author=member)
    refusal = raised.value
    assert isinstance(refusal, Refusal)
    assert (refusal.code, refusal.page) == ("slug_taken", page)
    assert str(refusal.message) == "A page with this name already exists: Agenda."
    assert not hasattr(refusal, "status") and not hasattr(refusal, "field")
    assert issubclass(EditConflict, WikiError)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("anonymous", 403),
        ("protected", 403),
        ("forbidden", 403),
        ("no_revision", 404),
        ("no_origin", 404),
        ("slug_taken", 409),
        ("translation_exists", 409),
        ("same_language", 409),
        ("conflict", 409),
        ("too_large", 413),
        ("rate_limited", 429),
        ("no_text", 400),
        ("too_complex", 400),
        ("unchanged", 400),
        ("bad_base", 400),
    ],
)
def test_the_views_answer_each_refusal_with_its_status(code, status):
    assert refusal_status(WikiError("No.", code=code)) == status


# --- Layout and sign-in --------------------------------------------------------------------------


def test_every_page_extends_the_wikis_base_inside_the_hosts(member_client, make_page):
    page = make_page("Agenda", "See [[Nowhere]].\n")
    views = {
        "/en/wiki/": 200,
        "/en/wiki/+recent/": 200,
        "/en/wiki/+search/?q=agenda": 200,
        f"/en/wiki/{page.slug}/": 200,
        f"/en/wiki/{page.slug}/history/": 200,
        f"/en/wiki/{page.slug}/diff/?from=1&to=1": 200,
        f"/en/wiki/{page.slug}/links/": 200,
        f"/en/wiki/{page.slug}/edit/": 200,
        "/en/wiki/+new/": 200,
        "/en/wiki/Nowhere/": 404,
        f"/en/wiki/{page.slug}/?revision=9": 404,
    }
    for path, status in views.items():
        response = member_client.get(path)
        assert response.status_code == status, path
        names = [template.name for template in response.templates]
        assert response.context["suite_base_template"] == "base.html", path
        assert names.index("wiki/base.html") < names.index("base.html"), path
        assert soup(response).find("link", href=lambda href: href and href.endswith("wiki/wiki.css")), path


def test_the_title_block_names_the_page(client, make_page):
    page = make_page("Agenda")
    assert soup(client.get(f"/en/wiki/{page.slug}/")).title.get_text().startswith("Agenda · Wiki")


def test_members_only_pages_send_visitors_to_the_hosts_sign_in_page(client, make_page, settings):
    page = make_page("Agenda")
    settings.LOGIN_URL = "/members/sign-in/"
    for path in (f"/en/wiki/{page.slug}/edit/", "/en/wiki/+new/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"/members/sign-in/?next={path.replace('+', '%2B')}"
    response = client.post(f"/en/wiki/{page.slug}/protect/", {"protected": "1"})
    assert response["Location"].startswith("/members/sign-in/?next=")


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_refused_member_reads_why_in_any_host(member_client, coordinator, make_page, language):
    """The wiki answers with its own page (the host's 403 page need not show a reason)."""
    page = make_page("Statutes", language=language)
    response = member_client.post(f"/{language}/wiki/{page.slug}/protect/", {"protected": "1"})
    assert response.status_code == 403
    expected = {"en": "Only coordinators can protect", "tr": "yalnızca koordinatörler koruyabilir"}[language]
    assert expected in soup(response).select_one(".message.error").get_text()


def test_a_host_without_language_prefixes_writes_pages_in_its_language(member_client, settings):
    """A ``wagtail start`` site runs in its LANGUAGE_CODE "en-us", with no LocaleMiddleware; LANGUAGES has "en"."""
    settings.ROOT_URLCONF = "tests.wiki.urls_without_prefix"
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.endswith("LocaleMiddleware")]
    settings.LANGUAGE_CODE = "en-us"
    with translation.override("en-us"):
        response = member_client.post("/wiki/+new/", {"title": "Shop stewards", "text": "Elected by the workers."})
        assert response.status_code == 302
        assert response["Location"] == "/wiki/shop-stewards/"
        preview = member_client.post("/wiki/+preview/", {"text": "See [[Shop stewards]]."})
    assert WikiPage.objects.get().language == "en"
    assert soup(preview).a["href"] == "/wiki/shop-stewards/"


# --- Names ---------------------------------------------------------------------------------------


def test_every_model_has_its_names_in_english_and_turkish():
    models = list(apps.get_app_config("wiki").get_models())
    names = {}
    for language in ("en", "tr"):
        with translation.override(language):
            names[language] = {
                model.__name__: (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))
                for model in models
            }
    assert names["en"] == {
        "WikiPage": ("wiki page", "wiki pages"),
        "TaggedWikiPage": ("wiki page tag", "wiki page tags"),
        "Revision": ("revision", "revisions"),
        "PageLink": ("page link", "page links"),
        "RemoteWiki": ("remote wiki", "remote wikis"),
        "RemoteAuthor": ("remote author", "remote authors"),
        "RemotePage": ("remote page", "remote pages"),
        "MediaWikiImport": ("MediaWiki import", "MediaWiki imports"),
    }
    for model, (singular, plural) in names["tr"].items():
        assert (singular, plural) != names["en"][model], model
    assert names["tr"]["PageLink"] == ("sayfa bağlantısı", "sayfa bağlantıları")
