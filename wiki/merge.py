"""Three-way merge of page texts, line by line (merge3, the algorithm of bzr and diff3)."""

from dataclasses import dataclass

import merge3


@dataclass
class Conflict:
    """Overlapping changes: ``text`` holds both sides between conflict markers."""

    text: str


def merge(*, base: str, theirs: str, mine: str, theirs_label: str, mine_label: str) -> str | Conflict:
    """The text with both changes since ``base`` applied, or a ``Conflict`` when they touch the same lines."""
    m3 = merge3.Merge3(base.splitlines(keepends=True), theirs.splitlines(keepends=True), mine.splitlines(keepends=True))
    # reprocess: a conflict is narrowed to the lines that really differ, as in git and diff3.
    text = "".join(m3.merge_lines(name_a=str(theirs_label), name_b=str(mine_label), reprocess=True))
    if any(kind == "conflict" for kind, *_ in m3.reprocess_merge_regions(m3.merge_regions())):
        return Conflict(text=text)
    return text


def has_conflict_markers(text: str) -> bool:
    """Whether ``text`` still holds a conflict as ``merge`` marks one: lines of <<<<<<<, ======= and >>>>>>>."""
    lines = text.splitlines()
    return (
        any(line.startswith("<<<<<<< ") for line in lines)
        and "=======" in lines
        and any(line.startswith(">>>>>>> ") for line in lines)
    )
