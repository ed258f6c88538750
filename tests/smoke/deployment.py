"""A production deployment's processes, and how a test talks to them (see conftest.py)."""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis
import requests

from tests.nlu.processes import PROJECT_ROOT

STARTUP_SECONDS = 60


def wait_for(condition, *, timeout: float = 60.0, every: float = 0.5):
    """Poll until ``condition()`` is truthy; its last result after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(every)
    return result


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_line(self, pattern: str, timeout: float = STARTUP_SECONDS) -> re.Match:
        found = wait_for(lambda: re.search(pattern, self.text()) or self.popen.poll() is not None, timeout=timeout)
        assert isinstance(found, re.Match), f"{self.name} never logged {pattern!r}; its log:\n{self.text()[-4000:]}"
        return found

    def terminate(self) -> None:
        """SIGTERM to the whole group: gunicorn's and Celery's children too."""
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)

    def kill_after(self, deadline: float) -> None:
        """Wait for a clean exit until ``deadline``, then SIGKILL whatever is left of the group."""
        with suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


def stop_all(processes: list[Process], grace: float = 20.0) -> None:
    """All at once, so that one slow shutdown does not hold up the others."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.kill_after(deadline)


@dataclass
class Deployment:
    site: str  # the proxy: https://127.0.0.1:<port>, SITE_URL
    upstream: str  # gunicorn itself, as a load balancer's health probe reaches it
    bbb_url: str
    cert: Path
    env: dict[str, str]
    mail: Path
    processes: dict[str, Process] = field(default_factory=dict)

    def browser(self) -> requests.Session:
        """A member's browser: it trusts the site's certificate (not the CA bundle the environment names)."""
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.cert)
        return session

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def django(self, code: str) -> str:
        """Run ``code`` in a Django shell with the production settings; what it printed."""
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def celery(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "celery", "-A", "nlu", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def log(self, name: str) -> str:
        return self.processes[name].text()

    def mails(self) -> str:
        """Everything the file e-mail backend has written (one file per connection)."""
        return "".join(path.read_text(errors="replace") for path in sorted(self.mail.glob("*.log")))

    def mail_messages(self) -> list[str]:
        """Each message: the file backend ends every one with a line of 79 dashes."""
        return [message for message in re.split(r"^-{79}$", self.mails(), flags=re.MULTILINE) if message.strip()]


def interrupt(signum, frame):
    """SIGTERM (CI cancelling the run) ends the session like Ctrl-C, so the processes are stopped."""
    raise KeyboardInterrupt


@contextmanager
def fresh_database(server: str, name: str):
    def admin(sql: str) -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_redis_db(url: str):
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


def start(processes: list[Process], folder: Path, name: str, command: list[str], env: dict[str, str]) -> Process:
    """Start ``command`` in a process group of its own, its output in ``<folder>/<name>.log``."""
    log = folder / f"{name}.log"
    with log.open("w") as output:
        popen = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    processes.append(Process(name, popen, log))
    return processes[-1]
