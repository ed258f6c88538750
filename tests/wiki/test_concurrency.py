"""Members saving the same page at the same moment, in threads against the real database (SQLite or
PostgreSQL): no edit is lost without its author being told and handed their text back, and the
revisions are numbered 1, 2, 3… with no gap and no number twice.

Each thread loads the page itself, as a request would. ``serialized_rollback`` restores Wagtail's
root page and locales after the transactional flush.
"""

import pytest

from tests.factories import UserFactory
from tests.threads import at_once
from wiki.models import Revision, WikiPage
from wiki.services import EditConflict, SaveResult, WikiError, page_create, page_revert, page_save

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AGENDA = (
    "# Research agenda\n"
    "\n"
    "Platform workers in Istanbul organise through messaging groups.\n"
    "\n"
    "We ask how couriers build solidarity without a workplace.\n"
    "\n"
    "Interviews start in the autumn.\n"
)


def new_page(text: str = AGENDA) -> WikiPage:
    return page_create(title="Research agenda", language="en", text=text, summary="First draft", author=UserFactory())


def save(page: WikiPage, member, text: str, base_number: int):
    """What the edit view does with a submitted form: load the page, save from the form's base revision."""
    return page_save(
        page=WikiPage.objects.get(pk=page.pk), text=text, summary="edit", author=member, base_number=base_number
    )


def numbers(page: WikiPage) -> list[int]:
    return list(Revision.objects.filter(page=page).order_by("number").values_list("number", flat=True))


def current_text(page: WikiPage) -> str:
    page = WikiPage.objects.select_related("current_revision").get(pk=page.pk)
    assert page.current_revision.number == max(numbers(page))
    assert page.text == page.current_revision.text  # what search indexes is what readers see
    return page.current_revision.text


def unexpected(results) -> list:
    return [r for r in results if not isinstance(r, SaveResult | EditConflict)]


@pytest.mark.parametrize("attempt", range(3))
def test_two_members_changing_different_paragraphs_both_keep_their_change(attempt):
    page = new_page()
    first, second = UserFactory(), UserFactory()
    edits = [
        (first, AGENDA.replace("messaging groups.", "messaging groups and in the street.")),
        (second, AGENDA.replace("in the autumn.", "in September, in Turkish and Kurdish.")),
    ]

    results = at_once(lambda edit: save(page, *edit, base_number=1), edits)

    assert unexpected(results) == []
    assert [type(r) for r in results] == [SaveResult, SaveResult]
    assert sorted(r.merged for r in results) == [False, True]  # the later one was merged, and said so
    assert current_text(page) == AGENDA.replace("messaging groups.", "messaging groups and in the street.").replace(
        "in the autumn.", "in September, in Turkish and Kurdish."
    )
    assert numbers(page) == [1, 2, 3]
    assert {r.revision.author_id for r in results} == {first.pk, second.pk}


@pytest.mark.parametrize("attempt", range(3))
def test_two_members_changing_the_same_sentence_one_is_saved_the_other_gets_their_text_back(attempt):
    page = new_page()
    first, second = UserFactory(), UserFactory()
    texts = {
        first: AGENDA.replace("without a workplace.", "without a shared workplace."),
        second: AGENDA.replace("without a workplace.", "when the app is the boss.\n\nA new paragraph of notes."),
    }

    results = at_once(lambda member: save(page, member, texts[member], base_number=1), [first, second])

    assert unexpected(results) == []
    saved = [r for r in results if isinstance(r, SaveResult)]
    refused = [r for r in results if isinstance(r, EditConflict)]
    assert (len(saved), len(refused)) == (1, 1)
    winner = saved[0].revision.author
    loser = second if winner == first else first
    conflict = refused[0]
    assert conflict.mine == texts[loser]  # the whole text, not a word lost
    assert (conflict.base.number, conflict.theirs.number, conflict.theirs.text) == (1, 2, texts[winner])
    assert "without a shared workplace." in conflict.merged
    assert "when the app is the boss." in conflict.merged
    assert current_text(page) == texts[winner]
    assert numbers(page) == [1, 2]

    # The second editor keeps their version after reading the other's: it is saved on top.
    resolved = save(page, loser, conflict.mine, base_number=conflict.theirs.number)
    assert (resolved.revision.number, resolved.merged) == (3, False)
    assert current_text(page) == texts[loser]
    assert numbers(page) == [1, 2, 3]


def test_ten_members_adding_to_their_own_paragraph_at_once_all_keep_their_line():
    paragraphs = [f"## Working group {n}\n\nNotes of group {n}." for n in range(10)]
    page = new_page("\n\n".join(paragraphs) + "\n")
    members = UserFactory.create_batch(10)

    for round_ in range(3):
        base = WikiPage.objects.select_related("current_revision").get(pk=page.pk).current_revision
        lines = {member: f"Round {round_}: a finding of group {n}." for n, member in enumerate(members)}

        def add_line(n, base=base, lines=lines):
            text = base.text.replace(f"Notes of group {n}.", f"Notes of group {n}.\n{lines[members[n]]}")
            return save(page, members[n], text, base_number=base.number)

        results = at_once(add_line, range(10))

        assert unexpected(results) == []
        assert [type(r) for r in results] == [SaveResult] * 10, [r.merged for r in results if isinstance(r, SaveResult)]
        final = current_text(page)
        assert [line for line in lines.values() if line not in final] == []
        assert numbers(page) == list(range(1, 12 + 10 * round_))


def test_ten_members_appending_at_the_end_at_once_lose_nothing():
    """Ten additions at the same place overlap: the ones saved are all in the page, every other
    member is refused with their own text in hand, and the next round starts from what was saved."""
    page = new_page()
    members = UserFactory.create_batch(10)
    saved_lines, refused = [], 0

    for round_ in range(4):
        base = WikiPage.objects.select_related("current_revision").get(pk=page.pk).current_revision
        lines = [f"Round {round_}: member {n} adds a source." for n in range(10)]

        results = at_once(
            lambda n, base=base, lines=lines: save(page, members[n], base.text + lines[n], base.number), range(10)
        )

        assert unexpected(results) == []
        assert any(isinstance(r, SaveResult) for r in results)
        for n, result in enumerate(results):
            if isinstance(result, SaveResult):
                saved_lines.append(lines[n])
            else:
                refused += 1
                assert result.mine == base.text + lines[n] + "\n"
                assert lines[n] in result.merged
        final = current_text(page)
        assert [line for line in saved_lines if line not in final] == []
        assert numbers(page) == list(range(1, len(saved_lines) + 2))
    assert refused  # the rounds did overlap


def test_ten_members_creating_the_same_page_at_once_make_one_page():
    members = UserFactory.create_batch(10)

    results = at_once(
        lambda member: page_create(
            title="Interview guide", language="en", text=f"Questions drafted by {member.username}.\n", author=member
        ),
        members,
    )

    created = [r for r in results if isinstance(r, WikiPage)]
    refused = [r for r in results if not isinstance(r, WikiPage)]
    assert len(created) == 1, results
    assert {(type(r), r.code, r.page) for r in refused} == {(WikiError, "slug_taken", created[0])}
    assert WikiPage.objects.count() == 1
    assert numbers(created[0]) == [1]


def test_two_members_translating_the_same_page_at_once_make_one_translation():
    agenda = new_page()
    members = UserFactory.create_batch(2)

    results = at_once(
        lambda n: page_create(
            title=["Araştırma gündemi", "Araştırma ajandası"][n],
            language="tr",
            text="Platform işçileri örgütleniyor.\n",
            author=members[n],
            translation_of=agenda,
        ),
        range(2),
    )

    created = [r for r in results if isinstance(r, WikiPage)]
    refused = [r for r in results if not isinstance(r, WikiPage)]
    assert len(created) == 1, results
    assert [(type(r), r.code) for r in refused] == [(WikiError, "translation_exists")]
    assert list(WikiPage.objects.filter(translation_group=agenda.translation_group).order_by("language")) == [
        agenda,
        created[0],
    ]


def test_a_revert_and_an_edit_at_once_keep_the_numbers_and_the_edit():
    page = new_page()
    member, coordinator = UserFactory(), UserFactory()
    save(page, member, AGENDA.replace("in the autumn.", "in the spring."), base_number=1)  # revision 2, to undo
    edit = AGENDA.replace("# Research agenda", "# Research agenda of the unit").replace(
        "in the autumn.", "in the spring."
    )

    results = at_once(
        lambda who: (
            page_revert(page=WikiPage.objects.get(pk=page.pk), number=1, author=coordinator)
            if who == "revert"
            else save(page, member, edit, base_number=2)
        ),
        ["revert", "edit"],
    )

    reverted, edited = results
    assert isinstance(reverted, Revision), reverted
    assert isinstance(edited, SaveResult | EditConflict), edited
    if isinstance(edited, EditConflict):
        assert edited.mine == edit  # refused, and handed back whole
        assert numbers(page) == [1, 2, 3]
        return
    assert numbers(page) == [1, 2, 3, 4]
    # Whichever came second is the current text; the edit is in the history either way.
    assert "# Research agenda of the unit" in edited.revision.text
    if edited.revision.number == 4:
        assert edited.merged  # merged onto the revert: its own change kept, the revert's too
        assert current_text(page) == AGENDA.replace("# Research agenda", "# Research agenda of the unit")
    else:
        assert current_text(page) == AGENDA  # the revert came second and restored revision 1
