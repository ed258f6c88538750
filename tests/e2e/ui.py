"""What a member reads and clicks, in the journey's language."""

import re

from django.utils import translation
from playwright.sync_api import Page, expect

from courses.demo import MODULE, UNITS
from nlu.management.commands.load_demo import DEMO_PASSWORD


def say(lang: str, msgid: str, *, context: str = "", **params) -> str:
    """``msgid`` as the site shows it in ``lang``; a Turkish text still in English fails the journey."""
    with translation.override(lang):
        shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert lang == "en" or shown != msgid, f"not translated into {lang}: {msgid!r}"
    return shown % params if params else shown


def nav(page: Page, lang: str, label: str, *, menu: str = "Main"):
    """A link of the site's main (or account) menu; on a phone the main menu is opened first, as a member would."""
    if menu == "Main":
        button = page.get_by_role("banner").locator("details.menu:not([open]) > summary")
        if button.is_visible():
            button.click()
    return page.get_by_role("navigation", name=say(lang, menu)).get_by_role("link", name=say(lang, label), exact=True)


def field(page: Page, lang: str, label: str, *, context: str = "", **params):
    """The form field labelled ``label`` (Django's forms may add a colon to it)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(say(lang, label, context=context, **params))}:?\s*$"))


def status(page: Page):
    """The messages the site shows after an action (one live region)."""
    return page.get_by_role("status")


def sign_in(page: Page, lang: str, username: str, accessible) -> None:
    """From the home page, through the account menu's "Sign in" link and the login form, back home."""
    page.goto(f"/{lang}/")
    accessible(page)
    nav(page, lang, "Sign in", menu="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(lang, "Sign In"))
    accessible(page)
    field(page, lang, "Login", context="field label").fill(username)
    field(page, lang, "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=say(lang, "Sign In")).click()
    expect(page.get_by_role("button", name=say(lang, "Sign out"))).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/{lang}/$"))
    accessible(page)


def enrol_and_mark_the_unit_done(page: Page, lang: str, accessible) -> None:
    """Module 1 found among the courses and enrolled in; the unit of the week (the module is in its second week),
    from "My learning", marked done."""
    heading = page.get_by_role("heading", level=1)
    nav(page, lang, "Courses").click()
    accessible(page)
    page.get_by_role("link", name=MODULE[f"title_{lang}"]).click()
    expect(heading).to_have_text(MODULE[f"title_{lang}"])
    accessible(page)
    page.get_by_role("button", name=say(lang, "Enrol"), exact=True).click()
    expect(status(page)).to_have_text(say(lang, "You are enrolled. Welcome!"))
    expect(page.get_by_text(say(lang, "You are enrolled."), exact=True)).to_be_visible()
    accessible(page)

    week, *titles = UNITS[1]
    unit_title = titles[0] if lang == "en" else titles[1]
    nav(page, lang, "My learning").click()
    accessible(page)
    page.get_by_role("link", name=unit_title).click()
    expect(heading).to_have_text(f"{say(lang, 'Week %(week)s', week=week)}: {unit_title}")
    accessible(page)
    page.get_by_role("button", name=say(lang, "Mark as done")).click()
    expect(status(page)).to_have_text(say(lang, "Unit marked as done."))
    expect(page.get_by_text(say(lang, "You have marked this unit as done."))).to_be_visible()
    accessible(page)
