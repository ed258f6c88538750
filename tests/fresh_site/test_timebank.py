"""timebank/ alone in a fresh wagtail start site: a member sees their hours, the board, and gives hours."""

import re

from .site import Browser, FreshSite, in_host_layout, needs_fresh_site

pytestmark = needs_fresh_site

PASSWORD = "a fresh site's password 42"
CSS = "timebank/timebank.css"


def test_timebank_in_a_fresh_wagtail_site(tmp_path):
    site = FreshSite.create(tmp_path, "timebank")
    assert site.packages == ["timebank", "suite"]
    site.install()
    assert (site.folder / "timebank/locale/tr/LC_MESSAGES/django.mo").is_file(), "compile_translations left it out"
    site.add_member("ada", PASSWORD)
    site.add_member("bo", PASSWORD)

    with site.served() as server:
        ada = Browser(server)
        ada.get("/")  # Wagtail's own home page still answers: the include did not shadow it
        ada.sign_in("ada", PASSWORD)

        account = in_host_layout(ada.get("/timebank/"), title="My hours", stylesheet=CSS)
        assert re.search(r"Balance: <strong>\s*0", account), "a new member's balance is not 0"
        assert "Nothing is waiting for you." in account

        board = in_host_layout(ada.get("/timebank/offers/"), title="Offers and requests", stylesheet=CSS)
        assert "Post an offer or a request" in board

        in_host_layout(ada.get("/timebank/give/"), title="Give hours", stylesheet=CSS)
        given = ada.submit(
            "/timebank/give/",
            {"recipient": "member", "member": "bo", "hours": "1", "minutes": "30", "memo": "For the leaflets"},
        )
        assert given.headers["Location"] == "/timebank/"
        account = in_host_layout(ada.get("/timebank/"), title="My hours", stylesheet=CSS)
        assert re.search(r"Balance: <strong>\s*\u22121 h 30 min", account), "ada's balance is not -1 h 30 min"
        assert "For the leaflets" in account and re.search(r">\s*bo\s*<", account), "the gift is not in the statement"

        bo = Browser(server)
        bo.sign_in("bo", PASSWORD)
        account = in_host_layout(bo.get("/timebank/"), title="My hours", stylesheet=CSS)
        assert re.search(r"Balance: <strong>\s*1 h 30 min", account), "bo's balance is not 1 h 30 min"
        assert "For the leaflets" in account and re.search(r">\s*ada\s*<", account), "the gift is not in the statement"

        anonymous = Browser(server)
        board = in_host_layout(anonymous.get("/timebank/offers/"), title="Offers and requests", stylesheet=CSS)
        assert "Post an offer or a request" not in board
        community = in_host_layout(anonymous.get("/timebank/community/"), title="Community", stylesheet=CSS)
        assert "1 h 30 min" in community, "the community's figures miss the hours given"
        refused = anonymous.get("/timebank/", status=302)
        assert refused.headers["Location"] == "/accounts/login/?next=/timebank/"
