"""bench/run: every main page and write path at scale, side by side with the framework floor.

For each database (SQLite always; PostgreSQL too when ``DATABASE_URL`` names one): build or reuse
the scaled database, copy it, serve the copy with gunicorn, count each page's SQL queries, read
each page with wrk, post the write paths, check the invariants, stop the server. Then print the
Markdown table and write it (and JSON) to bench/results/, and into the README.
"""

import argparse
import datetime
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from . import load, report
from .database import BENCH_VAR, PYTHON, ROOT, PostgreSQLDatabase, SQLiteDatabase, django_env, manage

WORKERS = 2
WRITE_CLIENTS = 20
TRANSFERS = 4000
DEMO_PASSWORD = "nlu-demo"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def probe(env: dict, step: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        subprocess.run([PYTHON, "-m", "bench.probe", step, output.name], cwd=ROOT, env=env, check=True)
        return json.loads(Path(output.name).read_text())


class Server:
    """gunicorn serving the working copy on a free port, as production would (sync workers)."""

    def __init__(self, env: dict):
        with socket.socket() as probe_socket:
            probe_socket.bind(("127.0.0.1", 0))
            self.port = probe_socket.getsockname()[1]
        self.env = env
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log = open(BENCH_VAR / "gunicorn.log", "a")
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "nlu.wsgi:application",
                f"--workers={WORKERS}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        try:
            self.wait_until_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {BENCH_VAR / 'gunicorn.log'}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                pass  # still starting
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /healthz within two minutes")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def settle(self) -> None:
        """Wait until the workers have finished what wrk left behind.

        wrk stops with requests still queued; sync workers answer them anyway, into closed sockets,
        and that work would be counted against the next measurement. A hello request waits behind
        them, so once it is quick again the queue is empty; a second more lets the other worker
        finish the last one it took.
        """
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            started = time.monotonic()
            requests.get(f"{self.base}/bench/hello", timeout=120)
            if time.monotonic() - started < 0.1:
                break
        time.sleep(1)

    def sign_in(self, username: str) -> str:
        """Log in through the real form; the Cookie header wrk then sends."""
        session = requests.Session()
        page = session.get(f"{self.base}/en/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = session.post(
            f"{self.base}/en/accounts/login/",
            data={"login": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code != 302 or "sessionid" not in session.cookies:
            raise RuntimeError(f"could not sign in as {username}: HTTP {answer.status_code}")
        # Not the "messages" cookie: a browser sends it once, and every page would show "signed in".
        return "; ".join(f"{name}={value}" for name, value in session.cookies.items() if name != "messages")


def measure_pages(server: Server, probed: dict, args) -> list[dict]:
    cookie = server.sign_in(probed["member"])
    rows, floor = [], None
    for row in probed["pages"]:
        if "skipped" in row:
            rows.append(row)
            continue
        url, variant_cookie = server.base + row["url"], cookie if row["variant"] == "signed in" else ""
        status = requests.get(url, headers={"Cookie": variant_cookie}, allow_redirects=False, timeout=60).status_code
        if status != 200 or row["status"] != 200:
            rows.append({**row, "failed": f"HTTP {status} (test client: {row['status']})"})
            continue
        log(f"  {row['page']}, {row['variant']}")
        load.wrk(url, seconds=2, connections=args.connections, cookie=variant_cookie)  # warm-up
        server.settle()
        measured = load.wrk(url, seconds=args.seconds, connections=args.connections, cookie=variant_cookie)
        server.settle()
        if not measured["requests"]:
            rows.append({**row, "failed": f"no answer within {args.seconds} s"})
            continue
        if row is probed["pages"][0]:  # the floor comes first
            floor = measured["per_second"]
        percent = round(100 * measured["per_second"] / floor) if floor else None
        rows.append({**row, "load": measured, "floor_percent": percent})
    return rows


def measure_writes(server: Server, env: dict) -> list[dict]:
    spec = probe(env, "prepare-writes")
    log(f"  enrolments: {len(spec['enrol']['sessions'])} members into one module, {WRITE_CLIENTS} at a time")
    enrolments = load.post_all(
        server.port, load.enrolment_requests(spec["enrol"], spec["csrf"]), clients=WRITE_CLIENTS, expect=302
    )
    log(f"  transfers: {TRANSFERS} between {len(spec['transfer']['accounts'])} accounts, {WRITE_CLIENTS} at a time")
    transfers = load.post_all(
        server.port, load.transfer_requests(spec["transfer"], TRANSFERS), clients=WRITE_CLIENTS, expect=201
    )
    gift = spec["gift"]
    log(
        f"  gifts: {gift['gifts_per_giver']} through the Give hours form from each of {len(gift['sessions'])} "
        f"signed-in members to {len(gift['payees'])}, one client per giver"
    )
    gifts = load.post_lanes(server.port, load.gift_lanes(gift, spec["csrf"]), expect=302, location=gift["location"])
    wiki = spec["wiki"]
    log(f"  wiki saves: {wiki['saves_per_page']} edits of each of {len(wiki['pages'])} pages, one client per page")
    saves = load.post_lanes(server.port, load.wiki_lanes(wiki, spec["csrf"]), expect=302)
    checked = probe(env, "check-writes")
    enrolment_ok = (
        checked["capacity respected"]
        and checked["waitlist numbered 1..n without gaps"]
        and checked["one enrolment per member"]
        and checked["one event per enrolment"]
        and checked["enrolments"] == enrolments["done"]
    )
    gift_ok = (
        checked["timebank_audit"] == "ok"
        and checked["gifts paid by the signed-in giver"]
        and checked["gifts"] == gifts["done"]
    )
    wiki_ok = (
        checked["wiki revisions numbered 1..n without gaps"]
        and checked["wiki current revision is the newest"]
        and checked["wiki revisions"] == saves["done"]
    )
    return [
        {
            "write": f"enrolments into one module (capacity {spec['enrol']['capacity']})",
            "load": enrolments,
            "invariants": (
                f"{'ok' if enrolment_ok else 'BROKEN'}: {checked['active']} enrolled, "
                f"{checked['enrolments'] - checked['active']} on the waitlist"
            ),
            "checked": checked,
        },
        {
            "write": "transfers (the ledger service, through a bench-only view)",
            "load": transfers,
            "invariants": f"timebank_audit {checked['timebank_audit']}; {checked['transfers']} in the ledger",
            "checked": checked,
        },
        {
            "write": "transfers (the Give hours form, signed in, each client its own member)",
            "load": gifts,
            "invariants": (
                f"{'ok' if gift_ok else 'BROKEN'}: timebank_audit {checked['timebank_audit']}; "
                f"{checked['gifts']} gifts in the ledger, "
                + ("each" if checked["gifts paid by the signed-in giver"] else "NOT each")
                + " from the member signed in"
            ),
            "checked": checked,
        },
        {
            "write": "wiki saves (the edit view, each client its own page)",
            "load": saves,
            "invariants": (
                f"{'ok' if wiki_ok else 'BROKEN'}: {checked['wiki revisions']} new revisions on "
                f"{checked['wiki pages']} pages, numbered 1..n, the newest current"
            ),
            "checked": checked,
        },
    ]


def queries_at_one(database, args) -> dict:
    """SQL queries per page at N=1, to set beside N's: the same count means no page's queries grow with the data."""
    database.prepare(rebuild=args.rebuild, log=log)
    log(f"{database.engine}: counting queries per page at N=1")
    probed = probe(django_env(database.fresh_copy()), "pages")
    return {(row["page"], row.get("variant")): row.get("queries") for row in probed["pages"]}


def machine() -> dict:
    import django
    import wagtail

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "load_before": round(os.getloadavg()[0], 2),
    }


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    # What bench/run writes itself (the README's table, the results) does not count as a change.
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!README.md", ":!bench/results"],
        cwd=ROOT,
        capture_output=True,
    )
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="N of load_demo --scale N (default 1)")
    parser.add_argument("--seconds", type=int, default=10, help="how long wrk reads each page (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent wrk connections (default 8)")
    parser.add_argument("--rebuild", action="store_true", help="build the scaled databases even if they exist")
    parser.add_argument("--no-writes", action="store_true", help="measure the pages only")
    parser.add_argument("--no-readme", action="store_true", help="do not put the table into README.md")
    args = parser.parse_args()

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    engines = [SQLiteDatabase]
    server_url = os.environ.get("DATABASE_URL", "")
    if server_url.startswith(("postgres://", "postgresql://")):
        engines.append(lambda scale: PostgreSQLDatabase(scale, server_url))
    run = {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "scale": args.scale,
        "commit": commit(),
        "machine": machine(),
        "workers": WORKERS,
        "connections": args.connections,
        "seconds": args.seconds,
        "write_clients": WRITE_CLIENTS,
        "databases": [],
    }
    for engine in engines:
        database = engine(args.scale)
        at_one = queries_at_one(engine(1), args) if args.scale != 1 else {}
        build = database.prepare(rebuild=args.rebuild, log=log)
        env = django_env(database.fresh_copy())
        manage(env["DATABASE_URL"], "compile_translations", "--verbosity", "0")
        log(f"{database.engine}: counting queries per page")
        probed = probe(env, "pages")
        for row in probed["pages"]:
            if at_one:
                row["queries_at_1"] = at_one.get((row["page"], row.get("variant")))
        with Server(env) as server:
            log(f"{database.engine}: reading pages with wrk on {server.base}")
            pages = measure_pages(server, probed, args)
            writes = [] if args.no_writes else measure_writes(server, env)
        run["databases"].append(
            {"engine": database.engine, "build": build, "member": probed["member"], "pages": pages, "writes": writes}
        )
    run["machine"]["load_after"] = round(os.getloadavg()[0], 2)
    path = report.write(run, readme=not args.no_readme)
    print(report.markdown(run))
    log(f"Written to {path.relative_to(ROOT)} and {path.with_suffix('.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
