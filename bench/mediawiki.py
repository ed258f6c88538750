"""The MediaWiki import at scale: revisions per second, and peak memory that must not grow with the file.

``python -m bench.mediawiki [--scale N]`` writes (once, cached by N in var/bench/mediawiki/) a
MediaWiki export file of schema 0.11 as MediaWiki 1.39 writes it, with N revisions: pages of 100
revisions each (10,000 = 100 pages, 100,000 = 1,000 pages of the same shape), each revision a
wiki page of 2 to 5 KB that the one before it was edited into. Then, for each database (SQLite
always; PostgreSQL too when ``DATABASE_URL`` names one, in databases of its own), it migrates an
empty database and runs ``manage.py wiki_import_mediawiki`` on the file in a child process,
timing it and reading the child's peak resident memory from the kernel (``wait4``). 10,000
revisions always (unless ``--no-baseline``), and N when it is more, with the ratio of the two
peaks, which the streaming reader must keep under 1.20 (issue 24). It prints the Markdown table
and writes it, with JSON, to ``bench/results/<date>-mediawiki-import.md`` and into the README
between its markers; what separate invocations of one day measured (``--databases``,
``--no-baseline``: a 100,000 run takes an hour or more) is gathered in that one file.
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape, quoteattr

from wiki.mediawiki.dump import mediawiki_sha1

from .database import BENCH_VAR, PYTHON, ROOT, django_env, manage

BASELINE = 10_000  # revisions of the run every other is compared with
REVISIONS_PER_PAGE = 100
FLAT_TARGET = 1.20  # peak RSS at N over peak RSS at 10,000 (issue 24)
SAMPLE_SECONDS = 0.2  # how often the child's RSS is read, for the curve beside the peak
RESULTS = Path(__file__).resolve().parent / "results"
README = ROOT / "README.md"
README_START, README_END = "<!-- bench:mediawiki:start -->", "<!-- bench:mediawiki:end -->"
VAR = BENCH_VAR / "mediawiki"
# Part of the cached file's name, with N: raise it when the generator writes something else.
GENERATOR_VERSION = 1


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- The export file -------------------------------------------------------------------------


def _listed(text: str) -> list[str]:
    """Words separated by semicolons over several lines; an empty item is kept (a sentence without)."""
    return [item.strip() for item in " ".join(text.split("\n")).split(";")]


TOPICS = _listed(
    """
    Worker education; Cooperative banking; Peer production; Time banking; Commons governance;
    Open design; Community land trust; Mutual aid; Platform cooperative; Study circle; Evening school;
    Folk high school; Credit union; Housing cooperative; Fab lab; Seed library; Repair café;
    Participatory budgeting; Open hardware; Distributed manufacturing; Knowledge commons; Tool library;
    Solidarity economy; Food cooperative; Commons-based licence; Kooperatif eğitimi; Halk evleri;
    Gönüllü emek; Açık kaynak; Dayanışma ağı
"""
)
QUALIFIERS = _listed(
    """
    ; in Anatolia; in the Low Countries; after 1945; before 1914; in Scandinavia; and the state;
    and trade unions; in practice; in the city; in rural areas; and technology; in the 1970s;
    and women; and migration; in Latin America; and the internet; in law; and research; in schools;
    and housing; in Istanbul; and ecology; in theory; and money; in archives; and libraries;
    in the press; and care work; in translation; and the commons; in Europe; and accounting;
    in textbooks
"""
)
SUBJECTS = _listed(
    """
    The first members; Its founders; A study group; The assembly; Local branches; The statutes;
    Researchers at the unit; Volunteers; The federation; Early accounts; Several historians;
    A later survey; The teachers; Most cooperatives; The archive; Critics; Its members
"""
)
VERBS = _listed(
    """
    organised; described; financed; recorded; shared; debated; translated; taught; published; rebuilt;
    questioned; documented; pooled; maintained; opened; compared
"""
)
OBJECTS = _listed(
    """
    evening classes for the workers of the district; a common fund for tools and books;
    the minutes of every general meeting; a library open to all members; the rules of mutual credit;
    courses in reading, writing and bookkeeping; a register of hours given and received;
    a handbook on democratic management; the first statutes of the association;
    a network of repair workshops; the results of the annual survey; a newsletter in two languages;
    a shared workshop with machines for everyone; the principles of open membership
"""
)
CLAUSES = _listed(
    """
    ; ; after a long debate; with the help of the municipality; in the years that followed;
    despite the lack of funds; as the statutes required; at the request of the members;
    without any paid staff; in close contact with the unions; for more than twenty years
"""
)
PEOPLE = ["Rosa Luxemburg", "Robert Owen", "Beatrice Webb", "Elinor Ostrom", "Charles Gide", "Sabahattin Ali"]
SECTIONS = ["History", "Organisation", "Practice", "Education", "Finance", "Criticism", "Legacy", "Sources"]
SUBSECTIONS = ["Early years", "Members", "Courses", "Buildings", "Publications", "Today"]
CATEGORIES = ["Education", "Cooperatives", "Research", "Commons", "History", "Economics", "Eğitim"]
COMMENTS = _listed(
    """
    ; Typo; Sources; Copyedit; Expand; Add a reference; Update the table; Reword; Links;
    Revert vandalism; Merge from the draft; Categories; Add a list
"""
)
USERS = [("Admin", 1), ("Rosa Worker", 3), ("Kemal Yılmaz", 4), ("Ada Archivist", 5), ("Unit Bot", 6)]
IPS = ["203.0.113.7", "198.51.100.23", "2001:db8::1f"]
SITE_HEADER = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.11/ http://www.mediawiki.org/xml/export-0.11.xsd" \
version="0.11" xml:lang="en">
  <siteinfo>
    <sitename>NLU Bench Wiki</sitename>
    <dbname>benchwiki</dbname>
    <base>http://bench.invalid/index.php/Main_Page</base>
    <generator>MediaWiki 1.39.17</generator>
    <case>first-letter</case>
    <namespaces>
"""
NAMESPACES = [
    (-2, "Media"),
    (-1, "Special"),
    (0, ""),
    (1, "Talk"),
    (2, "User"),
    (3, "User talk"),
    (4, "NLU Bench Wiki"),
    (5, "NLU Bench Wiki talk"),
    (6, "File"),
    (7, "File talk"),
    (8, "MediaWiki"),
    (9, "MediaWiki talk"),
    (10, "Template"),
    (11, "Template talk"),
    (12, "Help"),
    (13, "Help talk"),
    (14, "Category"),
    (15, "Category talk"),
]
MIN_BYTES, MAX_BYTES = 2_000, 5_000


def page_titles(count: int) -> list[str]:
    """``count`` distinct titles, the same first ones at every N."""
    titles = [f"{topic} {qualifier}".strip() for qualifier in QUALIFIERS for topic in TOPICS]
    return [titles[i % len(titles)] + (f" ({i // len(titles) + 1})" if i >= len(titles) else "") for i in range(count)]


class Article:
    """One page's text as parts that edits change, written out as wikitext for each revision."""

    def __init__(self, title: str, others: list[str], rng: random.Random):
        self.title, self.others, self.rng = title, others, rng
        self.notes = 0
        self.lead = [f"'''{title}''' is {self._phrase()}." + self._ref()] + [self.sentence() for _ in range(2)]
        self.infobox = rng.random() < 0.25  # a template: kept as wikitext, marked, by the converter
        self.sections = [
            {"heading": heading, "paragraphs": [[self.sentence() for _ in range(3)]], "sub": None}
            for heading in rng.sample(SECTIONS, 3)
        ]
        self.sections[0]["sub"] = {"heading": rng.choice(SUBSECTIONS), "paragraphs": [[self.sentence()]]}
        self.items = [self._item() for _ in range(4)]
        self.rows = [self._row() for _ in range(3)]
        self.categories = rng.sample(CATEGORIES, 2)
        self.limit = rng.randint(MIN_BYTES + 1_000, MAX_BYTES)
        self.fit()

    def _phrase(self) -> str:
        return self.rng.choice(["a form of ", "the practice of ", "a movement for ", "an institution of "]) + (
            self.rng.choice(OBJECTS)
        )

    def _link(self) -> str:
        target = self.rng.choice(self.others)
        return self.rng.choice([f"[[{target}]]", f"[[{target}|{target[0].lower()}{target[1:]}]]", f"[[{target}]]s"])

    def _ref(self) -> str:
        if self.rng.random() < 0.7:
            return ""
        self.notes += 1
        person, volume, page = self.rng.choice(PEOPLE), self.rng.randint(1, 9), self.rng.randint(3, 400)
        return f"<ref>{person}, ''Collected writings'', vol. {volume}, p. {page}.</ref>"

    def sentence(self) -> str:
        rng = self.rng
        words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(CLAUSES)]
        text = " ".join(word for word in words if word)
        mark = rng.random()
        if mark < 0.35:
            text += f", as described in {self._link()}"
        elif mark < 0.45:
            text += f" (''{rng.choice(PEOPLE)}'')"
        elif mark < 0.52:
            text += f"; see [https://example.org/archive/{rng.randint(1, 9999)} the archive]"
        elif mark < 0.58:
            text = text.replace(" ", " '''", 1) + "'''"
        return text + "." + self._ref()

    def _item(self) -> str:
        return (
            self.rng.choice(["* ", "* ", "** ", "# "])
            + self.rng.choice(OBJECTS).capitalize()
            + (f" – {self._link()}" if self.rng.random() < 0.4 else "")
        )

    def _row(self) -> str:
        return f"| {self.rng.choice(SUBSECTIONS)} || {self.rng.randint(1850, 2020)} || {self.rng.randint(5, 900)}"

    def paragraphs(self) -> list[list[str]]:
        return [p for s in self.sections for p in s["paragraphs"] + (s["sub"]["paragraphs"] if s["sub"] else [])]

    def edit(self) -> str:
        """Change the text as an editor would (one to three changes); returns a summary of the kind."""
        rng = self.rng
        for _ in range(rng.randint(1, 3)):
            paragraph = rng.choice(self.paragraphs())
            action = rng.random()
            if action < 0.3:
                paragraph[rng.randrange(len(paragraph))] = self.sentence()
            elif action < 0.55:
                paragraph.insert(rng.randint(0, len(paragraph)), self.sentence())
            elif action < 0.65:
                rng.choice(self.sections)["paragraphs"].append([self.sentence(), self.sentence()])
            elif action < 0.75:
                self.items.insert(rng.randint(0, len(self.items)), self._item())
            elif action < 0.83:
                self.rows.append(self._row())
            elif action < 0.88 and len(self.sections) < len(SECTIONS):
                heading = rng.choice([h for h in SECTIONS if h not in {s["heading"] for s in self.sections}])
                self.sections.append({"heading": heading, "paragraphs": [[self.sentence()]], "sub": None})
            elif action < 0.92:
                self.categories = rng.sample(CATEGORIES, rng.randint(1, 3))
            else:  # a small correction inside a sentence
                index = rng.randrange(len(paragraph))
                paragraph[index] = paragraph[index].replace(rng.choice(VERBS), rng.choice(VERBS), 1)
        self.fit()
        return rng.choice(COMMENTS)

    def fit(self) -> None:
        """Keep the text within this page's size (2 to 5 KB): pages grow, and are trimmed too."""
        rng = self.rng
        while len(self.text().encode()) > self.limit:
            longest = max(self.paragraphs(), key=len)
            shorter = [section for section in self.sections if len(section["paragraphs"]) > 1]
            if len(self.rows) > 4:
                self.rows.pop(0)
            elif len(self.items) > 4:
                self.items.pop(rng.randrange(len(self.items)))
            elif len(longest) > 1:
                longest.pop(rng.randrange(len(longest)))
            elif shorter:
                shorter[0]["paragraphs"].pop()
            elif len(self.sections) > 2:
                self.sections.pop(rng.randrange(1, len(self.sections)))
            else:
                break
        while len(self.text().encode()) < MIN_BYTES:
            rng.choice(self.paragraphs()).append(self.sentence())

    def text(self) -> str:
        parts = []
        if self.infobox:
            parts.append(f"{{{{Infobox organisation|name={self.title}|founded={1850 + len(self.title)}}}}}")
        parts.append(" ".join(self.lead))
        for section in self.sections:
            parts.append(f"== {section['heading']} ==")
            parts.extend(" ".join(p) for p in section["paragraphs"])
            if section["sub"]:
                parts.append(f"=== {section['sub']['heading']} ===")
                parts.extend(" ".join(p) for p in section["sub"]["paragraphs"])
        parts.append("== Activities ==")
        parts.append("\n".join(self.items))
        table = ['{| class="wikitable"', "! Part !! Year !! Members", *(f"|-\n{row}" for row in self.rows), "|}"]
        parts.append("\n".join(table))
        if self.notes:
            parts.append("== References ==\n<references/>")
        parts.append("\n".join(f"[[Category:{category}]]" for category in self.categories))
        return "\n\n".join(parts)


def write_export(out, revisions: int) -> None:
    """Write the whole export to the text stream ``out``, a page at a time.

    Revision ids and timestamps increase across the wiki (revision k of every page before
    revision k + 1 of any), as on a wiki where pages are edited side by side; each page's
    revisions come in order, with their parent ids.
    """
    pages = max(1, revisions // REVISIONS_PER_PAGE)
    titles = page_titles(pages)
    started = datetime.datetime(2015, 1, 5, 9, 0, tzinfo=datetime.UTC)
    out.write(SITE_HEADER)
    for key, name in NAMESPACES:
        out.write(
            f'      <namespace key="{key}" case="first-letter">{escape(name)}</namespace>\n'
            if name
            else f'      <namespace key="{key}" case="first-letter" />\n'
        )
    out.write("    </namespaces>\n  </siteinfo>\n")
    written = 0
    for index, title in enumerate(titles):
        rng = random.Random(f"page {index}")
        article = Article(title, titles[:index] + titles[index + 1 : index + 40] or [title], rng)
        count = revisions - written if index == pages - 1 else REVISIONS_PER_PAGE
        out.write(f"  <page>\n    <title>{escape(title)}</title>\n    <ns>0</ns>\n    <id>{index + 1}</id>\n")
        parent = None
        for k in range(count):
            revision_id = k * pages + index + 1
            moment = started + datetime.timedelta(seconds=(revision_id - 1) * 90 + rng.randrange(90))
            comment = "Start the page" if k == 0 else article.edit()
            text = article.text()
            out.write(revision_xml(revision_id, parent, moment, rng, comment, text))
            parent = revision_id
        out.write("  </page>\n")
        written += count
    out.write("</mediawiki>\n")


def revision_xml(revision_id, parent, moment, rng, comment, text) -> str:
    lines = ["    <revision>", f"      <id>{revision_id}</id>"]
    if parent is not None:
        lines.append(f"      <parentid>{parent}</parentid>")
    lines.append(f"      <timestamp>{moment:%Y-%m-%dT%H:%M:%SZ}</timestamp>")
    if rng.random() < 0.15:
        lines += ["      <contributor>", f"        <ip>{rng.choice(IPS)}</ip>", "      </contributor>"]
    else:
        name, user_id = rng.choice(USERS)
        lines += ["      <contributor>", f"        <username>{escape(name)}</username>", f"        <id>{user_id}</id>"]
        lines.append("      </contributor>")
    if comment in ("Typo", "Copyedit", "Reword") and rng.random() < 0.8:
        lines.append("      <minor/>")
    if comment:
        lines.append(f"      <comment>{escape(comment)}</comment>")
    sha1 = mediawiki_sha1(text)
    lines += [
        f"      <origin>{revision_id}</origin>",
        "      <model>wikitext</model>",
        "      <format>text/x-wiki</format>",
        f'      <text bytes="{len(text.encode())}" sha1={quoteattr(sha1)} xml:space="preserve">{escape(text)}</text>',
        f"      <sha1>{sha1}</sha1>",
        "    </revision>",
    ]
    return "\n".join(lines) + "\n"


def export_file(revisions: int) -> Path:
    """The export of ``revisions`` revisions in var/bench/mediawiki/, written once (to a part file, then renamed)."""
    path = VAR / f"export-n{revisions}-v{GENERATOR_VERSION}.xml"
    if path.exists():
        return path
    VAR.mkdir(parents=True, exist_ok=True)
    for stale in VAR.glob(f"export-n{revisions}-*.xml"):
        stale.unlink()
    log(f"Writing an export of {revisions:,} revisions to {path.relative_to(ROOT)}")
    started = time.monotonic()
    partial = path.with_suffix(".part")
    with open(partial, "w", encoding="utf-8", newline="\n") as out:
        write_export(out, revisions)
    partial.replace(path)
    log(f"  {path.stat().st_size / 1e6:.0f} MB in {time.monotonic() - started:.0f} s")
    return path


# --- The databases ---------------------------------------------------------------------------


def migrate(database_url: str) -> None:
    manage(database_url, "migrate", "--noinput", folder=VAR)
    manage(database_url, "sync_translation_fields", "--noinput", folder=VAR)


class SQLite:
    engine = "SQLite"

    def __init__(self):
        self.template = VAR / "migrated.sqlite3"

    def prepare(self) -> None:
        for path in VAR.glob("migrated.sqlite3*"):
            path.unlink()
        building = VAR / "migrating.sqlite3"
        for path in VAR.glob(building.name + "*"):
            path.unlink()
        migrate(f"sqlite:///{building}")
        with sqlite3.connect(building) as connection:  # fold the WAL in, so that one file is the database
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for path in VAR.glob(building.name + "-*"):
            path.unlink()
        building.replace(self.template)

    def fresh(self, revisions: int) -> str:
        """A copy of the migrated database, one per N: a run of another N may go on beside it."""
        self.work = VAR / f"work-n{revisions}.sqlite3"
        for path in VAR.glob(self.work.name + "*"):
            path.unlink()
        shutil.copyfile(self.template, self.work)
        return f"sqlite:///{self.work}"

    def counts(self) -> dict:
        with sqlite3.connect(self.work) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            revisions = connection.execute("SELECT count(*) FROM wiki_revision WHERE remote_id IS NOT NULL")
            pages = connection.execute("SELECT count(*) FROM wiki_remotepage")
            return {
                "revisions": revisions.fetchone()[0],
                "pages": pages.fetchone()[0],
                "database_mb": round(self.work.stat().st_size / 1e6, 1),
            }


class PostgreSQL:
    """Databases of this bench's own on the server of ``DATABASE_URL`` (the one named there is not touched)."""

    engine = "PostgreSQL"
    template = "nlu_bench_mediawiki_migrated"

    def __init__(self, server_url: str):
        self.server_url = server_url

    def url(self, name: str) -> str:
        parts = urlsplit(self.server_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    def admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def prepare(self) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)', f'CREATE DATABASE "{self.template}"')
        migrate(self.url(self.template))

    def fresh(self, revisions: int) -> str:
        self.work = f"nlu_bench_mediawiki_n{revisions}"
        self.admin(
            f'DROP DATABASE IF EXISTS "{self.work}" WITH (FORCE)',
            f'CREATE DATABASE "{self.work}" TEMPLATE "{self.template}"',
        )
        return self.url(self.work)

    def counts(self) -> dict:
        import psycopg

        with psycopg.connect(self.url(self.work)) as connection:
            revisions = connection.execute("SELECT count(*) FROM wiki_revision WHERE remote_id IS NOT NULL")
            pages = connection.execute("SELECT count(*) FROM wiki_remotepage")
            size = connection.execute("SELECT pg_database_size(current_database())")
            return {
                "revisions": revisions.fetchone()[0],
                "pages": pages.fetchone()[0],
                "database_mb": round(size.fetchone()[0] / 1e6, 1),
            }


# --- One import ------------------------------------------------------------------------------


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def timed_import(path: Path, database_url: str, output: Path) -> dict:
    """Run the import command in a child; its wall time, its peak RSS from the kernel, and RSS over time.

    The peak is the child's own (``wait4``), not that of every child this process has had. The
    samples read /proc a few times a second, to show whether memory grows during the run.
    """
    command = [PYTHON, "manage.py", "wiki_import_mediawiki", str(path)]
    samples: list[tuple[float, float]] = []
    with open(output, "w") as out:
        started = time.monotonic()
        env = django_env(database_url, folder=VAR)
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample():
            while not done.wait(SAMPLE_SECONDS):
                value = rss_mb(child.pid)
                if value:
                    samples.append((time.monotonic() - started, value))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "exit": child.returncode,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # kilobytes on Linux
        "rss_by_tenth_mb": tenths(samples, seconds),
    }


def tenths(samples: list[tuple[float, float]], seconds: float) -> list[float | None]:
    """The largest RSS sampled in each tenth of the run: flat after start-up when memory does not grow."""
    out: list[float | None] = [None] * 10
    for moment, value in samples:
        tenth = min(9, int(10 * moment / seconds))
        out[tenth] = round(max(out[tenth] or 0, value), 1)
    return out


def measure(database, revisions: int, commit: str) -> dict:
    path = export_file(revisions)
    url = database.fresh(revisions)
    measured = {"started": datetime.datetime.now().isoformat(timespec="seconds"), "commit": commit}
    measured["load_before"] = round(os.getloadavg()[0], 2)
    log(f"{database.engine}: importing {revisions:,} revisions ({path.stat().st_size / 1e6:.0f} MB)")
    output = VAR / f"import-{database.engine.lower()}-n{revisions}.log"
    result = {**measured, **timed_import(path, url, output)}
    result["load_after"] = round(os.getloadavg()[0], 2)
    result.update(database.counts())
    result["asked"] = revisions
    result["file_mb"] = round(path.stat().st_size / 1e6, 1)
    result["per_second"] = round(result["revisions"] / result["seconds"], 1) if result["seconds"] else None
    result["output"] = str(output.relative_to(ROOT))
    if result["exit"] != 0 or result["revisions"] != revisions:
        tail = output.read_text().splitlines()[-5:]
        result["failed"] = f"exit {result['exit']}, {result['revisions']} of {revisions} revisions; " + " / ".join(tail)
        log(f"  FAILED: {result['failed']}")
    else:
        log(f"  {result['seconds']} s, {result['per_second']} revisions/s, peak RSS {result['peak_rss_mb']} MB")
    return result


# --- The report ------------------------------------------------------------------------------


def verdict(runs: list[dict]) -> dict | None:
    baseline = next((run for run in runs if run["asked"] == BASELINE), None)
    largest = max(runs, key=lambda run: run["asked"])
    if baseline is None or largest is baseline:
        return None
    ratio = round(largest["peak_rss_mb"] / baseline["peak_rss_mb"], 3)
    return {"of": largest["asked"], "ratio": ratio, "pass": ratio <= FLAT_TARGET and "failed" not in largest}


def markdown(run: dict) -> str:
    machine = run["machine"]
    lines = [
        f"# MediaWiki import benchmark of {run['started']}",
        "",
        f"Commit {run['commit']}; {machine['cpus']} CPUs ({machine['cpu']}); Python {machine['python']}, "
        f"Django {machine['django']}, "
        f"Wagtail {machine['wagtail']}. `manage.py wiki_import_mediawiki` on a generated schema 0.11 export "
        f"(pages of {REVISIONS_PER_PAGE} revisions of 2 to 5 KB of wikitext each) into a freshly migrated "
        "database, in a child process: wall time, and its peak resident memory as the kernel counts it. "
        "Sizes and databases measured by separate invocations on the same day are gathered here, each row "
        "saying when, at which commit and under which load: on a shared machine, CPU seconds compare better.",
    ]
    for database in run["databases"]:
        lines += [
            "",
            f"## {database['engine']}",
            "",
            "| revisions | pages | file MB | seconds | revisions/s | CPU s | peak RSS MB | RSS by tenth of the run MB "
            "| database MB | measured | load average before, after |",
            "|--:|--:|--:|--:|--:|--:|--:|---|--:|---|---|",
        ]
        for result in database["runs"]:
            curve = " ".join("–" if value is None else f"{value:.0f}" for value in result["rss_by_tenth_mb"])
            revisions = f"{result['revisions']:,}" + (f" (FAILED: {result['failed']})" if "failed" in result else "")
            lines.append(
                f"| {revisions} | {result['pages']:,} | {result['file_mb']} | {result['seconds']} | "
                f"{result['per_second']} | {result['cpu_seconds']} | {result['peak_rss_mb']} | {curve} | "
                f"{result['database_mb']} | {result['started']}, {result['commit']} | "
                f"{result['load_before']}, {result['load_after']} |"
            )
        if database["verdict"]:
            flat = database["verdict"]
            lines += [
                "",
                f"Peak RSS at {flat['of']:,} over peak RSS at {BASELINE:,}: **{flat['ratio']}** "
                f"(target ≤ {FLAT_TARGET:.2f}): **{'PASS' if flat['pass'] else 'FAIL'}**.",
            ]
    return "\n".join(lines) + "\n"


def readme_block(run: dict, path: Path) -> str:
    """The README's short form: one line per database and size, and the verdict."""
    lines = [
        f"Runs of {run['started'][:10]}, commit {run['commit']}, {run['machine']['cpus']} CPUs (wall time on a "
        "shared machine: CPU seconds compare better):",
        "",
        "| database | revisions | seconds | revisions/s | CPU s | peak RSS MB | peak ÷ peak at 10,000 |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for database in run["databases"]:
        baseline = next((r for r in database["runs"] if r["asked"] == BASELINE), None)
        for result in database["runs"]:
            ratio = ""
            if baseline and result is not baseline:
                flat = result["peak_rss_mb"] / baseline["peak_rss_mb"]
                ratio = f"{flat:.2f} ({'PASS' if flat <= FLAT_TARGET else 'FAIL'}, target ≤ {FLAT_TARGET:.2f})"
            lines.append(
                f"| {database['engine']} | {result['revisions']:,} | {result['seconds']} | {result['per_second']} "
                f"| {result['cpu_seconds']} | {result['peak_rss_mb']} | {ratio} |"
            )
    relative = path.relative_to(ROOT)
    lines += ["", f"(from [`{relative}`]({relative}))"]
    return "\n".join(lines)


def gather(run: dict, earlier: dict) -> None:
    """Add to ``run`` the runs of ``earlier`` (the same day's file) of the sizes and databases it did not measure."""
    for old in earlier.get("databases", []):
        database = next((d for d in run["databases"] if d["engine"] == old["engine"]), None)
        if database is None:
            run["databases"].append(database := {"engine": old["engine"], "runs": []})
        measured = {result["asked"] for result in database["runs"]}
        database["runs"] = sorted(
            database["runs"] + [result for result in old["runs"] if result["asked"] not in measured],
            key=lambda result: result["asked"],
        )
    order = ["SQLite", "PostgreSQL"]
    run["databases"].sort(key=lambda database: order.index(database["engine"]))
    for database in run["databases"]:
        database["verdict"] = verdict(database["runs"])


def write(run: dict, *, readme: bool) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{run['started'][:10]}-mediawiki-import"
    if stem.with_suffix(".json").exists():
        gather(run, json.loads(stem.with_suffix(".json").read_text()))
    stem.with_suffix(".md").write_text(markdown(run))
    stem.with_suffix(".json").write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    text = README.read_text()
    if readme and README_START in text:
        block = f"{README_START}\n{readme_block(run, stem.with_suffix('.md'))}\n{README_END}"
        pattern = re.escape(README_START) + ".*?" + re.escape(README_END)
        README.write_text(re.sub(pattern, lambda _: block, text, flags=re.S))
    return stem.with_suffix(".md")


def main() -> None:
    from .__main__ import commit, machine

    parser = argparse.ArgumentParser(prog="python -m bench.mediawiki", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=int, default=BASELINE, help=f"revisions to import, beside {BASELINE:,} (default {BASELINE:,})"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help=f"measure N alone (the day's {BASELINE:,} run is the baseline)"
    )
    parser.add_argument(
        "--databases", choices=["all", "sqlite", "postgresql"], default="all", help="which to measure (default all)"
    )
    parser.add_argument("--no-readme", action="store_true", help="do not put the figures into README.md")
    parser.add_argument("--generate-only", action="store_true", help="write the export files and stop")
    args = parser.parse_args()

    sizes = [args.scale] if args.no_baseline else sorted({BASELINE, args.scale})
    VAR.mkdir(parents=True, exist_ok=True)
    for revisions in sizes:
        export_file(revisions)
    if args.generate_only:
        return
    databases = [SQLite()] if args.databases != "postgresql" else []
    server_url = os.environ.get("DATABASE_URL", "")
    if server_url.startswith(("postgres://", "postgresql://")) and args.databases != "sqlite":
        databases.append(PostgreSQL(server_url))
    elif args.databases == "postgresql":
        parser.error("--databases postgresql needs DATABASE_URL naming a PostgreSQL server")
    run = {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": (head := commit()),
        "machine": machine(),
        "revisions_per_page": REVISIONS_PER_PAGE,
        "flat_target": FLAT_TARGET,
        "databases": [],
    }
    for database in databases:
        log(f"{database.engine}: migrating an empty database")
        database.prepare()
        runs = [measure(database, revisions, head) for revisions in sizes]
        run["databases"].append({"engine": database.engine, "runs": runs, "verdict": verdict(runs)})
    path = write(run, readme=not args.no_readme)
    print(markdown(run))
    log(f"Written to {path.relative_to(ROOT)} and {path.with_suffix('.json').relative_to(ROOT)}")
    failed = any("failed" in result for database in run["databases"] for result in database["runs"])
    flat = all(database["verdict"] is None or database["verdict"]["pass"] for database in run["databases"])
    sys.exit(0 if flat and not failed else 1)


if __name__ == "__main__":
    main()
