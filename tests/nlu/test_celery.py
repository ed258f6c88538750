"""Celery with no broker server: a real worker consumes tasks from the file-system broker under var/.

Everything runs as on a fresh machine: development settings, a migrated SQLite database and the
broker folder in a private var/, a web-side process that queues an e-mail, a worker that sends it.
"""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.nlu.processes import PROJECT_ROOT, fresh_environ, run, run_django

PUBLISH = """
from django.conf import settings
from nlu.services import email_queue
email_queue(subject="Week 1 starts", body="See you on Tuesday.", from_email="nlu@example.org", to=["ayse@example.org"])
print(settings.CELERY_FILESYSTEM_BROKER_DIR)
"""
SENT_COUNT = "from nlu.models import OutgoingEmail\nprint(OutgoingEmail.objects.filter(sent_at__isnull=False).count())"


@pytest.fixture
def machine(tmp_path):
    """A fresh machine's environment with its database migrated; mail is written to files."""
    # dj-email-url drops the first "/" of the path: four slashes make it absolute.
    env = {**fresh_environ(tmp_path / "var"), "EMAIL_URL": f"file:///{tmp_path / 'mail'}"}
    migrated = run(["manage.py", "migrate", "--noinput"], env)
    assert migrated.returncode == 0, migrated.stderr
    return env


@pytest.fixture
def start_worker(machine, tmp_path):
    """Starts ``celery -A nlu worker``; every worker started is stopped when the test ends."""
    workers = []

    def start() -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "nlu", "worker", "--pool=solo", "--without-gossip"]
        with (tmp_path / "worker.log").open("w") as log:
            workers.append(
                subprocess.Popen(command, cwd=PROJECT_ROOT, env=machine, stdout=log, stderr=subprocess.STDOUT)
            )
        return workers[-1]

    yield start
    for process in workers:
        # A warm shutdown takes seconds of polling; the test is over and the worker holds nothing.
        process.kill()
        process.wait(timeout=30)


def wait_for(condition, timeout: float = 120.0):
    """Poll until ``condition()`` is truthy, giving up after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    return condition()


def mails_sent(folder: Path) -> str:
    return "".join(path.read_text() for path in folder.glob("*")) if folder.is_dir() else ""


def test_worker_sends_the_mail_queued_in_the_file_system_broker(machine, tmp_path, start_worker):
    published = run_django(PUBLISH, machine)
    assert published.returncode == 0, published.stderr
    broker_folder = Path(published.stdout.strip())
    assert broker_folder.is_relative_to(tmp_path / "var")
    assert len(list(broker_folder.glob("*.msg"))) == 1, "the task was not queued in the broker folder"

    worker = start_worker()
    delivered = wait_for(lambda: "Week 1 starts" in mails_sent(tmp_path / "mail"))

    log = (tmp_path / "worker.log").read_text()
    assert delivered, f"no mail written by the worker; its log:\n{log}"
    mail = mails_sent(tmp_path / "mail")
    assert "To: ayse@example.org" in mail
    assert "See you on Tuesday." in mail
    assert wait_for(lambda: not any(broker_folder.glob("*.msg"))), "the message was not taken off the queue"
    assert wait_for(lambda: run_django(SENT_COUNT, machine).stdout.strip() == "1"), "the e-mail is not marked as sent"
    assert worker.poll() is None, log
