"""A researcher draws a map: a wiki page with a ```mermaid mindmap, previewed, saved and drawn, in English and Turkish.

The drawing is mermaid's SVG (vendored, strict); the caption names the figure and the source stays
in the page, folded under "Diagram source", for screen readers and for copying. The page runs
under the site's Content-Security-Policy, so a script or style the policy blocks shows up as a
console message, which fails the journey.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from wiki.services import page_create

from .conftest import BROWSER_LOCALES
from .ui import field, nav, say, sign_in, status

pytestmark = pytest.mark.e2e

TITLES = {"en": "Map of the research agenda", "tr": "Araştırma gündeminin haritası"}
MINDMAP = {
    "en": "mindmap\n  root((Co-operative research))\n    Commons\n      Peer production\n    Platform co-ops\n",
    "tr": (
        "mindmap\n  root((Kooperatif araştırma))\n    Müşterekler\n      Eşler arası üretim\n"
        "    Platform kooperatifleri\n"
    ),
}


def policy_messages(page) -> list[str]:
    """What the browser's console says about the page breaking its Content-Security-Policy."""
    messages: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and messages.append(message.text))
    return messages


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_researcher_draws_a_mindmap(open_page, demo, speaks, accessible, lang):
    speaks(lang)
    page = open_page(locale=BROWSER_LOCALES[lang])
    blocked = policy_messages(page)
    sign_in(page, lang, "researcher", accessible)
    nav(page, lang, "Wiki").click()
    accessible(page)
    page.get_by_role("link", name=say(lang, "Create a page"), exact=True).click()
    accessible(page)
    field(page, lang, "Title").fill(TITLES[lang])
    text = f"{TITLES[lang]}:\n\n```mermaid\n{MINDMAP[lang]}```\n"
    field(page, lang, "Text").fill(text)

    # The preview draws it already.
    page.get_by_role("button", name=say(lang, "Preview"), exact=True).click()
    preview = page.get_by_role("region", name=say(lang, "Preview"))
    expect(preview.locator("figure.wiki-map svg")).to_be_visible()
    accessible(page)
    expect(field(page, lang, "Text")).to_have_value(text)  # the preview keeps the text in the form

    page.get_by_role("button", name=say(lang, "Create the page"), exact=True).click()
    expect(status(page)).to_have_text(say(lang, "The page is created."))
    figure = page.get_by_role("article").get_by_role("figure", name=say(lang, "Diagram (%(kind)s)", kind="mindmap"))
    drawing = figure.locator(".wiki-map-drawing svg")
    expect(drawing).to_be_visible()
    expect(drawing).to_contain_text(MINDMAP[lang].split("((")[1].split("))")[0])
    # The drawing is hidden from screen readers, the source is there for them, folded.
    expect(figure.locator(".wiki-map-drawing")).to_have_attribute("aria-hidden", "true")
    source = figure.get_by_role("group").filter(has=page.get_by_text(say(lang, "Diagram source"), exact=True))
    expect(source.locator("pre.mermaid-source")).to_be_hidden()
    source.get_by_text(say(lang, "Diagram source"), exact=True).click()
    expect(source.locator("pre.mermaid-source")).to_have_text(MINDMAP[lang].rstrip("\n"))
    box = drawing.bounding_box()
    assert box is not None and 0 < box["width"] <= page.viewport_size["width"]
    accessible(page)
    assert blocked == []


# Script a writer puts in a diagram's labels and links: mermaid's strict level and maps.js must leave it inert.
ATTACK = (
    "flowchart LR\n"
    '  A["<img src=x onerror=window.pwned=1>"] --> B["<script>window.pwned=2</script>"]\n'
    "  B --> C[\"<a href='javascript:window.pwned=3'>a link</a>\"]\n"
    "  click A call alert(1)\n"
    '  click B "javascript:window.pwned=4"\n'
)


RISKY = """svg => [...svg.querySelectorAll("*")]
    .filter(e => e.localName === "script" || [...e.attributes].some(a => /^on|href$/i.test(a.name)))
    .map(e => e.outerHTML.slice(0, 200))"""


def test_a_diagram_cannot_run_script_in_a_readers_browser(open_page, demo, accessible):
    author = get_user_model().objects.get(username="researcher")
    text = f"A map.\n\n```mermaid\n{ATTACK}```\n"
    wiki_page = page_create(title="Probe map", language="en", text=text, author=author)
    page = open_page(locale=BROWSER_LOCALES["en"])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"/en/wiki/{wiki_page.slug}/")
    drawing = page.get_by_role("article").locator("figure.wiki-map .wiki-map-drawing svg")
    expect(drawing).to_be_visible()
    expect(drawing).to_contain_text("a link")
    accessible(page)
    for label in drawing.locator(".node").all():
        label.click(force=True)
    drawing.get_by_text("a link").click(force=True)
    assert page.url.endswith(f"/en/wiki/{wiki_page.slug}/")
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
    # Nothing in the drawing runs script, nor leads anywhere (links, SVG's xlink:href included).
    assert drawing.evaluate(RISKY) == []
