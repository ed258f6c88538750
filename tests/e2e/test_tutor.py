"""A tutor's live session, on a phone and on a desktop, in English and in Turkish.

The tutor schedules Module 1's weekly series, starts the first session (into the BBB stand-in's
room as MODERATOR), the demo steward joins from her own browser (VIEWER), the tutor ends the
meeting there, the session page shows the attendance, and the session's length is credited to
the tutor's timebank account, as her "My hours" page shows.
"""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from playwright.sync_api import expect

from courses.demo import MODULE
from timebank.formatting import hours
from timebank.services import account_for

from .conftest import BROWSER_LOCALES
from .ui import field, nav, say, sign_in, status

pytestmark = pytest.mark.e2e

TITLES = {"en": "Module 1: live session of the week", "tr": "Modül 1: haftanın canlı oturumu"}
LENGTH_MINUTES = 90
WEEKS = 7


@pytest.fixture
def live_site(settings, live_server, bbb_settings):
    """BBB (the stand-in) calls the live server back when a meeting ends.

    The settings allow forms to lead to BBB_URL's origin (the join redirects there): here that
    is the stand-in's port, as the settings would derive it from the environment.
    """
    settings.SITE_URL = live_server.url
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", bbb_settings.origin]
    settings.CONTENT_SECURITY_POLICY = policy
    return bbb_settings


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_tutor_runs_a_live_session_and_earns_its_hours(open_page, module_1, speaks, live_site, accessible, lang):
    speaks(lang)
    balance_before = account_for(get_user_model().objects.get(username="tutor")).balance
    tutor = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Rome")
    heading = tutor.get_by_role("heading", level=1)

    # From the module page to the schedule form, which proposes the cohort's zone.
    sign_in(tutor, lang, "tutor", accessible)
    nav(tutor, lang, "Courses").click()
    accessible(tutor)
    tutor.get_by_role("link", name=MODULE[f"title_{lang}"]).click()
    accessible(tutor)
    tutor.get_by_role("link", name=say(lang, "Schedule a session")).click()
    expect(heading).to_have_text(say(lang, "Schedule a session"))
    expect(field(tutor, lang, "Time zone")).to_have_value(module_1.timezone)
    accessible(tutor)

    # A weekly series whose first session starts now, on the cohort's clock.
    now = timezone.now().astimezone(module_1.zone)
    for code, name in [("en", "English"), ("tr", "Türkçe")]:
        field(tutor, lang, "Title (%(language)s)", language=name).fill(TITLES[code])
    field(tutor, lang, "Date").fill(now.date().isoformat())
    field(tutor, lang, "Start time").fill(now.strftime("%H:%M"))
    field(tutor, lang, "Length (minutes)").fill(str(LENGTH_MINUTES))
    field(tutor, lang, "Number of sessions").fill(str(WEEKS))
    field(tutor, lang, "Every how many weeks").fill("1")
    tutor.get_by_role("button", name=say(lang, "Schedule", context="button: put the sessions in the calendar")).click()
    expect(status(tutor)).to_have_text(say(lang, "%(count)s session(s) scheduled.", count=WEEKS))
    expect(heading).to_have_text(TITLES[lang])
    accessible(tutor)

    # Starting it takes the tutor into the meeting room as moderator.
    tutor.get_by_role("button", name=say(lang, "Start the session")).click()
    expect(tutor.get_by_role("heading", level=1)).to_contain_text("you are in as MODERATOR")

    # The steward, in her own browser, finds the session and joins as a viewer.
    steward = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Istanbul")
    sign_in(steward, lang, "steward", accessible)
    nav(steward, lang, "Sessions").click()
    accessible(steward)
    steward.get_by_role("link", name=TITLES[lang]).first.click()
    expect(steward.get_by_role("heading", level=1)).to_have_text(TITLES[lang])
    accessible(steward)
    steward.get_by_role("button", name=say(lang, "Join", context="enter a live session")).click()
    expect(steward.get_by_role("heading", level=1)).to_contain_text("you are in as VIEWER")

    # The tutor sees her come in, and ends the meeting; BBB sends the tutor back to the session page.
    tutor.reload()
    expect(tutor.get_by_role("listitem").filter(has_text="VIEWER")).to_contain_text("Ayşe")
    tutor.get_by_role("button", name="End meeting").click()
    expect(heading).to_have_text(TITLES[lang])
    accessible(tutor)
    live_site.wait_for_callbacks()  # BBB's end callback reaches the site while the page loads
    tutor.reload()
    status_of = tutor.get_by_role("definition").filter(has_text=say(lang, "ended"))
    expect(status_of).to_be_visible()
    accessible(tutor)

    # Who came, and for how long.
    tutor.get_by_role("link", name=say(lang, "Attendance")).click()
    expect(heading).to_have_text(say(lang, "Attendance"))
    rows = tutor.get_by_role("row")
    expect(rows.filter(has_text="Giulia")).to_contain_text("MODERATOR")
    expect(rows.filter(has_text="Ayşe")).to_contain_text("VIEWER")
    accessible(tutor)

    # The session's length, earned in the timebank: on her hours, the balance and the credit.
    nav(tutor, lang, "My hours").click()
    expect(heading).to_have_text(say(lang, "My hours"))
    with translation.override(lang):
        balance_after, earned = hours(balance_before + LENGTH_MINUTES), hours(LENGTH_MINUTES)
    expect(tutor.get_by_role("region", name=say(lang, "Balance")).get_by_role("strong")).to_have_text(balance_after)
    credits = tutor.get_by_role("row").filter(has_text=say(lang, "tutoring")).filter(has_text=f"+{earned}")
    expect(credits).to_have_count(1)
    accessible(tutor)
