"""Everything a member reads and sends works on a phone whose browser runs no JavaScript.

Scripts are off (a saver mode, an old phone, a blocked download): the steward signs in, enrols
in Module 1, marks the unit of the week done, gives an hour on the timebank and edits a wiki
page; the tutor schedules a session with a co-tutor named by username. Each form is sent by the
browser itself, and the page that follows shows what it did. The scripts the apps load only
improve a form (suggestions, a print button, a waiting room that checks by itself).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.demo import MODULE
from courses.models import Enrolment
from wiki.demo import AGENDA_EN, AGENDA_TR

from .conftest import BROWSER_LOCALES, VIEWPORTS
from .ui import enrol_and_mark_the_unit_done, field, nav, say, sign_in, status

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("viewport", [VIEWPORTS["phone"]])]

AGENDA = {"en": AGENDA_EN, "tr": AGENDA_TR}
RESEARCHER = "Sam (researcher)"
STEWARD = "Ayşe (shop steward)"
ADDED = {"en": "How do couriers keep in touch between shifts?", "tr": "Kuryeler vardiyalar arasında nasıl haberleşir?"}
SESSION = {"en": "Module 1: a question hour", "tr": "Modül 1: soru saati"}


def scriptless(open_page, lang: str, **options):
    """A phone's browser with JavaScript off."""
    return open_page(locale=BROWSER_LOCALES[lang], java_script_enabled=False, **options)


@pytest.fixture
def accessible(accessible_without_javascript):
    """Every page here has its scripts off."""
    return accessible_without_javascript


def no_script_ran(page) -> None:
    """nlu/timezone.js, on every page, keeps the browser's zone in a cookie: scripts off, there is none."""
    assert "nlu_tz" not in {cookie["name"] for cookie in page.context.cookies()}, "a script ran"


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_steward_does_her_day_without_javascript(open_page, module_1, speaks, accessible, lang):
    speaks(lang)
    Enrolment.objects.filter(module=module_1, member__username="steward").delete()
    page = scriptless(open_page, lang, timezone_id="Europe/Istanbul")
    heading = page.get_by_role("heading", level=1)
    sign_in(page, lang, "steward", accessible)

    # Module 1, from the courses: she enrols, then marks the unit of the week done.
    enrol_and_mark_the_unit_done(page, lang, accessible)

    # An hour given to the researcher, from her hours.
    nav(page, lang, "My hours").click()
    expect(heading).to_have_text(say(lang, "My hours"))
    accessible(page)
    page.get_by_role("link", name=say(lang, "Give hours")).click()
    expect(heading).to_have_text(say(lang, "Give hours"))
    accessible(page)
    page.get_by_role("radio", name=say(lang, "A member")).check()
    field(page, lang, "Member").fill("researcher")
    field(page, lang, "Hours").fill("1")
    field(page, lang, "Minutes").fill("0")
    page.get_by_role("button", name=say(lang, "Give"), exact=True).click()
    expect(status(page)).to_contain_text(RESEARCHER)
    expect(heading).to_have_text(say(lang, "My hours"))
    expect(page.get_by_role("row").filter(has_text=RESEARCHER).first).to_be_visible()
    accessible(page)

    # A question added to the research agenda in the wiki.
    nav(page, lang, "Wiki").click()
    accessible(page)
    page.get_by_role("link", name=AGENDA[lang], exact=True).click()
    accessible(page)
    page.get_by_role("navigation", name=say(lang, "This page")).get_by_role(
        "link", name=say(lang, "Edit"), exact=True
    ).click()
    expect(heading).to_have_text(say(lang, "Editing %(title)s", title=AGENDA[lang]))
    accessible(page)
    text = field(page, lang, "Text")
    text.fill(f"{text.input_value().rstrip()}\n\n{ADDED[lang]}\n")
    page.get_by_role("button", name=say(lang, "Save"), exact=True).click()
    expect(status(page)).to_have_text(say(lang, "Saved."))
    expect(page.get_by_role("article")).to_contain_text(ADDED[lang])
    accessible(page)
    no_script_ran(page)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_tutor_names_a_co_tutor_without_javascript(open_page, module_1, speaks, accessible, lang):
    speaks(lang)
    page = scriptless(open_page, lang, timezone_id="Europe/Rome")
    heading = page.get_by_role("heading", level=1)
    sign_in(page, lang, "tutor", accessible)
    nav(page, lang, "Courses").click()
    accessible(page)
    page.get_by_role("link", name=MODULE[f"title_{lang}"]).click()
    accessible(page)
    page.get_by_role("link", name=say(lang, "Schedule a session")).click()
    expect(heading).to_have_text(say(lang, "Schedule a session"))
    accessible(page)

    # The co-tutor by username, typed in full: the suggestions need a script, the field does not.
    start = timezone.now().astimezone(module_1.zone) + timezone.timedelta(days=3)
    for code, name in [("en", "English"), ("tr", "Türkçe")]:
        field(page, lang, "Title (%(language)s)", language=name).fill(SESSION[code])
    field(page, lang, "Date").fill(start.date().isoformat())
    field(page, lang, "Start time").fill("18:00")
    field(page, lang, "Co-tutors").fill("steward")
    page.get_by_role("button", name=say(lang, "Schedule", context="button: put the sessions in the calendar")).click()
    expect(status(page)).to_have_text(say(lang, "%(count)s session(s) scheduled.", count=1))
    expect(heading).to_have_text(SESSION[lang])
    tutors = page.get_by_role("definition").filter(has_text=STEWARD)
    expect(tutors).to_have_text(re.compile(rf"Giulia \(tutor\).*{re.escape(STEWARD)}|{re.escape(STEWARD)}.*Giulia"))
    accessible(page)
    no_script_ran(page)
