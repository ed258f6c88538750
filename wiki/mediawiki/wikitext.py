"""MediaWiki wikitext to this wiki's Markdown (``to_markdown``, for imports) and back (``to_wikitext``, for exports).

Wikitext is parsed by mwparserfromhell, Markdown by mistune 3; each side writes the other's
markup from the parsed structure. The rules on import:

- headings, bold and italic, ``[[Page|label]]`` links (our syntax too), external links, ``<ref>``
  notes (footnotes at the end), ``<pre>`` and space-indented text (fenced code), ``<code>``,
  ``<br>`` and the inline HTML our renderer allows (``<s>``, ``<sup>``…) are converted;
- lists: ``*`` and ``#`` are Markdown lists (nested by four spaces, numbered); a ``:`` line,
  whether it indents a talk page or defines a ``;`` term, is a block quote, one ``>`` per
  colon; a ``;`` term is a paragraph in bold; ``*:`` or ``#:`` continues the item;
- a wikitable is a pipe table: a first row of header cells is its header (else the header is
  empty), a header cell further down is bold, ``|+`` a paragraph before it;
- ``[[Category:X]]`` becomes a tag, ``#REDIRECT [[X]]`` a sentence that links on and ``redirect``;
- whatever Markdown cannot say (templates, parser functions, files, unknown tags, tables with
  spans, nested tables or multi-line cells) is kept visibly as its wikitext, in inline code or a
  fenced ``wikitext`` block, and named in ``kept``; nothing the reader saw is dropped silently.
  Dropped: comments, behaviour switches such as ``__NOTOC__`` (``__TOC__`` alone on its line is
  ``[TOC]``), ``<includeonly>`` (not shown on the page), ``<references/>`` and ``{{Reflist}}``
  (the notes come at the end anyway);
- prose is escaped so that it reads as it did: Markdown's characters (``*``, ``_``, backticks,
  brackets, ``<``) and line starts that Markdown would read as markup (``#``, ``>``, ``1.``).

Text that mwparserfromhell would take quadratic time over (thousands of unclosed ``{{``,
``[[``, tags or external links) is made harmless first: an opener that nothing closes is text
for MediaWiki as for the parser, and is marked so before parsing (``_defuse``).
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

import mistune
import mwparserfromhell
from django.utils.translation import gettext
from mistune.util import unikey
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Tag,
    Template,
    Text,
    Wikilink,
)

from ..markdown import WIKI_LINK


@dataclass
class Converted:
    """A page's Markdown; its categories as tags (in order, once each); the page a redirect points to;
    what was kept as wikitext (e.g. "template Infobox union"), once each."""

    text: str
    tags: list[str] = field(default_factory=list)
    redirect: str | None = None
    kept: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Wikitext → Markdown
# ---------------------------------------------------------------------------------------------

# Namespace names in English and Turkish (MediaWiki's canonical and tr.wikipedia's).
CATEGORY_NAMESPACES = {"category", "kategori"}
FILE_NAMESPACES = {"file", "image", "media", "dosya", "resim", "ortam"}
# "#REDIRECT [[Title]]" (or Turkish "#YÖNLENDİRME"), the title without the characters no title holds.
REDIRECT = re.compile(
    r"\A\s*#\s*(?:REDIRECT|YÖNLENDİRME|YÖNLENDIRME)\s*:?\s*\[\[([^\[\]{}<>|\n]+)(?:\|[^\[\]\n]*)?\]\]",
    re.IGNORECASE,
)
URL_SCHEMES = {"http", "https", "mailto"}
# Templates that only place the notes: the footnotes come at the end of the page anyway.
NOTE_LIST_TEMPLATES = {"reflist", "references", "kaynakça", "notelist"}
BEHAVIOUR_SWITCH = re.compile(
    r"__(?:NOTOC|FORCETOC|TOC|NOEDITSECTION|NEWSECTIONLINK|NONEWSECTIONLINK|NOGALLERY|HIDDENCAT|"
    r"EXPECTUNUSEDCATEGORY|NOCONTENTCONVERT|NOCC|NOTITLECONVERT|NOTC|INDEX|NOINDEX|STATICREDIRECT|DISAMBIG)__"
)
# MediaWiki's link trail: "[[Page]]s" shows "Pages" as the link (English and Turkish letters).
LINK_TRAIL = re.compile(r"[a-zçğıöşüâîû]+")

# Inline HTML the renderer keeps (wiki/markdown.py): written as bare tags, the Markdown inside converted.
KEPT_HTML = {"s", "del", "ins", "u", "sup", "sub", "mark", "small", "kbd", "samp", "var", "cite", "q", "abbr"}
BOLD, ITALIC = {"b", "strong"}, {"i", "em"}
CODE = {"code", "tt"}
# Tags whose content is shown as is: the tag itself means nothing here (or is not kept by the renderer).
TRANSPARENT_INLINE = {"span", "font", "big", "noinclude", "onlyinclude", "bdi", "nowrap"}
TRANSPARENT_BLOCK = {"div", "center", "p"}
PREFORMATTED = {"pre", "syntaxhighlight", "source"}
TABLE_PARTS = {"table", "tr", "td", "th", "caption", "thead", "tbody", "tfoot"}
LIST_MARKUP = {"*", "#", ";", ":"}
# Not shown on the page: what only a transcluding page shows, the notes' place, styles, section marks.
NOTHING_SHOWN = {"includeonly", "references", "templatestyles", "section"}

# Markdown's characters in prose: backslash, backtick, asterisk, brackets always; underscores at a
# word's edge (Python-Markdown ignores them inside words); "<" that would open a tag; "&" that would
# be an entity.
PROSE_SPECIAL = re.compile(r"[\\`*\[\]]|(?<![^\W_])_+|_+(?![^\W_])|<(?=[A-Za-z/!?])|&(?=#?\w+;)")
CELL_SPECIAL = re.compile(PROSE_SPECIAL.pattern + r"|\|")
# At a line's start: a heading, quote, list item, setext underline or code fence to Markdown.
LINE_START_SPECIAL = re.compile(r"[#>+\-|]|\d+(?=[.)](?:\s|$))|=+\s*$|~~~")
MAX_LIST_DEPTH = 10  # the renderer refuses deeper nesting (wiki/markdown.py, MAX_NESTING)
LIST_PREFIX = re.compile(rf"^([*#:;]{{{MAX_LIST_DEPTH}}})[*#:;]+", re.MULTILINE)
LEADING_BACKTICKS = re.compile(r"^[ \t]*(`+)", re.MULTILINE)
BACKTICKS = re.compile(r"`+")
NOWIKI = re.compile(r"<nowiki\s*>(.*?)</nowiki\s*>|<nowiki\s*/>", re.IGNORECASE | re.DOTALL)
SAFE_NOTE_LABEL = re.compile(r"[\w-]{1,50}")
TEXT_ALIGN = re.compile(r"text-align\s*:\s*(left|right|center)", re.IGNORECASE)

# Openers nothing closes, marked as text before parsing (see _defuse): each character that would
# open becomes a noncharacter, turned back into itself in the Markdown written.
DEFUSED = {"{": "\ufdd0", "[": "\ufdd1", "<": "\ufdd2"}
RESTORE = str.maketrans({marked: char for char, marked in DEFUSED.items()})
NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")
DEFUSE_TOKENS = re.compile(
    r"(?P<table>^[ \t]*\{\|)|(?P<table_end>^[ \t]*\|\})|(?P<braces>\{\{+)|(?P<closing_braces>\}\}+)"
    r"|(?P<squares>\[\[+)|(?P<closing_squares>\]+)|(?P<external>\[(?=(?:https?:|mailto:|ftp:|//)))"
    r"|(?P<comment><!--)|(?P<newline>\n)|(?P<tag><(?P<slash>/?)(?P<name>[A-Za-z][\w-]*)(?:[\s/][^<>]*)?>)",
    re.MULTILINE,
)
# Tags that may stand alone, and those whose content is not wikitext (skipped to their end), as
# mwparserfromhell knows them.
UNPAIRED_TAGS = set(mwparserfromhell.definitions.SINGLE)
RAW_CONTENT_TAGS = set(mwparserfromhell.definitions.PARSER_BLACKLIST)


def to_markdown(wikitext: str) -> Converted:
    """A MediaWiki page's text as this wiki's Markdown (see the module's docstring for the rules).

    Links to other namespaces (``[[Talk:X]]``, ``[[:Category:X]]``) stay wiki links to a page of
    that whole title; a link to a section (``[[Page#Section|x]]``) links to the page; a link to a
    section of the same page (``[[#Section|x]]``) is its label as text.
    """
    return _Importer().convert(wikitext)


def _restore(text: str) -> str:
    if "\ufdd0" in text or "\ufdd1" in text or "\ufdd2" in text:
        return text.translate(RESTORE)
    return text


def _defuse(text: str) -> str:
    """The text with every opener that nothing closes (``{{``, ``[[``, ``[http``, ``{|``, ``<!--``, a tag)
    marked as text, in one pass: mwparserfromhell reads each such opener to the end of the text, again
    and again, and would take hours over a few thousand of them.

    Content that is not wikitext (comments, ``<nowiki>``, ``<pre>``…) is skipped to its end; once an end
    is known to be missing, it is not looked for again, so the pass stays linear.
    """
    marks: list[int] = []  # positions of the characters to mark
    braces: list[list[int]] = []  # [position, braces still open]
    squares: list[list[int]] = []
    external: list[int] = []  # "[http" openers on the current line
    tables: list[int] = []
    tags: list[tuple[str, int]] = []
    open_tags: dict[str, int] = {}
    missing_end: set[str] = set()
    position = 0
    while match := DEFUSE_TOKENS.search(text, position):
        kind, start, position = match.lastgroup, match.start(), match.end()
        if kind == "tag":
            kind = "raw" if match.group("name").lower() in RAW_CONTENT_TAGS and not match.group("slash") else kind
        if kind == "newline":
            marks.extend(external)
            external.clear()
        elif kind in ("comment", "raw"):
            name = "--" if kind == "comment" else match.group("name").lower()
            if match.group().endswith("/>"):
                continue
            end = -1
            if name not in missing_end:
                end = text.find("-->", position) if name == "--" else _search_end(name, text, position)
            if end < 0:
                missing_end.add(name)
                marks.append(start)
            else:
                position = end
        elif kind == "table":
            tables.append(match.group().index("{") + start)
        elif kind == "table_end":
            if tables:
                tables.pop()
        elif kind == "braces":
            braces.append([start, len(match.group())])
        elif kind == "closing_braces":
            _close_runs(braces, len(match.group()), pair_only=False)
        elif kind == "squares":
            squares.append([start, len(match.group())])
        elif kind == "external":
            external.append(start)
        elif kind == "closing_squares":
            left = _close_runs(squares, len(match.group()), pair_only=True)
            del external[max(0, len(external) - left) :]
        else:  # a tag
            name = match.group("name").lower()
            if match.group().endswith("/>") or name in UNPAIRED_TAGS:
                continue
            if not match.group("slash"):
                tags.append((name, start))
                open_tags[name] = open_tags.get(name, 0) + 1
            elif open_tags.get(name):
                while tags:
                    opened, at = tags.pop()
                    open_tags[opened] -= 1
                    if opened == name:
                        break
                    marks.append(at)
    marks.extend(external)
    marks.extend(at for _, at in tags)
    marks.extend(tables)
    for start, count in braces + squares:
        marks.extend(range(start, start + count))
    if not marks:
        return text
    characters = list(text)
    for at in marks:
        characters[at] = DEFUSED.get(characters[at], characters[at])
    return "".join(characters)


_END_TAGS: dict[str, re.Pattern] = {}


def _search_end(name: str, text: str, position: int) -> int:
    """Where the closing tag of ``name`` starts after ``position``, or -1."""
    pattern = _END_TAGS.get(name)
    if pattern is None:
        pattern = _END_TAGS[name] = re.compile(rf"</{name}\s*>", re.IGNORECASE)
    match = pattern.search(text, position)
    return match.start() if match else -1


def _close_runs(stack: list[list[int]], count: int, *, pair_only: bool) -> int:
    """Close the innermost open runs of ``{`` (three or two at a time) or ``[`` (two at a time) with ``count``
    closing characters; returns how many closing characters were left over."""
    while count >= 2 and stack:
        run = stack[-1]
        matched = 3 if not pair_only and run[1] >= 3 and count >= 3 else 2
        if run[1] < 2:
            stack.pop()
            continue
        run[1] -= matched
        count -= matched
        if run[1] < 2:
            stack.pop()
    return count


def _escape(text: str, *, table: bool = False, line_start: bool = False) -> str:
    """Prose as Markdown that reads the same."""
    text = _restore(text)
    escaped = (CELL_SPECIAL if table else PROSE_SPECIAL).sub(_escape_character, text)
    if line_start:
        escaped = escaped.lstrip()
        match = LINE_START_SPECIAL.match(escaped)
        if match:
            escaped = _escape_line_start(match.group()) + escaped[match.end() :]
    return escaped


def _escape_character(match) -> str:
    character = match.group()
    if character == "<":
        return "&lt;"
    if character == "&":
        return "&amp;"
    return "".join("\\" + each for each in character)


def _escape_line_start(start: str) -> str:
    if start[0].isdigit():
        return start + "\\"  # "1." → "1\."
    if start[0] == "=":
        return "&#61;" + start[1:]
    if start[0] == "~":
        return "&#126;" + start[1:]
    return "\\" + start


def _entity(node: HTMLEntity) -> str:
    """A character reference as its character where that reads the same in Markdown (``&#39;`` → ``'``, ``&copy;``
    → ``©``): letters, quotes, and punctuation or symbols beyond ASCII; else (``&nbsp;``, ``&lt;``) as written."""
    try:
        character = node.normalize()
    except ValueError:
        return str(node)
    if len(character) != 1:
        return str(node)
    kind = unicodedata.category(character)[0]
    if kind == "L" or character in "'\"" or (ord(character) > 127 and kind in "PS"):
        return character
    return str(node)


def _code_span(text: str) -> str:
    text = _restore(text).replace("\n", " ")
    if not text.strip():
        return ""
    fence = "`" * (max((len(run) for run in BACKTICKS.findall(text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _fence(text: str, info: str = "") -> str:
    text = _restore(text).strip("\n")
    longest = max((len(run) for run in LEADING_BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _title(value: str) -> str:
    """A page title as MediaWiki reads it: underscores are spaces, runs of spaces one."""
    return " ".join(_restore(value).replace("_", " ").split())


def _tag_name(node) -> str:
    name = node.tag.nodes
    if len(name) == 1 and isinstance(name[0], Text):  # nearly always: spare str() of the whole name
        return name[0].value.strip().lower()
    return str(node.tag).strip().lower()


def _attribute(node: Tag, name: str) -> str | None:
    for attribute in node.attributes:
        if str(attribute.name).strip().lower() == name:
            return str(attribute.value or "").strip()
    return None


def _template_kind(node: Template) -> str:
    """What the import report calls a template: "template X", "parser function #if", "magic word PAGENAME"."""
    name = " ".join(_restore(str(node.name)).split())
    if ":" in name:
        return f"parser function {name.split(':', 1)[0]}"
    if name.isupper():
        return f"magic word {name}"
    return f"template {name}"


def _stray(nodes) -> bool:
    """Whether a table's or row's own nodes hold more than its rows or cells (and blanks, comments)."""
    return any(
        not (
            isinstance(node, Comment)
            or (isinstance(node, Text) and not node.value.strip())
            or (isinstance(node, Tag) and _tag_name(node) in TABLE_PARTS)
        )
        for node in nodes
    )


def _is_note_list(node: Template) -> bool:
    return " ".join(_restore(str(node.name)).split()).lower() in NOTE_LIST_TEMPLATES


@dataclass
class _Line:
    """One line of wikitext: its list markers and the nodes after them (text as plain strings); ``after_block``:
    the rest of a line after a block (a template over several lines), which does not start a line."""

    prefix: str
    nodes: list
    after_block: bool = False


class _Importer:
    def __init__(self):
        self.tags: dict[str, None] = {}
        self.kept: dict[str, None] = {}
        self.notes: list[str] = []  # footnote definitions, in the order of their first use
        self.note_labels: dict[str, str] = {}  # a <ref>'s name → its footnote label
        self.named_texts: dict[str, object] | None = None  # a <ref>'s name → its text, once looked for
        self.wikicode = None

    def convert(self, wikitext: str) -> Converted:
        text = NONCHARACTERS.sub("\ufffd", wikitext.replace("\r\n", "\n").replace("\r", "\n"))
        redirect, sentence = None, ""
        match = REDIRECT.match(text)
        if match:
            redirect = _title(match.group(1).split("#", 1)[0]) or None
            text = text[match.end() :]
            if redirect:
                sentence = gettext("This page has moved to %(link)s.") % {"link": f"[[{redirect}]]"}
        text = _defuse(LIST_PREFIX.sub(r"\1", text))
        self.wikicode = mwparserfromhell.parse(text)
        blocks = [sentence] + self._blocks(self.wikicode.nodes)
        if self.notes:
            blocks.append("\n\n".join(self.notes))
        markdown = "\n\n".join(block for block in blocks if block)
        markdown = "\n".join(line.rstrip() for line in _restore(markdown).split("\n")).strip("\n")
        return Converted(
            text=markdown + "\n" if markdown else "",
            tags=list(self.tags),
            redirect=redirect,
            kept=list(self.kept),
        )

    # Kept as wikitext ------------------------------------------------------------------------

    def _keep(self, source, what: str, *, block: bool = False) -> str:
        self.kept[what] = None
        source = str(source).strip()
        if block and "\n" in source:
            return _fence(source, "wikitext")
        return _code_span(source)

    # Blocks -----------------------------------------------------------------------------------

    def _blocks(self, nodes) -> list[str]:
        """The Markdown blocks of a run of wikitext nodes: paragraphs, lists, headings, tables…"""
        blocks: list[str] = []
        paragraph: list[str] = []
        listed: list[tuple[str, str]] = []
        preformatted: list[str] = []

        def flush():
            if paragraph:
                blocks.append("\n".join(paragraph))
                paragraph.clear()
            if listed:
                blocks.append(self._list(listed))
                listed.clear()
            if preformatted:
                blocks.append(_fence("\n".join(preformatted)))
                preformatted.clear()

        for item in self._lines(nodes):
            if isinstance(item, str):
                flush()
                blocks.append(item)
                continue
            first = item.nodes[0] if item.nodes else ""
            blank = all(isinstance(node, str) and not node.strip() for node in item.nodes)
            if not (item.prefix or blank or item.after_block) and isinstance(first, str) and first.startswith(" "):
                if paragraph or listed:
                    flush()
                preformatted.append(self._plain(item.nodes)[1:])
                continue
            if preformatted:
                flush()
            if item.prefix:
                if paragraph:
                    flush()
                listed.append((item.prefix, self._inline(item.nodes, line_start=True).strip()))
                continue
            if blank:
                flush()
                continue
            if len(item.nodes) == 1 and isinstance(first, str) and first.strip() == "__TOC__":
                flush()
                blocks.append("[TOC]")
                continue
            line = self._inline(item.nodes, line_start=True).strip()
            if line:
                if listed:
                    flush()
                paragraph.append(line)
        flush()
        return [block for block in blocks if block]

    def _lines(self, nodes):
        """The lines of a run of nodes (``_Line``), and the Markdown of each block-level node (a ``str``)."""
        prefix, line, after_block = "", [], False
        for node in self._spliced(nodes):
            if isinstance(node, str):
                pieces = node.split("\n")
                for index, piece in enumerate(pieces):
                    if index:
                        yield _Line(prefix, line, after_block)
                        prefix, line, after_block = "", [], False
                    if piece:
                        line.append(piece)
            elif isinstance(node, Tag) and node.wiki_markup in LIST_MARKUP:
                if any(not isinstance(part, str) or part.strip() for part in line):
                    # "; term : definition" on one line: the definition starts a line of its own.
                    yield _Line(prefix, line)
                    prefix, line = prefix[:-1] + ":", []
                else:
                    prefix += node.wiki_markup
                    line = []
            elif self._is_block(node):
                if line or prefix:
                    yield _Line(prefix, line, after_block)
                    prefix, line = "", []
                yield self._block(node)
                after_block = True
            else:
                line.append(node)
        yield _Line(prefix, line, after_block)

    def _spliced(self, nodes, depth: int = 0):
        """The nodes with text as strings, block tags that mean nothing here replaced by their content."""
        for node in nodes:
            if isinstance(node, Text):
                yield node.value
            elif isinstance(node, Comment):
                continue
            elif isinstance(node, Tag) and node.contents is not None and not node.wiki_markup and depth < 50:
                name = _tag_name(node)
                if name in TRANSPARENT_BLOCK:
                    yield "\n\n"
                    yield from self._spliced(node.contents.nodes, depth + 1)
                    yield "\n\n"
                elif name in TRANSPARENT_INLINE:
                    yield from self._spliced(node.contents.nodes, depth + 1)
                elif name in NOTHING_SHOWN:
                    continue
                else:
                    yield node
            elif isinstance(node, Template) and _is_note_list(node):
                continue
            else:
                yield node

    def _is_block(self, node) -> bool:
        if isinstance(node, Heading):
            return True
        if isinstance(node, Tag):
            name = _tag_name(node)
            if name in ("hr", "table", "blockquote") or name in PREFORMATTED:
                return True
            if name in KEPT_HTML | BOLD | ITALIC | CODE | {"br", "nowiki", "ref"} | TRANSPARENT_INLINE:
                return False
            return "\n" in str(node).strip()  # an unknown tag over several lines
        return isinstance(node, Template | Argument) and "\n" in str(node).strip()

    def _block(self, node) -> str:
        if isinstance(node, Heading):
            title = self._inline(node.title.nodes).strip()
            if title.endswith("#"):
                title = title[:-1] + "\\#"  # else Markdown reads it as the heading's closing mark
            return f"{'#' * min(node.level, 6)} {title}" if title else ""
        if isinstance(node, Tag):
            name = _tag_name(node)
            if name == "hr":
                return "---"
            if name == "table":
                return self._table(node)
            if name == "blockquote":
                inner = "\n\n".join(self._blocks(node.contents.nodes))
                return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
            if name in PREFORMATTED:
                return self._preformatted(node)
            return self._keep(node, f"tag <{name}>", block=True)
        return self._keep(node, self._kind(node), block=True)

    def _kind(self, node) -> str:
        if isinstance(node, Template):
            return _template_kind(node)
        if isinstance(node, Argument):
            return f"template parameter {' '.join(_restore(str(node.name)).split())}"
        return "wikitext"

    def _preformatted(self, node: Tag) -> str:
        language = _attribute(node, "lang") or _attribute(node, "data-lang") or ""
        language = language if re.fullmatch(r"[\w#.+-]{1,40}", language) else ""
        source = str(node.contents) if node.contents is not None else ""
        if _tag_name(node) == "pre":
            source = html.unescape(NOWIKI.sub(lambda m: m.group(1) or "", source))
        return _fence(source, language)

    # Lists and indents ------------------------------------------------------------------------

    def _list(self, lines: list[tuple[str, str]]) -> str:
        """Consecutive lines with ``*#:;`` markers as Markdown lists and block quotes.

        Items follow each other line by line; a quote line, a term or an item's continuation is a
        paragraph of its own (blank lines between, inside the quotes they share).
        """
        out: list[str] = []
        previous_types = ""  # the list markers of the previous item, as written here
        numbers: list[int] = []  # the number of each item on the way to the previous one
        previous_quote, previous_item = 0, False
        for prefix, content in lines:
            lead = len(prefix) - len(prefix.lstrip(":;"))  # the colons and semicolons before any list marker
            quote = prefix[:lead].count(":")
            markers = prefix[lead:]
            last = max(markers.rfind("*"), markers.rfind("#"))
            types = "".join(marker for marker in markers[: last + 1] if marker in "*#")
            continues = markers[last + 1 :] if types else ""  # "*:": the item goes on
            bold = (continues if types else prefix).endswith(";")
            text = f"**{content}**" if bold and content else content
            if not text:
                continue
            if quote != previous_quote:
                previous_types, numbers = "", []
            if types and not continues:
                common = 0
                while common < min(len(types), len(previous_types)) and types[common] == previous_types[common]:
                    common += 1
                depth = min(len(types), common + 1)  # one level deeper at most: Markdown cannot skip one
                written = types[:depth]
                numbers = numbers[: depth - 1] + [numbers[depth - 1] + 1 if common >= depth else 1]
                marker = f"{numbers[-1]}." if written[-1] == "#" else "-"
                line = "    " * (depth - 1) + f"{marker} {text}"
                # A list of another kind at the same level needs a blank line before it.
                tight = previous_item and quote == previous_quote and (len(previous_types) < depth or common >= depth)
                previous_types, previous_item = written, True
            else:
                line = "    " * min(len(types), len(previous_types)) + text
                tight, previous_item = False, False
                if not types:
                    previous_types, numbers = "", []
            if out:
                out.append("\n" if tight else "\n" + ("> " * min(quote, previous_quote)).rstrip() + "\n")
            out.append("> " * quote + line)
            previous_quote = quote
        return "".join(out)

    # Tables -------------------------------------------------------------------------------------

    def _table(self, node: Tag) -> str:
        rows: list[list[Tag]] = []
        caption = None
        for child in self._table_children(node):
            name = _tag_name(child)
            if name == "tr":
                rows.append([cell for cell in self._table_children(child) if _tag_name(cell) in ("td", "th")])
            elif name in ("td", "th"):
                first = child.contents.nodes[0] if child.contents.nodes else None
                if child.wiki_markup == "|" and isinstance(first, Text) and first.value.startswith("+") and not rows:
                    # "|+ caption", which the parser reads as a cell
                    caption = [first.value[1:], *child.contents.nodes[1:]]
                    continue
                if not rows:
                    rows.append([])
                rows[-1].append(child)
            elif name == "caption":
                caption = child.contents.nodes
        rows = [row for row in rows if row]
        problem = self._table_problem(node, rows)
        if problem:
            return self._keep(node, f"table with {problem}", block=True)
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        header = rows[0] if all(_tag_name(cell) == "th" for cell in rows[0]) else None
        body = rows[1:] if header else rows
        aligns = [self._alignment(cell) for cell in rows[0]] + [""] * width
        lines = []
        head_cells = [self._cell(cell, header=True) for cell in header] if header else []
        lines.append(self._row(head_cells, width))
        lines.append("|" + "|".join(f" {self._separator(align)} " for align in aligns[:width]) + "|")
        for row in body:
            lines.append(self._row([self._cell(cell, header=False) for cell in row], width))
        table = "\n".join(lines)
        if caption is not None:
            title = self._inline(caption, line_start=True).strip()
            if title:
                return f"{title}\n\n{table}"
        return table

    def _table_children(self, node: Tag):
        """The rows or cells of a table or row, through ``<tbody>`` and the like."""
        for child in node.contents.nodes:
            if isinstance(child, Tag):
                if _tag_name(child) in ("thead", "tbody", "tfoot"):
                    yield from self._table_children(child)
                else:
                    yield child

    def _table_problem(self, node: Tag, rows) -> str | None:
        """Why a table is beyond a Markdown table, or None."""
        table_rows = [child for child in self._table_children(node) if _tag_name(child) == "tr"]
        if _stray(node.contents.nodes) or any(_stray(row.contents.nodes) for row in table_rows):
            return "content between its cells"
        for row in rows:
            for cell in row:
                for span in ("colspan", "rowspan"):
                    value = _attribute(cell, span)
                    if value and value.strip("\"' ") not in ("", "1"):
                        return span
                source = str(cell.contents)
                if "{|" in source or "<table" in source.lower():
                    return "a nested table"
                if "\n" in source.strip():
                    return "multi-line cells"
        return None

    def _alignment(self, cell: Tag) -> str:
        align = (_attribute(cell, "align") or "").strip("\"' ").lower()
        style = TEXT_ALIGN.search(_attribute(cell, "style") or "")
        return style.group(1).lower() if style else align if align in ("left", "right", "center") else ""

    @staticmethod
    def _separator(align: str) -> str:
        return {"left": ":--", "right": "--:", "center": ":-:"}.get(align, "---")

    def _cell(self, cell: Tag, *, header: bool) -> str:
        text = self._inline(cell.contents.nodes, table=True).strip()
        if _tag_name(cell) == "th" and not header and text:
            return f"**{text}**"
        return text

    @staticmethod
    def _row(cells: list[str], width: int) -> str:
        cells = cells + [""] * (width - len(cells))
        return "|" + "|".join(f" {cell} " if cell else "  " for cell in cells) + "|"

    # Inline -------------------------------------------------------------------------------------

    def _inline(self, nodes, *, table: bool = False, line_start: bool = False) -> str:
        """Markdown of inline nodes (text given as strings or ``Text``); ``line_start``: the first text
        begins a line, so what Markdown would read there as markup is escaped."""
        out: list[str] = []
        started = not line_start
        carry = ""  # text left over after a link trail
        nodes = list(nodes)
        for index, node in enumerate(nodes):
            if isinstance(node, Text):
                node = node.value
            if isinstance(node, str):
                node = BEHAVIOUR_SWITCH.sub("", node[len(carry) :] if carry else node)
                carry = ""
                piece = _escape(node, table=table, line_start=not started)
            elif isinstance(node, Tag) and _tag_name(node) == "nowiki":
                shown = html.unescape(_restore(str(node.contents))) if node.contents is not None else ""
                piece = _escape(shown, table=table, line_start=not started)
            elif isinstance(node, Wikilink):
                following = nodes[index + 1] if index + 1 < len(nodes) else None
                following = following.value if isinstance(following, Text) else following
                trail = ""
                if isinstance(following, str):
                    match = LINK_TRAIL.match(following)
                    trail = match.group() if match else ""
                piece, used = self._wikilink(node, table=table, trail=trail)
                carry = trail if used else ""
            else:
                piece = self._inline_node(node, table=table)
            if piece:
                out.append(piece)
                started = started or bool(piece.strip())
        return "".join(out)

    def _inline_node(self, node, *, table: bool) -> str:
        if isinstance(node, Comment):
            return ""
        if isinstance(node, HTMLEntity):
            return _entity(node)
        if isinstance(node, ExternalLink):
            return self._external_link(node, table=table)
        if isinstance(node, Template):
            if _is_note_list(node):
                return ""
            return self._keep(node, _template_kind(node))
        if isinstance(node, Argument):
            return self._keep(node, self._kind(node))
        if isinstance(node, Heading):
            return _escape(str(node), table=table)
        if isinstance(node, Tag):
            return self._inline_tag(node, table=table)
        return _escape(str(node), table=table)

    def _inline_tag(self, node: Tag, *, table: bool) -> str:
        name = _tag_name(node)
        if node.wiki_markup in LIST_MARKUP or name == "hr":
            return _escape(str(node.wiki_markup or ""), table=table)
        contents = node.contents.nodes if node.contents is not None else []
        if name in BOLD | ITALIC:
            inner = self._inline(contents, table=table)
            mark = "**" if name in BOLD else "*"
            stripped = inner.strip()
            if not stripped:
                return inner
            before, after = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
            return f"{before}{mark}{stripped}{mark}{after}"
        if name == "br":
            return "<br>"
        if name in CODE:
            return _code_span(self._plain(contents))
        if name == "ref":
            return self._note(node)
        if name in NOTHING_SHOWN:
            return ""
        if name in KEPT_HTML:
            return f"<{name}>{self._inline(contents, table=table)}</{name}>"
        if name in TRANSPARENT_INLINE | TRANSPARENT_BLOCK | {"blockquote"}:
            return self._inline(contents, table=table)
        if name in PREFORMATTED:
            return _code_span(html.unescape(self._plain(contents)))
        return self._keep(node, f"tag <{name}>")

    def _plain(self, nodes) -> str:
        """The text of nodes without their markup (for code): links as their labels, the rest as written."""
        parts = []
        for node in nodes:
            if isinstance(node, str | Text):
                parts.append(node if isinstance(node, str) else node.value)
            elif isinstance(node, Comment):
                continue
            elif isinstance(node, HTMLEntity):
                parts.append(node.normalize())
            elif (
                isinstance(node, Tag)
                and node.contents is not None
                and _tag_name(node) in (BOLD | ITALIC | CODE | KEPT_HTML | TRANSPARENT_INLINE | {"nowiki"})
            ):
                parts.append(self._plain(node.contents.nodes))
            elif isinstance(node, Wikilink):
                parts.append(str(node.text if node.text is not None else node.title))
            elif isinstance(node, ExternalLink) and node.title is not None:
                parts.append(self._plain(node.title.nodes))
            else:
                parts.append(str(node))
        return _restore("".join(parts))

    # Links --------------------------------------------------------------------------------------

    def _wikilink(self, node: Wikilink, *, table: bool, trail: str) -> tuple[str, bool]:
        """The Markdown of a wiki link and whether it took the link trail."""
        title = _restore(str(node.title)).strip()
        colon = title.startswith(":")
        namespace = title.split(":", 1)[0].strip().lower() if ":" in title and not colon else ""
        if namespace in CATEGORY_NAMESPACES:
            name = _title(title.split(":", 1)[1].split("#", 1)[0])
            if name:
                self.tags[name] = None
            return "", False
        if namespace in FILE_NAMESPACES:
            return self._keep(node, f"file {_title(title.split(':', 1)[1])}"), False
        page, _, section = title.partition("#")
        label = self._inline(node.text.nodes, table=table).strip() if node.text is not None else ""
        label = " ".join(label.split())
        if not page.strip():  # a section of this page: its label as text
            return (label or _escape(section, table=table)), False
        target = _title(page) if not colon else ":" + _title(page[1:])
        if not label and " ".join(title.split()) != target:
            label = _escape(" ".join(title.split()), table=table)  # as MediaWiki shows it: "Foo_bar", "Page#Part"
        if trail:
            label = (label or _escape(target, table=table)) + trail
        separator = "\\|" if table else "|"
        if "[[" in target or "]]" in target:
            return _escape(str(node), table=table), False
        return (f"[[{target}{separator}{label}]]" if label else f"[[{target}]]"), bool(trail)

    def _external_link(self, node: ExternalLink, *, table: bool) -> str:
        url = _restore(str(node.url)).strip()
        if url.startswith("//"):  # protocol-relative
            url = "https:" + url
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in URL_SCHEMES or any(c in url for c in "\n <>"):
            if node.brackets:
                self.kept[f"link with scheme {scheme or url}"] = None
            return _escape(str(node), table=table)
        if not node.brackets:
            return _escape(url, table=table)
        label = self._inline(node.title.nodes, table=table).strip() if node.title is not None else ""
        if not label or label == _escape(url, table=table):
            return f"<{url}>"
        href = url if url.count("(") == url.count(")") else url.replace("(", "%28").replace(")", "%29")
        return f"[{' '.join(label.split())}]({href})"

    # Notes --------------------------------------------------------------------------------------

    def _named_text(self, name: str):
        """The text of a named note wherever it is given (later in the text, or in ``<references>``), or None.

        Looked for only when a note is used before its text is given: a search of the whole page."""
        if self.named_texts is None:
            self.named_texts = {}
            for tag in self.wikicode.ifilter_tags(recursive=True, matches=lambda n: _tag_name(n) == "ref"):
                given = _attribute(tag, "name")
                if given and tag.contents is not None and str(tag.contents).strip():
                    self.named_texts.setdefault(given, tag.contents)
        return self.named_texts.get(name)

    def _note(self, node: Tag) -> str:
        name = _attribute(node, "name") or None
        if name and name in self.note_labels:
            return f"[^{self.note_labels[name]}]"
        contents = node.contents if node.contents is not None and str(node.contents).strip() else None
        if contents is None and name:
            contents = self._named_text(name)
        if contents is None:
            return self._keep(node, "note without text")
        number = len(self.notes) + 1
        label = name if name and SAFE_NOTE_LABEL.fullmatch(name) and not name.isdigit() else str(number)
        if name:
            self.note_labels[name] = label
        self.notes.append("")  # its place, before notes inside it take theirs
        text = "\n\n".join(self._blocks(contents.nodes))
        self.notes[number - 1] = f"[^{label}]: " + text.replace("\n", "\n    ")
        return f"[^{label}]"


# ---------------------------------------------------------------------------------------------
# Markdown → wikitext
# ---------------------------------------------------------------------------------------------

# Our [[Page|label]] links, also with the escaped "\|" a table cell needs.
WIKI_LINK_IN_MARKDOWN = re.compile(WIKI_LINK.replace(r"(?:\|", r"(?:\\?\|"))
FOOTNOTE_LABEL = re.compile(r"\[\^([^\]\s]+)\]")
# Text wikitext would read as markup: links, templates, emphasis, external links, signatures,
# behaviour switches, tags.
WIKITEXT_SPECIAL = re.compile(
    r"\[\[|\]\]|\{\{|\}\}|''+|\[(?=(?i:https?:|mailto:|ftp:|//))|~~~+|"
    + BEHAVIOUR_SWITCH.pattern
    + r"|<(?=[A-Za-z/!?])"
)
LINE_START_WIKITEXT = re.compile(r"[*#:;=]|----|\{\|")
LINK_SCHEMES = re.compile(r"(?i:https?|ftps?|mailto):")


def _parse_wiki_link(inline, match, state):
    link = WIKI_LINK_IN_MARKDOWN.match(match.group(0))
    state.append_token({"type": "wiki_link", "raw": link.group(0).replace("\\|", "|")})
    return match.end()


def _wiki_links(md):
    md.inline.register("wiki_link", WIKI_LINK_IN_MARKDOWN.pattern, _parse_wiki_link, before="link", start_chars="[")


def _atx_heading(block, match, state):
    return block.parse_atx_heading(match, state)


def _list_after_blank_line(block, match, state):
    return state.append_paragraph() or block.parse_list(match, state)


def _as_python_markdown(md):
    """Read what Python-Markdown (which renders the pages here) reads otherwise than CommonMark as it does:
    "#Title" is a heading, and a list does not interrupt a paragraph (except a list in a list's item)."""
    block = md.block
    block.register("atx_heading", r"^(?P<atx_1>#{1,6})(?P<atx_2>.*?)$", _atx_heading)
    block.register("list_after_blank_line", block.specification["list"], _list_after_blank_line)
    block.rules.remove("list_after_blank_line")  # appended by register(): it takes the place of "list"
    for rules in (block.rules, block.block_quote_rules):
        rules[rules.index("list")] = "list_after_blank_line"


# Built once: parsing a revision costs no set-up. "~~x~~" is not struck through here (Python-Markdown
# without that extension), so the strikethrough plugin is left out.
MARKDOWN_PARSER = mistune.create_markdown(
    renderer=None, plugins=["table", "footnotes", _wiki_links, _as_python_markdown]
)


def to_wikitext(markdown: str) -> str:
    """This wiki's Markdown as MediaWiki wikitext.

    Code blocks are ``<pre>`` (a plain MediaWiki has no syntax highlighting), their language kept
    as ``data-lang`` (so that a diagram comes back a diagram); notes are ``<ref>`` named after their
    label (a numbered note only if used twice), with ``<references />`` at the end; ``[[wiki links]]``
    pass through; tables are
    wikitables; block quotes ``<blockquote>``; text that wikitext would read as markup is
    wrapped in ``<nowiki>``. Markdown images become external links; a link to a path of this site
    keeps its label only.

    mistune reads Markdown as CommonMark does, made to read as Python-Markdown (which renders the
    pages) a heading without a space after its ``#`` and a list right after a paragraph's line;
    where they still differ (nesting by two spaces, a ``|`` inside code in a table row, a code
    fence never closed), the wikitext follows CommonMark.
    """
    return _Exporter(markdown).convert()


@dataclass
class _Piece:
    """A piece of inline wikitext, and whether it is the writer's text (not markup)."""

    text: str
    prose: bool = False


class _Exporter:
    def __init__(self, markdown: str):
        self.markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
        self.notes: dict[str, list] = {}  # footnote key → its blocks
        self.uses: dict[str, int] = {}  # footnote key → how many references to it
        self.written: set[str] = set()
        # mistune gives a note's key in capitals: the label as written, for the note's name.
        self.labels = {unikey(label): label for label in FOOTNOTE_LABEL.findall(self.markdown)}

    def convert(self) -> str:
        tokens = MARKDOWN_PARSER(self.markdown)
        for token in tokens:
            if token["type"] == "footnotes":
                for item in token["children"]:
                    self.notes[item["attrs"]["key"]] = item["children"]
        self._count_notes(tokens)
        blocks = [self._block(token) for token in tokens if token["type"] != "footnotes"]
        if self.written:
            blocks.append("<references />")
        text = "\n\n".join(block for block in blocks if block)
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
        return text + "\n" if text else ""

    def _count_notes(self, tokens) -> None:
        for token in tokens:
            if token["type"] == "footnote_ref":
                self.uses[token["raw"]] = self.uses.get(token["raw"], 0) + 1
            elif token["type"] != "footnotes" and "children" in token:
                self._count_notes(token["children"])

    # Blocks -----------------------------------------------------------------------------------

    def _blocks(self, tokens) -> str:
        return "\n\n".join(block for block in (self._block(token) for token in tokens) if block)

    def _block(self, token) -> str:
        kind = token["type"]
        if kind in ("paragraph", "block_text"):
            if token.get("children") == [{"type": "text", "raw": "[TOC]"}]:
                return "__TOC__"
            return self._inline(token.get("children", []), line_start=True)
        if kind == "heading":
            marks = "=" * token["attrs"]["level"]
            return f"{marks} {self._inline(token['children'], single_line=True).strip()} {marks}"
        if kind == "thematic_break":
            return "----"
        if kind == "block_code":
            return self._pre(token)
        if kind == "block_quote":
            return f"<blockquote>\n{self._blocks(token['children'])}\n</blockquote>"
        if kind == "list":
            return "\n".join(self._list(token, ""))
        if kind == "table":
            return self._table(token)
        if kind == "block_html":
            return token["raw"].strip("\n")
        if kind == "blank_line":
            return ""
        if "children" in token:
            return self._blocks(token["children"])
        return _protect(token.get("raw", ""), line_start=True)

    def _pre(self, token) -> str:
        language = (token.get("attrs", {}).get("info") or "").split()
        attribute = f' data-lang="{html.escape(language[0])}"' if language else ""
        code = token["raw"].rstrip("\n")
        return f"<pre{attribute}>{html.escape(code, quote=False)}</pre>"

    def _list(self, token, prefix: str) -> list[str]:
        marker = prefix + ("#" if token["attrs"].get("ordered") else "*")
        lines = []
        for item in token["children"]:
            first = True
            for child in item.get("children", []):
                if child["type"] == "list":
                    lines.extend(self._list(child, marker))
                    continue
                if child["type"] in ("paragraph", "block_text"):
                    text = self._inline(child["children"], single_line=True)
                elif child["type"] == "blank_line":
                    continue
                else:
                    text = self._block(child)
                lines.append(f"{marker if first else marker + ':'} {text}".rstrip())
                first = False
        return lines

    def _table(self, token) -> str:
        lines = ['{| class="wikitable"']
        for part in token["children"]:
            rows = [part] if part["type"] == "table_head" else part["children"]
            for row in rows:
                header = part["type"] == "table_head"
                cells = [self._cell(cell, header=header) for cell in row["children"]]
                if header:
                    if any(cell.strip() for cell in cells):
                        lines.append("! " + " !! ".join(cells))
                else:
                    lines.append("|-")
                    lines.append("| " + " || ".join(cells))
        lines.append("|}")
        return "\n".join(line.rstrip() for line in lines)

    def _cell(self, cell, *, header: bool) -> str:
        text = self._inline(cell["children"], single_line=True, cell=True, header=header).strip()
        align = cell["attrs"].get("align")
        return f'style="text-align: {align};" | {text}' if align else text

    # Inline -------------------------------------------------------------------------------------

    def _inline(self, tokens, *, line_start=False, single_line=False, cell=False, header=False) -> str:
        return _join(self._pieces(tokens, line_start=line_start, single_line=single_line, cell=cell, header=header))

    def _pieces(self, tokens, *, line_start=False, single_line=False, cell=False, header=False) -> list[_Piece]:
        """The wikitext of inline tokens, piece by piece; the writer's text in runs (mistune cuts it at escapes),
        so that what wikitext would read as markup is seen whole."""
        pieces: list[_Piece] = []
        at_start = line_start
        text: list[str] = []
        nested = {"single_line": single_line, "cell": cell, "header": header}
        for token in [*tokens, {"type": "end"}]:
            kind = token["type"]
            if kind == "text":
                text.append(token["raw"])
                continue
            if text:
                pieces.append(_Piece(_protect("".join(text), line_start=at_start, cell=cell, header=header), True))
                text.clear()
                at_start = False
            if kind in ("emphasis", "strong"):
                mark = _Piece("''" if kind == "emphasis" else "'''")
                pieces += [mark, *self._pieces(token["children"], **nested), mark]
            elif kind == "codespan":
                pieces.append(_Piece(f"<code><nowiki>{html.escape(token['raw'], quote=False)}</nowiki></code>"))
            elif kind == "link":
                pieces.append(_Piece(self._link(token, cell=cell, header=header)))
            elif kind == "image":
                pieces.append(_Piece(self._image(token, cell=cell, header=header)))
            elif kind in ("wiki_link", "inline_html"):
                pieces.append(_Piece(token["raw"]))
            elif kind == "footnote_ref":
                pieces.append(_Piece(self._ref(token["raw"])))
            elif kind == "softbreak":
                pieces.append(_Piece(" " if single_line else "\n"))
            elif kind == "linebreak":
                pieces.append(_Piece("<br>" if single_line else "<br>\n"))
            elif "children" in token:
                pieces += self._pieces(token["children"], **nested)
            elif kind != "end":
                pieces.append(_Piece(_protect(token.get("raw", ""), cell=cell, header=header), True))
            if pieces:
                at_start = pieces[-1].text.endswith("\n")
        return pieces

    def _link(self, token, *, cell: bool, header: bool) -> str:
        url = token["attrs"]["url"]
        label = self._inline(token["children"], single_line=True, cell=cell, header=header).strip()
        label = label.replace("]", "&#93;")
        if url.startswith("#") and len(url) > 1:
            return f"[[{url}|{label}]]" if label else f"[[{url}]]"
        if not LINK_SCHEMES.match(url):
            return label
        for character, code in ((" ", "%20"), ("[", "%5B"), ("]", "%5D"), ("<", "%3C"), (">", "%3E"), ('"', "%22")):
            url = url.replace(character, code)
        return f"[{url} {label}]" if label else f"[{url}]"

    def _image(self, token, *, cell: bool, header: bool) -> str:
        alt = self._inline(token["children"], single_line=True, cell=cell, header=header).strip()
        url = token["attrs"]["url"]
        if LINK_SCHEMES.match(url) and not any(c in url for c in ' []<>"'):
            return f"[{url} {alt}]" if alt else f"[{url}]"
        return alt

    def _ref(self, key: str) -> str:
        label = self.labels.get(key, key)
        if SAFE_NOTE_LABEL.fullmatch(label) and not label.isdigit():
            name = label
        elif self.uses.get(key, 0) > 1:
            name = f"note {label}"
        else:
            name = None
        quoted = f' name="{html.escape(name)}"' if name else ""
        if key in self.written:
            return f"<ref{quoted} />"
        self.written.add(key)
        text = "\n\n".join(
            self._inline(block["children"], line_start=False)
            if "children" in block and block["type"] == "paragraph"
            else self._block(block)
            for block in self.notes.get(key, [])
            if block["type"] != "blank_line"
        )
        return f"<ref{quoted}>{text}</ref>"


def _join(pieces: list[_Piece]) -> str:
    """The pieces as one text; an apostrophe of the writer's next to one of the markup's is written
    as a reference, so that MediaWiki does not read them together as bold or italic."""
    out: list[str] = []
    last_prose = False
    for piece in pieces:
        text = piece.text
        if not text:
            continue
        if out and out[-1].endswith("'") and text.startswith("'"):
            if piece.prose:
                text = "&#39;" + text[1:]
            elif last_prose:
                out[-1] = out[-1][:-1] + "&#39;"
        out.append(text)
        last_prose = piece.prose
    return "".join(out)


def _protect(text: str, *, line_start: bool = False, cell: bool = False, header: bool = False) -> str:
    """The writer's text as wikitext that shows it as it is: what wikitext would read as markup is
    wrapped in ``<nowiki>`` (or written as a character reference), nothing else."""
    text = WIKITEXT_SPECIAL.sub(_protect_match, text)
    if cell:
        text = text.replace("|", "&#124;")
        if header:
            text = text.replace("!!", "!&#33;")
    if line_start:
        text = text.lstrip(" \t")
        match = LINE_START_WIKITEXT.match(text)
        if match:
            text = f"<nowiki>{match.group()}</nowiki>{text[match.end() :]}"
    return text


def _protect_match(match) -> str:
    found = match.group()
    if found == "<":
        return "&lt;"
    if found.startswith("''"):
        return "&#39;" * len(found)
    return f"<nowiki>{found}</nowiki>"
