"""Offline reading, the server's side: the service worker, the manifest, the offline page and every
sign-out telling the browser to forget what it saved."""

import json
import re

from django.contrib.staticfiles import finders
from django.templatetags.static import static

from tests.factories import UserFactory
from tests.nlu.screen import parse, text


def test_service_worker_is_served_at_the_root_for_the_whole_site(client, db):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    # A browser asks again each time, so a new worker reaches it with the next deploy.
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/en/offline/"' in body and '"/tr/offline/"' in body
    assert "/static/nlu/nlu.css" in body
    # Its offline pages go in a cache named after this worker: a new one never empties the one in use.
    assert re.search(r'const SHELL = "nlu-shell-[0-9a-f]{12}";', body)


def test_manifest_names_the_site_and_opens_it_standalone(client, db):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Networked Labour University"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert response["Cache-Control"] == "max-age=86400", "fetched again on every page otherwise"
    assert "Accept-Language" in response["Vary"]
    # A phone offers to install the site only with an icon.
    (icon,) = manifest["icons"]
    assert (icon["sizes"], icon["type"]) == ("any", "image/svg+xml")
    assert icon["src"] == static("nlu/icon.svg") and finders.find("nlu/icon.svg")


def test_every_page_links_the_manifest_and_the_offline_script(client, db):
    page = parse(client.get("/en/offline/"))

    assert page.select_one('link[rel="manifest"]')["href"] == "/manifest.webmanifest"
    script = page.select_one('script[src$="nlu/offline.js"]')
    assert script["data-worker"] == "/sw.js" and script.has_attr("defer")
    assert page.select_one('meta[name="offline-owner"]')["content"] == ""


def test_the_offline_page_says_the_page_was_not_saved(client, db):
    page = parse(client.get("/tr/offline/"))

    assert page.html["lang"] == "tr"
    assert page.select_one("[data-offline-list]").has_attr("hidden")
    assert text(page.h1)


def test_the_owner_mark_differs_per_member_and_names_no_one(client, db):
    marks = []
    for username in ["ayse", "deniz"]:
        member = UserFactory(username=username)
        client.force_login(member)
        mark = parse(client.get("/en/offline/")).select_one('meta[name="offline-owner"]')["content"]
        assert mark and username not in mark and str(member.pk) != mark
        marks.append(mark)
    assert marks[0] != marks[1]


def test_signing_out_tells_the_browser_to_clear_its_caches(client, db):
    member = UserFactory()
    client.force_login(member)

    response = client.post("/en/accounts/logout/")

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session
    # The page that asks "sign out?" (shown to a member still signed in) clears nothing.
    client.force_login(member)
    asking = client.get("/en/accounts/logout/")
    assert asking.status_code == 200
    assert "Clear-Site-Data" not in asking
    assert client.session["_auth_user_id"] == str(member.pk)


def test_signing_out_of_wagtail_admin_clears_the_caches_too(client, db):
    editor = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(editor)

    response = client.post("/admin/logout/")

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session
    # Signed out, the pages she reads again clear nothing.
    assert "Clear-Site-Data" not in client.get("/en/offline/")
