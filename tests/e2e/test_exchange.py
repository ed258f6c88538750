"""An exchange between two members, on a phone and on a desktop, in English and in Turkish.

The researcher posts on the board that she needs a survey translated; the steward finds the
post, does the work and records it from the post ("I helped Sam for 1 h 30 min"), which asks
the researcher to confirm; the researcher finds it waiting on "My hours" and confirms; both
statements show the hours moved and both balances have changed by them.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from timebank.formatting import hours
from timebank.services import account_for

from .conftest import BROWSER_LOCALES
from .ui import field, nav, say, sign_in, status

pytestmark = pytest.mark.e2e

TITLES = {
    "en": "Translate a short survey for delivery workers into Turkish",
    "tr": "Kurye işçileri için kısa bir anketin Türkçeye çevirisi",
}
DESCRIPTIONS = {
    "en": "Twelve questions about pay and working hours, for a meeting in Istanbul.",
    "tr": "Ücretler ve çalışma saatleri üzerine on iki soru; İstanbul'daki bir toplantı için.",
}
MINUTES = 90
# As a member reads it, written out here so that a wrong format cannot agree with itself.
AMOUNTS = {"en": "1 h 30 min", "tr": "1 sa 30 dk"}
RESEARCHER, STEWARD = "Sam (researcher)", "Ayşe (shop steward)"


def shown(lang: str, minutes: int) -> str:
    with translation.override(lang):
        return hours(minutes)


def balance(page, lang: str):
    return page.get_by_role("region", name=say(lang, "Balance")).get_by_role("strong")


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_members_exchange_hours_through_the_board(open_page, demo, speaks, accessible, lang):
    speaks(lang)
    members = get_user_model().objects.filter(username__in=["researcher", "steward"])
    before = {member.username: account_for(member).balance for member in members}

    # The researcher posts what she needs, from her hours through the board.
    researcher = open_page(locale=BROWSER_LOCALES[lang], timezone_id="America/Sao_Paulo")
    heading = researcher.get_by_role("heading", level=1)
    sign_in(researcher, lang, "researcher", accessible)
    nav(researcher, lang, "My hours").click()
    expect(heading).to_have_text(say(lang, "My hours"))
    expect(balance(researcher, lang)).to_have_text(shown(lang, before["researcher"]))
    accessible(researcher)
    nav(researcher, lang, "Offers and requests", menu="Timebank").click()
    expect(heading).to_have_text(say(lang, "Offers and requests"))
    accessible(researcher)
    researcher.get_by_role("link", name=say(lang, "Post an offer or a request")).click()
    expect(heading).to_have_text(say(lang, "Post an offer or a request"))
    accessible(researcher)
    researcher.get_by_role("radio", name=say(lang, "I need")).check()
    field(researcher, lang, "Category").select_option(label=say(lang, "Translation and interpretation"))
    field(researcher, lang, "Title").fill(TITLES[lang])
    field(researcher, lang, "Description").fill(DESCRIPTIONS[lang])
    expect(field(researcher, lang, "Language it is written in")).to_have_value(lang)
    researcher.get_by_role("button", name=say(lang, "Save")).click()
    expect(status(researcher).first).to_have_text(say(lang, "Saved; it is on the board."))  # then the count
    expect(researcher.get_by_role("heading", name=TITLES[lang])).to_be_visible()
    accessible(researcher)

    # The steward finds it on the board and, the work done, records it with its author.
    steward = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Istanbul")
    sign_in(steward, lang, "steward", accessible)
    nav(steward, lang, "My hours").click()
    expect(balance(steward, lang)).to_have_text(shown(lang, before["steward"]))
    accessible(steward)
    nav(steward, lang, "Offers and requests", menu="Timebank").click()
    accessible(steward)
    steward.get_by_role("search").get_by_label(say(lang, "Search")).fill(TITLES[lang])
    steward.get_by_role("search").get_by_role("button", name=say(lang, "Search")).click()
    post = steward.get_by_role("listitem").filter(has=steward.get_by_role("heading", name=TITLES[lang]))
    expect(post).to_contain_text(say(lang, "I need"))
    expect(post).to_contain_text(RESEARCHER)
    accessible(steward)
    post.get_by_role("link", name=say(lang, "Record an exchange with %(member)s", member=RESEARCHER)).click()
    expect(steward.get_by_role("heading", level=1)).to_have_text(say(lang, "Record hours you gave"))
    # Taken from the post: named as the researcher is shown to others, no username asked for or sent.
    expect(steward.locator("main form p.field")).to_have_text(
        re.compile(rf"{re.escape(say(lang, 'Whom you helped'))}\s*{re.escape(RESEARCHER)}")
    )
    expect(steward.locator("main form [name=debtor]")).to_have_count(0)
    expect(field(steward, lang, "What for")).to_have_value(TITLES[lang])
    accessible(steward)
    field(steward, lang, "Hours").fill("1")
    field(steward, lang, "Minutes").fill("30")
    steward.get_by_role("button", name=say(lang, "Ask them to confirm")).click()
    expect(status(steward)).to_have_text(
        say(
            lang,
            "%(member)s is asked to confirm %(amount)s. The hours move when they confirm.",
            member=RESEARCHER,
            amount=AMOUNTS[lang],
        )
    )
    asked = steward.get_by_role("region", name=say(lang, "Your requests waiting for an answer"))
    expect(asked.get_by_role("article").filter(has_text=TITLES[lang])).to_contain_text(AMOUNTS[lang])
    expect(balance(steward, lang)).to_have_text(shown(lang, before["steward"]))  # nothing moves yet
    accessible(steward)

    # The researcher finds it waiting on her hours and confirms.
    nav(researcher, lang, "My hours").click()
    waiting = researcher.get_by_role("region", name=say(lang, "Waiting for your confirmation"))
    request = waiting.get_by_role("article").filter(has_text=TITLES[lang])
    expect(request).to_contain_text(STEWARD)
    expect(request).to_contain_text(AMOUNTS[lang])
    accessible(researcher)
    request.get_by_role("button", name=say(lang, "Confirm and pay %(amount)s", amount=AMOUNTS[lang])).click()
    expect(status(researcher)).to_have_text(
        say(lang, "Confirmed: %(amount)s paid to %(member)s.", amount=AMOUNTS[lang], member=STEWARD)
    )
    expect(waiting).to_contain_text(say(lang, "Nothing is waiting for you."))
    expect(balance(researcher, lang)).to_have_text(shown(lang, before["researcher"] - MINUTES))
    paid = researcher.get_by_role("row").filter(has_text=TITLES[lang])
    expect(paid).to_contain_text(STEWARD)
    expect(paid).to_contain_text(f"\u2212{AMOUNTS[lang]}")
    accessible(researcher)

    # The steward's statement shows the hours received.
    steward.reload()
    expect(balance(steward, lang)).to_have_text(shown(lang, before["steward"] + MINUTES))
    received = steward.get_by_role("row").filter(has_text=TITLES[lang])
    expect(received).to_contain_text(RESEARCHER)
    expect(received).to_contain_text(f"+{AMOUNTS[lang]}")
    expect(asked).to_contain_text(say(lang, "None."))
    accessible(steward)
