"""A coordinator adds a tutor to Module 1 in the Wagtail page editor by typing a few letters of her name.

The editor lists only the module's tutors; the member chooser's script asks the admin for
suggestions (``suite.members.search_members``) and adds the one chosen as a ticked box, which the
page's form then sends.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from courses.models import CourseModulePage

from .conftest import BROWSER_LOCALES
from .ui import say, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_coordinator_adds_a_tutor_by_searching_for_her(open_page, accessible, demo, speaks, lang):
    speaks(lang)
    module = CourseModulePage.objects.get(slug_en="module-1")
    steward = get_user_model().objects.get(username="steward")
    page = open_page(locale=BROWSER_LOCALES[lang])
    sign_in(page, lang, "coordinator", accessible)

    page.goto(f"/admin/pages/{module.pk}/edit/#tab-settings")
    chooser = page.locator(".member-chooser")
    expect(chooser.get_by_role("checkbox")).to_have_count(1)  # the tutor, and no other member
    accessible(page)
    search = chooser.get_by_role("searchbox", name=say(lang, "Find a member to add"))
    search.fill("nobody-is-called-this")
    expect(chooser.get_by_text(say(lang, "No member found."))).to_be_visible()
    search.fill("stew")
    chooser.get_by_role("button", name=re.compile(r"\(steward\)")).click()
    expect(chooser.get_by_role("checkbox", name=re.compile(r"\(steward\)"))).to_be_checked()
    expect(search).to_have_value("")

    accessible(page)
    # What the editor's form now sends (saving it is tests/courses/test_admin.py's; the page Wagtail
    # shows after a save is Wagtail's own, whose success banner axe finds too pale).
    sent = page.locator("#page-edit-form").evaluate("form => new FormData(form).getAll('tutors')")
    tutor = get_user_model().objects.get(username="tutor")
    assert sorted(sent) == sorted([str(tutor.pk), str(steward.pk)])
