"""Two researchers edit the same wiki page at once, on a phone and on a desktop, in English and in Turkish.

The researcher and the steward both open the research agenda's edit form. The researcher
sharpens the first question and saves; the steward, still on the version they both started
from, adds a third question and saves: her edit is merged with his, the notice names him, the
page shows both changes and the history both revisions by their authors. Then both rewrite the
second question at once: his save goes through, hers comes back as a conflict that keeps her
whole text, marks the two versions of the line and shows what he changed; she writes one line
from both, saves, and both read the resolved question.
"""

import html
import re

import pytest
from playwright.sync_api import expect

from wiki.demo import AGENDA_EN, AGENDA_TR
from wiki.models import WikiPage

from .conftest import BROWSER_LOCALES
from .ui import field, nav, say, sign_in, status

pytestmark = pytest.mark.e2e

TITLES = {"en": AGENDA_EN, "tr": AGENDA_TR}
# The agenda's questions as the demo writes them, then as the researchers rewrite them.
QUESTION_1 = {
    "en": "How do high-tech, industrial and service workers use online networks to organise?",
    "tr": "Yüksek teknoloji, sanayi ve hizmet işçileri örgütlenmek için çevrimiçi ağları nasıl kullanıyor?",
}
QUESTION_2 = {
    "en": "What do domestic, immigrant, rural and jobless workers need from a money-free university?",
    "tr": "Ev işçileri, göçmen, kırsal ve işsiz işçiler parasız bir üniversiteden ne bekliyor?",
}
SHARPER_1 = {
    "en": "How do high-tech, industrial and service workers use online networks to organise across borders?",
    "tr": "Yüksek teknoloji, sanayi ve hizmet işçileri sınırların ötesinde örgütlenmek için çevrimiçi ağları nasıl "
    "kullanıyor?",
}
NEW_3 = {
    "en": "How can migrant workers take part in their own language?",
    "tr": "Göçmen işçiler kendi dillerinde nasıl katılabilir?",
}
HIS_2 = {
    "en": "What do domestic, immigrant, rural and jobless workers need from a money-free university, week by week?",
    "tr": "Ev işçileri, göçmen, kırsal ve işsiz işçiler parasız bir üniversiteden her hafta ne bekliyor?",
}
HERS_2 = {
    "en": "What do domestic, immigrant, rural and jobless workers want to learn, and to teach?",
    "tr": "Ev işçileri, göçmen, kırsal ve işsiz işçiler ne öğrenmek ve ne öğretmek istiyor?",
}
RESOLVED_2 = {
    "en": "What do domestic, immigrant, rural and jobless workers want to learn and to teach, week by week?",
    "tr": "Ev işçileri, göçmen, kırsal ve işsiz işçiler her hafta ne öğrenmek ve ne öğretmek istiyor?",
}
SUMMARIES = {
    "en": ("Question 1: across borders", "A question on migrant workers"),
    "tr": ("1. soru: sınırların ötesinde", "Göçmen işçiler üzerine bir soru"),
}
RESEARCHER, STEWARD = "Sam (researcher)", "Ayşe (shop steward)"


def rewrite(text: str, old: str, new: str) -> str:
    """The text with one line changed, as a member changes it in the textarea."""
    assert text.count(f"{old}\n") == 1, f"not one line in the text: {old!r}"
    return text.replace(f"{old}\n", f"{new}\n")


def open_agenda(page, lang: str, accessible) -> None:
    """From the wiki's list of pages to the agenda, as a member finds it."""
    nav(page, lang, "Wiki").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(lang, "Wiki"))
    accessible(page)
    page.get_by_role("link", name=TITLES[lang], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES[lang])  # one: the text has none of its own
    accessible(page)


def tab(page, lang: str, label: str):
    return page.get_by_role("navigation", name=say(lang, "This page")).get_by_role(
        "link", name=say(lang, label), exact=True
    )


def edit(page, lang: str, accessible):
    """The page's edit form; its text as it came."""
    tab(page, lang, "Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say(lang, "Editing %(title)s", title=TITLES[lang]))
    accessible(page)
    return field(page, lang, "Text").input_value()


def save(page, lang: str, text: str, summary: str = "") -> None:
    field(page, lang, "Text").fill(text)
    field(page, lang, "Edit summary").fill(summary)
    page.get_by_role("button", name=say(lang, "Save"), exact=True).click()


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_two_researchers_edit_the_agenda_at_once(open_page, demo, speaks, accessible, lang):
    speaks(lang)
    started = WikiPage.objects.get(language=lang, title=TITLES[lang]).current_revision.number

    # Both open the agenda's edit form: they start from the same revision.
    researcher = open_page(locale=BROWSER_LOCALES[lang], timezone_id="America/Sao_Paulo")
    sign_in(researcher, lang, "researcher", accessible)
    open_agenda(researcher, lang, accessible)
    his = edit(researcher, lang, accessible)
    steward = open_page(locale=BROWSER_LOCALES[lang], timezone_id="Europe/Istanbul")
    sign_in(steward, lang, "steward", accessible)
    open_agenda(steward, lang, accessible)
    hers = edit(steward, lang, accessible)
    assert hers == his

    # He sharpens the first question; she, from the same base, adds a third: the two are merged.
    save(researcher, lang, rewrite(his, f"1. {QUESTION_1[lang]}", f"1. {SHARPER_1[lang]}"), SUMMARIES[lang][0])
    expect(status(researcher)).to_have_text(say(lang, "Saved."))
    expect(researcher.get_by_role("article")).to_contain_text(SHARPER_1[lang])
    accessible(researcher)
    question_2 = f"2. {QUESTION_2[lang]}"
    save(steward, lang, rewrite(hers, question_2, f"{question_2}\n3. {NEW_3[lang]}"), SUMMARIES[lang][1])
    expect(status(steward)).to_have_text(
        say(lang, "Saved. Your changes were merged with the changes %(names)s made meanwhile.", names=RESEARCHER)
    )
    agenda = steward.get_by_role("article")
    expect(agenda).to_contain_text(SHARPER_1[lang])
    expect(agenda).to_contain_text(NEW_3[lang])
    accessible(steward)
    tab(steward, lang, "History").click()
    expect(steward.get_by_role("heading", level=1)).to_have_text(say(lang, "History of %(title)s", title=TITLES[lang]))
    for summary, author in zip(SUMMARIES[lang], (RESEARCHER, STEWARD), strict=True):
        expect(steward.get_by_role("row").filter(has_text=summary)).to_contain_text(author)
    accessible(steward)

    # Both rewrite the second question at once; his save goes through first.
    his = edit(researcher, lang, accessible)
    hers = edit(steward, lang, accessible)
    save(researcher, lang, rewrite(his, question_2, f"2. {HIS_2[lang]}"))
    expect(status(researcher)).to_have_text(say(lang, "Saved."))
    expect(researcher.get_by_role("article")).to_contain_text(HIS_2[lang])
    accessible(researcher)

    # Hers comes back: nothing saved, her whole text kept, both versions of the line marked.
    mine = rewrite(hers, question_2, f"2. {HERS_2[lang]}")
    save(steward, lang, mine)
    expect(steward.get_by_role("heading", level=1)).to_have_text(say(lang, "Editing %(title)s", title=TITLES[lang]))
    conflict = steward.get_by_role("alert").filter(
        has=steward.get_by_role("heading", name=say(lang, "Someone changed the same lines while you were editing"))
    )
    expect(conflict).to_contain_text(
        html.unescape(
            say(
                lang,
                "%(names)s saved changes to lines you also changed. Nothing is lost: the text in the form has both "
                "versions between conflict markers (&lt;&lt;&lt;&lt;&lt;&lt;&lt; and &gt;&gt;&gt;&gt;&gt;&gt;&gt;). "
                "Keep what should stay, remove the markers and save again.",
                names=RESEARCHER,
            )
        )
    )
    marked = (
        f"<<<<<<< {say(lang, 'revision %(number)s (saved meanwhile)', number=started + 3)}\n"
        f"2. {HIS_2[lang]}\n=======\n2. {HERS_2[lang]}\n>>>>>>> {say(lang, 'your text')}\n"
    )
    text = field(steward, lang, "Text")
    expect(text).to_have_value(re.compile(re.escape(marked)))
    expect(
        steward.get_by_label(say(lang, "Your text (read only: copy from it what you need)"), exact=True)
    ).to_have_value(mine)
    expect(steward.get_by_role("region", name=say(lang, "What the others changed"))).to_contain_text(HIS_2[lang])
    accessible(steward)

    # She writes one question from both, and both read it.
    resolved = text.input_value()
    assert resolved.count(marked) == 1
    save(steward, lang, resolved.replace(marked, f"2. {RESOLVED_2[lang]}\n"))
    expect(status(steward)).to_have_text(say(lang, "Saved."))
    agenda = steward.get_by_role("article")
    expect(agenda).to_contain_text(RESOLVED_2[lang])
    expect(agenda).not_to_contain_text(HERS_2[lang])
    expect(agenda).not_to_contain_text("<<<<<<<")
    accessible(steward)
    researcher.reload()
    expect(researcher.get_by_role("article")).to_contain_text(RESOLVED_2[lang])
    expect(researcher.get_by_role("article")).to_contain_text(SHARPER_1[lang])
    expect(researcher.get_by_role("article")).to_contain_text(NEW_3[lang])
    accessible(researcher)
