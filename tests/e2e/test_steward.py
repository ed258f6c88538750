"""A shop steward's first day, on a phone and on a desktop, in English and in Turkish.

She signs up, verifies her e-mail, sets her time zone, enrols in Module 1, reads the unit of the
week and marks it done, sees her progress and subscribes to her personal calendar.
"""

import re

import icalendar
import pytest
import requests
import vobject
from playwright.sync_api import expect

from seminars.demo import WEEKLY

from .conftest import BROWSER_LOCALES
from .ui import enrol_and_mark_the_unit_done, field, nav, say, status

pytestmark = pytest.mark.e2e

# Her phone's zone when she signs up, before she sets the one she wants on her profile.
BROWSER_ZONE = "America/Sao_Paulo"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def confirmation_link(outbox, address: str) -> str:
    [message] = [message for message in outbox if message.to == [address]]
    return CONFIRM_LINK.search(message.body).group(0)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_steward_signs_up_enrols_studies_and_subscribes(open_page, module_1, mailoutbox, accessible, lang):
    page = open_page(locale=BROWSER_LOCALES[lang], timezone_id=BROWSER_ZONE)
    heading = page.get_by_role("heading", level=1)
    address = f"ayse.{lang}@example.org"

    # Sign up from the home page.
    page.goto(f"/{lang}/")
    accessible(page)
    nav(page, lang, "Join", menu="Account").click()
    expect(heading).to_have_text(say(lang, "Sign Up"))
    accessible(page)
    field(page, lang, "Email").fill(address)
    field(page, lang, "Username").fill(f"ayse_{lang}")
    field(page, lang, "Password").fill("dayanisma-2026-sendika")
    field(page, lang, "Password (again)").fill("dayanisma-2026-sendika")
    page.get_by_role("button", name=say(lang, "Sign Up")).click()
    expect(heading).to_have_text(say(lang, "Verify Your Email Address"))
    accessible(page)

    # The link in the e-mail, in her language, confirms the address and signs her in.
    link = confirmation_link(mailoutbox, address)
    assert f"/{lang}/accounts/confirm-email/" in link
    page.goto(link)
    expect(heading).to_have_text(say(lang, "Confirm Email Address"))
    accessible(page)
    page.get_by_role("button", name=say(lang, "Confirm")).click()

    # Her profile starts with her browser's zone; she chooses Istanbul's.
    expect(heading).to_have_text(say(lang, "Your profile"))
    zone = field(page, lang, "Time zone")
    expect(zone).to_have_value(BROWSER_ZONE)
    accessible(page)
    zone.select_option("Europe/Istanbul")
    page.get_by_role("button", name=say(lang, "Save")).click()
    expect(status(page)).to_have_text(say(lang, "Your profile has been saved."))
    expect(zone).to_have_value("Europe/Istanbul")
    expect(page.get_by_role("contentinfo")).to_contain_text("Europe/Istanbul")
    accessible(page)

    # She finds Module 1 among the courses, enrols, and marks the unit of the week done.
    enrol_and_mark_the_unit_done(page, lang, accessible)

    # Her progress, where she looks for it.
    nav(page, lang, "My learning").click()
    one_of_seven = say(lang, "%(done)s of %(total)s units done", done=1, total=7)
    expect(page.get_by_text(one_of_seven)).to_be_visible()
    expect(page.get_by_role("progressbar", name=say(lang, "Progress"))).to_have_attribute("value", "1")
    accessible(page)

    # Her personal calendar: the address answers to any calendar program, without signing in.
    nav(page, lang, "Sessions").click()
    accessible(page)
    page.get_by_role("link", name=say(lang, "Subscribe to your calendar")).click()
    expect(heading).to_have_text(say(lang, "Your calendar"))
    accessible(page)
    feed_url = field(page, lang, "Calendar address").input_value()
    feed = requests.get(feed_url, timeout=10)
    assert feed.status_code == 200
    assert feed.headers["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    weekly = [event for event in events if event["summary"] == WEEKLY[f"title_{lang}"]]
    assert len(weekly) == 7, [str(event["summary"]) for event in events]
    assert {event["dtstart"].params["TZID"] for event in weekly} == {"Europe/Istanbul"}
    assert len(vobject.readOne(feed.text).vevent_list) == len(events)
