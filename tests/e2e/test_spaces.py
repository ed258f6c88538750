"""A researcher starts a members-only working group, schedules its meetings, draws its map, shares a file
and invites the steward, who accepts — on a phone and on a desktop, in English and in Turkish.

The researcher finds "Spaces" in the main navigation, starts the space (joining by invitation),
schedules a bi-weekly meeting at 16:00 Europe/Berlin, adds the space's first wiki page with a
mindmap (drawn by mermaid in the page), shares a reading list, and makes an invitation link on
the members page. The steward, signed in on their own phone, opens the link, accepts, and finds
the space with its page, file and next meeting; the space lists both as members.
"""

import datetime

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from .conftest import BROWSER_LOCALES
from .ui import field, nav, say, sign_in, status

pytestmark = pytest.mark.e2e

NAMES = {"en": "Couriers' research circle", "tr": "Kuryeler araştırma çemberi"}
PURPOSES = {
    "en": "We map how couriers organise across platforms.",
    "tr": "Kuryelerin platformlar arasında nasıl örgütlendiğinin haritasını çıkarıyoruz.",
}
PAGE_TITLES = {"en": "Map of the couriers' networks", "tr": "Kurye ağlarının haritası"}
MINDMAP = {
    "en": "mindmap\n  root((Couriers))\n    Unions\n    Platforms\n",
    "tr": "mindmap\n  root((Kuryeler))\n    Sendikalar\n    Platformlar\n",
}
FILE_TITLES = {"en": "Reading list", "tr": "Okuma listesi"}


def members_link(lang: str, count: int) -> str:
    with translation.override(lang):
        return translation.ngettext("%(members)s member", "%(members)s members", count) % {"members": count}


def meeting_time(lang: str, zone: str) -> str:
    """How the next meeting's time ends for a member living in ``zone``: their zone, then the meeting's own clock."""
    return f"({zone}) · " + say(lang, "%(local)s in %(zone)s", local="16:00", zone="Europe/Berlin")


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_researcher_starts_a_space_and_the_steward_joins_by_invitation(
    open_page, demo, speaks, accessible, lang, settings, live_server
):
    settings.SITE_URL = live_server.url  # the invitation link is on the site's address
    speaks(lang)
    researcher = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Berlin")
    sign_in(researcher, lang, "researcher", accessible)
    heading = researcher.get_by_role("heading", level=1)

    # Start the space.
    nav(researcher, lang, "Spaces").click()
    expect(heading).to_have_text(say(lang, "Spaces"))
    accessible(researcher)
    researcher.get_by_role("link", name=say(lang, "Start a space"), exact=True).click()
    expect(heading).to_have_text(say(lang, "Start a space"))
    accessible(researcher)
    for code, language in [("en", "English"), ("tr", "Türkçe")]:
        field(researcher, lang, "Name (%(language)s)", language=language).fill(NAMES[code])
        field(researcher, lang, "Purpose (%(language)s)", language=language).fill(PURPOSES[code])
    field(researcher, lang, "Who may read it").select_option("members")
    field(researcher, lang, "How members join").select_option("invitation")
    researcher.get_by_role("button", name=say(lang, "Start the space"), exact=True).click()
    expect(status(researcher)).to_contain_text(
        say(lang, "Your space is open. Invite others, add pages, schedule your meeting.")
    )
    expect(heading).to_have_text(NAMES[lang])
    accessible(researcher)
    space_url = researcher.url

    # Its regular meeting: every two weeks at 16:00 in Berlin.
    researcher.get_by_role("link", name=say(lang, "Schedule the meetings"), exact=True).click()
    expect(heading).to_have_text(say(lang, "Schedule the meetings"))
    accessible(researcher)
    first = timezone.localdate() + datetime.timedelta(days=3)
    field(researcher, lang, "Date").fill(first.isoformat())
    field(researcher, lang, "Start time").fill("16:00")
    field(researcher, lang, "Time zone").select_option("Europe/Berlin")
    field(researcher, lang, "Length (minutes)").fill("90")
    field(researcher, lang, "Every how many weeks").fill("2")
    field(researcher, lang, "Number of meetings").fill("6")
    researcher.get_by_role("button", name=say(lang, "Schedule the meetings"), exact=True).click()
    expect(status(researcher)).to_contain_text(
        say(lang, "The meetings are scheduled; members find them in their calendars.")
    )
    # The researcher lives in São Paulo (the demo's profile): the space shows it on their clock.
    expect(researcher.locator("dl.facts")).to_contain_text(meeting_time(lang, "America/Sao_Paulo"))
    accessible(researcher)

    # Its first page, with a map drawn in the page.
    researcher.get_by_role("link", name=say(lang, "Add a page to this space"), exact=True).click()
    expect(researcher.locator(".wiki-scope")).to_contain_text(NAMES[lang])
    accessible(researcher)
    field(researcher, lang, "Title").fill(PAGE_TITLES[lang])
    field(researcher, lang, "Text").fill(f"{PAGE_TITLES[lang]}:\n\n```mermaid\n{MINDMAP[lang]}```\n")
    researcher.get_by_role("button", name=say(lang, "Create the page"), exact=True).click()
    expect(status(researcher)).to_have_text(say(lang, "The page is created."))
    drawing = researcher.get_by_role("article").locator("figure.wiki-map .wiki-map-drawing svg")
    expect(drawing).to_be_visible()
    expect(drawing).to_contain_text(MINDMAP[lang].split("((")[1].split("))")[0])
    accessible(researcher)

    # A file for the members.
    researcher.goto(space_url)
    accessible(researcher)
    researcher.get_by_role("link", name=say(lang, "All files, and share a file"), exact=True).click()
    accessible(researcher)
    field(researcher, lang, "File").set_input_files(
        {"name": "reading-list.md", "mimeType": "text/markdown", "buffer": b"# Reading list\n\n- Platform co-ops\n"}
    )
    field(researcher, lang, "Title (optional)").fill(FILE_TITLES[lang])
    researcher.get_by_role("button", name=say(lang, "Share"), exact=True).click()
    expect(status(researcher)).to_have_text(say(lang, "The file is shared with the space."))
    expect(researcher.get_by_role("table").get_by_role("link", name=FILE_TITLES[lang])).to_be_visible()
    accessible(researcher)

    # An invitation link for the steward.
    researcher.goto(space_url)
    accessible(researcher)
    researcher.get_by_role("link", name=members_link(lang, 1)).click()
    accessible(researcher)
    researcher.get_by_role("button", name=say(lang, "Make an invitation link"), exact=True).click()
    invitation_link = researcher.locator("main code").first.inner_text()
    accessible(researcher)

    steward = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Istanbul")
    sign_in(steward, lang, "steward", accessible)
    steward.goto(space_url)  # a members-only space is not there for them yet
    expect(steward.get_by_role("heading", level=1)).not_to_have_text(NAMES[lang])
    accessible(steward)
    steward.goto(invitation_link)
    expect(steward.get_by_role("heading", level=1)).to_have_text(
        say(lang, "You are invited to %(name)s", name=NAMES[lang])
    )
    accessible(steward)
    steward.get_by_role("button", name=say(lang, "Accept and join"), exact=True).click()
    expect(status(steward)).to_have_text(say(lang, "Welcome: you are a member of this space."))
    expect(steward.get_by_role("heading", level=1)).to_have_text(NAMES[lang])
    expect(steward.get_by_role("link", name=PAGE_TITLES[lang], exact=True)).to_be_visible()
    expect(steward.get_by_role("link", name=FILE_TITLES[lang], exact=True)).to_be_visible()
    expect(steward.locator("dl.facts")).to_contain_text(meeting_time(lang, "Europe/Istanbul"))
    accessible(steward)

    researcher.goto(space_url)
    expect(researcher.get_by_role("link", name=members_link(lang, 2))).to_be_visible()
    accessible(researcher)
