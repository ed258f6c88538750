"""A production deployment on this machine, for the smoke test that ``.ci/run`` runs (``NLU_SMOKE=1``).

Production settings; PostgreSQL in a database of its own; Redis (a db number of its own) as the
cache and the Celery broker; gunicorn with two workers behind a TLS-terminating proxy; a Celery
worker and Celery beat as separate processes; the BBB stand-in. Each process runs in a process
group of its own and is stopped at the end whatever happens (a failure, Ctrl-C or SIGTERM); then
the database is dropped and the Redis db emptied.

Without ``NLU_SMOKE=1`` (as in ``make test`` on a fresh machine, which has neither PostgreSQL nor
Redis) the tests are skipped with that reason.
"""

import os
import secrets
import signal
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.nlu.processes import fresh_environ

from .deployment import Deployment, empty_redis_db, fresh_database, interrupt, start, stop_all
from .tls_proxy import TLSProxy, self_signed_certificate

SMOKE = os.environ.get("NLU_SMOKE") == "1"
POSTGRES = os.environ.get("NLU_SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("NLU_SMOKE_DB", "nlu_smoke")
REDIS = os.environ.get("NLU_SMOKE_REDIS", "redis://127.0.0.1:6379/13")
FOLDERS: list[Path] = []  # where each process's log and the mail were written


def pytest_collection_modifyitems(config, items):
    if SMOKE:
        return
    skip = pytest.mark.skip(reason="production smoke test: needs PostgreSQL and Redis; .ci/run runs it (NLU_SMOKE=1)")
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    for folder in FOLDERS:
        terminalreporter.write_line(f"production smoke test: process logs and mail in {folder}")


@pytest.fixture(scope="session")
def deployment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    FOLDERS.append(folder)
    python = [sys.executable]
    with ExitStack() as stack:
        stack.callback(signal.signal, signal.SIGTERM, signal.signal(signal.SIGTERM, interrupt))
        database_url = stack.enter_context(fresh_database(POSTGRES, DATABASE))
        redis_url = stack.enter_context(empty_redis_db(REDIS))
        cert, key = self_signed_certificate(folder)
        proxy = TLSProxy(upstream_port=0, cert=cert, key=key)
        stack.callback(proxy.server_close)
        processes = []
        stack.callback(stop_all, processes)

        # The stand-in plays BBB; its callbacks go to the site over HTTPS, so it trusts the certificate.
        bbb_secret = secrets.token_urlsafe(32)
        bbb_env = {**fresh_environ(folder / "bbb-var"), "REQUESTS_CA_BUNDLE": str(cert)}
        bbb = start(
            processes,
            folder,
            "bbb",
            [*python, "manage.py", "bbb_devserver", "--port", "0", "--secret", bbb_secret],
            bbb_env,
        )
        bbb_url = bbb.wait_for_line(r"BBB_URL=(\S+)").group(1)

        env = {
            **fresh_environ(folder / "var", "nlu.settings.production"),
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": proxy.url,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "BBB_URL": bbb_url,
            "BBB_SECRET": bbb_secret,
            # dj-email-url drops the first "/" of the path: four slashes make it absolute.
            "EMAIL_URL": f"file:///{folder / 'mail'}",
            "DEFAULT_FROM_EMAIL": "NLU <no-reply@nlu.example.org>",
        }
        deployment = Deployment(proxy.url, "", bbb_url, cert, env, folder / "mail")
        for command in (
            ["compile_translations"],
            ["migrate", "--noinput"],
            ["load_demo"],
            ["collectstatic", "--noinput"],
        ):
            deployment.manage(*command)

        commands = {
            "gunicorn": [*python, "-m", "gunicorn", "nlu.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "2"]
            + ["--access-logfile", "-"],
            "worker": [*python, "-m", "celery", "-A", "nlu", "worker", "--loglevel", "INFO", "--concurrency", "2"]
            + ["--hostname", "smoke@%h", "--without-gossip", "--without-mingle"],
            "beat": [*python, "-m", "celery", "-A", "nlu", "beat", "--loglevel", "INFO"],
        }
        for name, command in commands.items():
            deployment.processes[name] = start(processes, folder, name, command, env)
        deployment.processes["bbb"] = bbb
        port = deployment.processes["gunicorn"].wait_for_line(r"Listening at: http://127\.0\.0\.1:(\d+)").group(1)
        deployment.upstream = f"http://127.0.0.1:{port}"
        proxy.upstream_port = int(port)
        proxy.start()
        stack.callback(proxy.shutdown)
        deployment.processes["worker"].wait_for_line(r"smoke@\S+ ready\.")
        deployment.processes["beat"].wait_for_line(r"beat: Starting")

        yield deployment
