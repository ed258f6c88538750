"""What each app keeps about a member, and what it does when the member leaves.

A member may see what the site keeps about them, download it, and close their account (GDPR
arts. 15, 20 and 17; union membership is art. 9 data). No app knows them all, so each app that
keeps something tells through a module ``<app>/privacy.py`` with any of these names:

``KINDS``
    A list of ``Kind``: each a kind of data the app keeps about a member, shown on the member's
    data page and written to their download, one JSON list and one CSV file per kind.
``closing_options(member) -> list[Option]``
    Choices the member makes when closing (the timebank: hand a balance to the commons).
``closing_obstacles(member, *, options) -> list[str]``
    Why the account cannot be closed yet with the ``options`` chosen, in the active language;
    empty when it can. Nothing is changed.
``member_close(member, *, pseudonym, options) -> None``
    End what the member takes part in (enrolments, memberships, requests), tell the others who
    are waiting on them, and erase what names them in the app's own rows; rows that are history
    (ledger, wiki revisions, attendance) stay, attributed to the member row, which the host then
    renames to ``pseudonym``. Runs inside the closing's one transaction, before the host erases
    the member's own fields, so every app still sees who is leaving; mails go on commit.

The host (this repository's ``nlu``) gives the page, the download and the closing form, and
erases the user row last; ``docs/plugins.md`` says so for other hosts.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule

# What rows hold: JSON scalars only, so each kind is both a JSON list and a CSV table.
Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Kind:
    """One kind of personal data an app keeps: its name in the download, what it is, why kept."""

    name: str  # "<app>.<kind>", the key in the download's JSON and its CSV file name
    label: str  # (lazy) what it is, as the member reads it: "Enrolments and progress"
    purpose: str  # (lazy) why it is kept, in one sentence
    fields: tuple[str, ...]  # the keys of every row: the CSV header, the schema's properties
    rows: Callable[[object], Iterable[dict[str, Scalar]]]  # the member's rows, flat, oldest first


@dataclass(frozen=True)
class Option:
    """A choice offered to a member closing their account (a check box on the closing form)."""

    name: str  # "<app>.<option>", the form field's name
    label: str  # what ticking it does, in the active language
    help: str = ""


@cache
def privacy_modules() -> tuple:
    """The ``privacy`` modules of the installed apps, in ``INSTALLED_APPS`` order (this one left out)."""
    found = []
    for config in apps.get_app_configs():
        if config.name != __package__ and module_has_submodule(config.module, "privacy"):
            found.append(import_module(f"{config.name}.privacy"))
    return tuple(found)


def kinds() -> list[Kind]:
    return [kind for module in privacy_modules() for kind in getattr(module, "KINDS", ())]


def closing_options(member) -> list[Option]:
    return [
        option for module in privacy_modules() for option in getattr(module, "closing_options", lambda m: [])(member)
    ]


def closing_obstacles(member, *, options: set[str]) -> list[str]:
    found = []
    for module in privacy_modules():
        if hasattr(module, "closing_obstacles"):
            found.extend(module.closing_obstacles(member, options=options))
    return found


def member_close(member, *, pseudonym: str, options: set[str]) -> None:
    """Every app's part of a member's leaving, in one transaction (the host's part comes last)."""
    with transaction.atomic():
        for module in privacy_modules():
            if hasattr(module, "member_close"):
                module.member_close(member, pseudonym=pseudonym, options=options)


def whole_words(words: Iterable[str], *, ignore_case: bool = False) -> re.Pattern | None:
    """Any of ``words`` where it is a whole word, longest first; None for no words.

    For replacing a leaving member's name in texts: "ali" goes in "thanks ali!", not in "quality".
    """
    words = sorted({word.strip() for word in words if word and word.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE if ignore_case else 0)


def scalar(value) -> Scalar:
    """A value as a download row holds it: datetimes and dates in ISO 8601, other objects as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def member_rows(member) -> Iterator[tuple[Kind, list[dict[str, Scalar]]]]:
    """Each kind with the member's rows in it, values made scalar, keys exactly the kind's fields."""
    for kind in kinds():
        rows = []
        for row in kind.rows(member):
            if tuple(row) != kind.fields:
                raise ValueError(f"a row of {kind.name} has the keys {tuple(row)}, not {kind.fields}")
            rows.append({key: scalar(value) for key, value in row.items()})
        yield kind, rows
