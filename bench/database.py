"""The scaled databases: built once per N and migration state, copied afresh for every run.

A built database is a template that is never served: each run measures a copy of it (a file copy
on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), because the write benchmarks add
enrolments and transfers. It is rebuilt when N, a migration, the demo code or the requirements
change, which the key (a hash of those files) tells.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
PYTHON = sys.executable
# What the scaled data is made from: a change to any of these means a new database.
KEY_SOURCES = [
    "*/migrations/*.py",
    "*/demo.py",
    "*/wagtail_hooks.py",
    "nlu/management/commands/load_demo.py",
    "requirements.txt",
]


def state_key(scale: int) -> str:
    digest = hashlib.sha256(f"scale={scale};languages={os.environ.get('LANGUAGES', '')}".encode())
    for pattern in KEY_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def django_env(database_url: str, *, folder: Path = BENCH_VAR) -> dict[str, str]:
    """The environment of every process of a run: bench settings, this database, a var/ of the bench's own
    (in ``folder``: each bench has its own, so that two can run side by side)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "NLU_VAR_DIR": str(folder / "var"),
    }


def manage(database_url: str, *args: str, folder: Path = BENCH_VAR) -> None:
    """Run a management command; what it prints goes to ``folder``/manage.log, errors to the terminal."""
    with open(folder / "manage.log", "a") as log:
        log.write(f"\n$ manage.py {' '.join(args)}\n")
        log.flush()
        env = django_env(database_url, folder=folder)
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=log, check=True)


def build(database_url: str, scale: int, log) -> dict[str, float]:
    """Migrate and load the scaled demo into an empty database; returns the seconds of each step."""
    timings = {}
    steps = {
        "migrate": ["migrate", "--noinput"],
        "sync_translation_fields": ["sync_translation_fields", "--noinput"],
        f"load_demo --scale {scale}": ["load_demo", "--scale", str(scale)],
    }
    for name, args in steps.items():
        log(f"  {name} ...")
        started = time.monotonic()
        manage(database_url, *args)
        timings[name] = round(time.monotonic() - started, 1)
    return timings


@dataclass
class Database:
    engine: str  # "SQLite" or "PostgreSQL"
    scale: int

    @property
    def key(self) -> str:
        return state_key(self.scale)

    def prepare(self, *, rebuild: bool, log) -> dict:
        """Build the template if needed; returns how it was built (reused or not, step timings)."""
        raise NotImplementedError

    def fresh_copy(self) -> str:
        """A new working copy of the template, and an empty cache beside it; returns its URL.

        The cache (bench's own folder; not a Redis of REDIS_URL) kept what was read from the copy before.
        """
        shutil.rmtree(BENCH_VAR / "var" / "cache", ignore_errors=True)
        return self.copy()

    def copy(self) -> str:
        raise NotImplementedError

    def _built_info(self, info_path: Path, reuse: bool, make, log) -> dict:
        if reuse and info_path.exists():
            return {**json.loads(info_path.read_text()), "reused": True}
        log(f"Building the {self.engine} database for N={self.scale} (key {self.key}):")
        started = time.monotonic()
        timings = make()
        info = {"key": self.key, "steps": timings, "seconds": round(time.monotonic() - started, 1)}
        info_path.write_text(json.dumps(info, indent=2))
        return {**info, "reused": False}


class SQLiteDatabase(Database):
    def __init__(self, scale: int):
        super().__init__("SQLite", scale)
        self.template = BENCH_VAR / f"sqlite-n{scale}-{self.key}.sqlite3"
        self.work = BENCH_VAR / "work.sqlite3"

    def prepare(self, *, rebuild: bool, log) -> dict:
        for stale in BENCH_VAR.glob(f"sqlite-n{self.scale}-*"):
            if not stale.name.startswith(self.template.stem):
                stale.unlink()

        def make():
            building = self.template.with_suffix(".building")
            for leftover in BENCH_VAR.glob(building.name + "*"):
                leftover.unlink()
            timings = build(f"sqlite:///{building}", self.scale, log)
            with sqlite3.connect(building) as connection:  # fold the WAL in, so one file is the database
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            building.replace(self.template)
            for leftover in BENCH_VAR.glob(building.name + "-*"):  # the emptied -wal and -shm
                leftover.unlink()
            return timings

        reuse = self.template.exists() and not rebuild
        return self._built_info(self.template.with_suffix(".json"), reuse, make, log)

    def copy(self) -> str:
        for path in BENCH_VAR.glob(self.work.name + "*"):
            path.unlink()
        shutil.copyfile(self.template, self.work)
        return f"sqlite:///{self.work}"


class PostgreSQLDatabase(Database):
    """On the server of ``DATABASE_URL``, in databases of its own (the one named there is not touched)."""

    def __init__(self, scale: int, server_url: str):
        super().__init__("PostgreSQL", scale)
        self.server_url = server_url
        self.template = f"nlu_bench_n{scale}_{self.key}"
        self.work = "nlu_bench_work"

    def url(self, name: str) -> str:
        parts = urlsplit(self.server_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    def admin(self, *statements: str, fetch: str | None = None):
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)
            if fetch:
                return [row[0] for row in connection.execute(fetch).fetchall()]
        return None

    def names(self) -> list[str]:
        return self.admin(fetch="SELECT datname FROM pg_database WHERE datname LIKE 'nlu_bench_%'")

    def prepare(self, *, rebuild: bool, log) -> dict:
        names = self.names()
        prefix = f"nlu_bench_n{self.scale}_"
        stale = [name for name in names if name.startswith(prefix) and name != self.template]
        self.admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in stale))
        for name in stale:
            (BENCH_VAR / f"{name}.json").unlink(missing_ok=True)

        def make():
            building = f"{self.template}_building"
            self.admin(
                f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)',
                f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)',
                f'CREATE DATABASE "{building}"',
            )
            timings = build(self.url(building), self.scale, log)
            self.admin(f'ALTER DATABASE "{building}" RENAME TO "{self.template}"')
            return timings

        reuse = self.template in names and not rebuild
        return self._built_info(BENCH_VAR / f"{self.template}.json", reuse, make, log)

    def copy(self) -> str:
        self.admin(
            f'DROP DATABASE IF EXISTS "{self.work}" WITH (FORCE)',
            f'CREATE DATABASE "{self.work}" TEMPLATE "{self.template}"',
        )
        return self.url(self.work)
