"""Edit conflicts: a page that moved on while someone edited it is merged, or the editor keeps every word."""

import pytest

from wiki.merge import Conflict, merge
from wiki.models import Revision
from wiki.services import EditConflict, WikiError, page_save
from wiki.views.base import refusal_status

BASE = "# Meetings\n\nWe meet every two weeks.\n\nTime: 16:00 CET.\n\nPlace: online.\n"


def test_changes_to_different_lines_merge_cleanly():
    merged = merge(
        base="a\nb\nc\nd\n", theirs="A\nb\nc\nd\n", mine="a\nb\nc\nD\n", theirs_label="theirs", mine_label="mine"
    )

    assert merged == "A\nb\nc\nD\n"


def test_the_same_change_on_both_sides_is_no_conflict():
    assert merge(base="a\nb\n", theirs="a\nB\n", mine="a\nB\n", theirs_label="t", mine_label="m") == "a\nB\n"


def test_changes_to_the_same_line_conflict_with_both_sides_marked():
    result = merge(base="a\nb\nc\n", theirs="a\nX\nc\n", mine="a\nY\nc\n", theirs_label="theirs", mine_label="mine")

    assert isinstance(result, Conflict)
    assert result.text == "a\n<<<<<<< theirs\nX\n=======\nY\n>>>>>>> mine\nc\n"


def test_an_edit_from_an_older_revision_is_merged_and_saved(make_page, member, other_member, edit):
    page = make_page("Meetings", BASE, author=member)
    edit(page, BASE.replace("16:00 CET", "17:00 CET"), author=other_member)  # revision 2, saved meanwhile

    result = page_save(
        page=page, text=BASE.replace("Place: online.", "Place: online, on BigBlueButton."), author=member, base_number=1
    )

    assert result.merged is True
    revision = result.revision
    assert revision.number == 3
    assert revision.parent.number == 1  # the revision the editor started from
    assert "Time: 17:00 CET." in revision.text
    assert "Place: online, on BigBlueButton." in revision.text
    page.refresh_from_db()
    assert page.text == revision.text


def test_overlapping_edits_save_nothing_and_give_the_editor_back_every_word(make_page, member, other_member, edit):
    page = make_page("Meetings", BASE, author=member)
    theirs = edit(page, BASE.replace("16:00 CET", "17:00 CET"), author=other_member).revision
    mine = BASE.replace("Time: 16:00 CET.", "Time: 16:00 CET, 17:00 in Istanbul.") + "\nA whole new paragraph.\r\n"
    revisions_before = Revision.objects.count()

    with pytest.raises(EditConflict) as raised:
        page_save(page=page, text=mine, summary="Istanbul time", author=member, base_number=1)

    conflict = raised.value
    assert isinstance(conflict, WikiError)
    assert (conflict.code, refusal_status(conflict)) == ("conflict", 409)
    assert Revision.objects.count() == revisions_before
    assert conflict.mine == mine.replace("\r\n", "\n")
    assert (conflict.base.number, conflict.theirs) == (1, theirs)
    lines = conflict.merged.splitlines()
    start, middle, end = (
        lines.index(next(line for line in lines if line.startswith(marker)))
        for marker in ("<<<<<<<", "=======", ">>>>>>>")
    )
    assert lines[start + 1 : middle] == ["Time: 17:00 CET."]
    assert lines[middle + 1 : end] == ["Time: 16:00 CET, 17:00 in Istanbul."]
    assert "revision 2" in lines[start]
    assert "A whole new paragraph." in conflict.merged  # the clean part of the merge is in it too


def test_after_a_conflict_the_editor_saves_the_resolved_text_on_top_of_the_current_revision(
    make_page, member, other_member, edit
):
    page = make_page("Meetings", BASE, author=member)
    edit(page, BASE.replace("16:00 CET", "17:00 CET"), author=other_member)
    with pytest.raises(EditConflict) as raised:
        page_save(page=page, text=BASE.replace("16:00 CET", "15:00 CET"), author=member, base_number=1)

    resolved = BASE.replace("16:00 CET", "15:00 CET (17:00 was too late)")
    result = page_save(page=page, text=resolved, author=member, base_number=raised.value.theirs.number)

    assert (result.revision.number, result.merged, result.revision.text) == (3, False, resolved)


def test_a_merge_that_changes_nothing_adds_no_revision(make_page, member, other_member, edit):
    page = make_page("Meetings", BASE, author=member)
    edit(page, BASE.replace("16:00", "17:00"), author=other_member)

    with pytest.raises(WikiError) as raised:
        page_save(page=page, text=BASE.replace("16:00", "17:00"), author=member, base_number=1)

    assert raised.value.code == "unchanged"
    assert page.revisions.count() == 2


def test_a_merge_is_made_against_the_latest_revision_not_the_one_after_the_base(make_page, member, other_member, edit):
    page = make_page("Meetings", "one\ntwo\nthree\nfour\nfive\n", author=member)
    edit(page, "ONE\ntwo\nthree\nfour\nfive\n", author=other_member)
    edit(page, "ONE\ntwo\nTHREE\nfour\nfive\n", author=other_member)

    result = page_save(page=page, text="one\ntwo\nthree\nfour\nFIVE\n", author=member, base_number=1)

    assert result.revision.text == "ONE\ntwo\nTHREE\nfour\nFIVE\n"
    assert (result.revision.number, result.merged) == (4, True)
