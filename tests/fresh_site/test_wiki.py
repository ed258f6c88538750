"""wiki/ alone in a fresh wagtail start site: a member writes a page, anyone reads it."""

from .site import Browser, FreshSite, in_host_layout, needs_fresh_site

pytestmark = needs_fresh_site

PASSWORD = "a fresh site's password 42"


def test_wiki_in_a_fresh_wagtail_site(tmp_path):
    site = FreshSite.create(tmp_path, "wiki")
    assert site.packages == ["wiki", "suite"]
    site.install()
    assert (site.folder / "wiki/locale/tr/LC_MESSAGES/django.mo").is_file(), "compile_translations left wiki out"
    site.add_member("ada", PASSWORD)

    with site.served() as server:
        ada = Browser(server)
        ada.get("/")  # Wagtail's own home page still answers: the include did not shadow it
        ada.sign_in("ada", PASSWORD)

        index = in_host_layout(ada.get("/wiki/"), title="Wiki", stylesheet="wiki/wiki.css")
        assert "No page is written in this language yet." in index

        in_host_layout(ada.get("/wiki/+new/"), title="New wiki page", stylesheet="wiki/wiki.css")
        created = ada.submit(
            "/wiki/+new/",
            {
                "title": "Shop stewards",
                "text": "Elected by the **workers** of a shop. See [[Collective agreements]].",
                "summary": "A first page",
                "tags": "organising",
            },
        )
        address = created.headers["Location"]
        assert address == "/wiki/shop-stewards/", f"the new page is at {address}"

        page = in_host_layout(ada.get(address), title="Shop stewards", stylesheet="wiki/wiki.css")
        assert "<strong>workers</strong>" in page
        assert "Collective agreements" in page  # the link to a page yet to be written
        assert "organising" in page

        history = in_host_layout(
            ada.get(address + "history/"), title="History of Shop stewards", stylesheet="wiki/wiki.css"
        )
        assert "A first page" in history and "ada" in history

        index = in_host_layout(ada.get("/wiki/"), title="Wiki", stylesheet="wiki/wiki.css")
        assert "Shop stewards" in index
        recent = in_host_layout(ada.get("/wiki/+recent/"), title="Recent changes", stylesheet="wiki/wiki.css")
        assert "Shop stewards" in recent and "ada" in recent

        anonymous = Browser(server)
        page = in_host_layout(anonymous.get(address), title="Shop stewards", stylesheet="wiki/wiki.css")
        assert "<strong>workers</strong>" in page
        # Writing is for members: the site's LOGIN_URL (Django's default; wagtail start has no page there).
        refused = anonymous.get("/wiki/+new/", status=302)
        assert refused.headers["Location"] == "/accounts/login/?next=/wiki/%2Bnew/"
