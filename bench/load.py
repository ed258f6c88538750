"""The load generators, in processes of their own beside gunicorn: wrk for pages, threads for writes.

Pages are read with wrk (C, one thread: it takes little of the CPU the server needs). Writes need
a different body or cookie per request and an exact count of what succeeded, so they are posted
by 20 threads of this process, each with its own connection.
"""

import http.client
import itertools
import json
import random
import statistics
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlencode

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "report.lua"


def wrk(url: str, *, seconds: int, connections: int, cookie: str = "") -> dict:
    """Requests per second and latency percentiles of ``url`` under ``connections`` clients."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    return {
        "requests": data["requests"],
        "per_second": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "errors": data["socket_errors"] + data["timeouts"] + data["bad_status"],
    }


Job = tuple[str, bytes, dict]  # path, body, headers


def post_all(port: int, requests: list[Job], *, clients: int, expect: int) -> dict:
    """Post every request once, ``clients`` at a time, each client taking the next one left."""
    queue = iter(requests)
    return post_lanes(port, [queue] * clients, expect=expect)


def post_lanes(port: int, lanes: list[Iterable[Job]], *, expect: int, location: str | None = None) -> dict:
    """One client per lane, posting its requests in order; throughput of those answered ``expect``.

    Lanes may be one shared iterator (``post_all``), or each its own list when a request depends
    on the one before it succeeding (a wiki edit starts from the revision the last one made), or
    when each client is its own signed-in member. With ``location``, only a redirect there counts:
    a lost session is answered with a 302 too, to the login page.
    """
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []

    def client(jobs: Iterator[Job]):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                job = next(jobs, None)
            if job is None:
                break
            path, body, headers = job
            started = time.perf_counter()
            try:
                connection.request("POST", path, body, headers)
                response = connection.getresponse()
                response.read()
                status = str(response.status)
                if location is not None and response.status == expect and response.getheader("Location") != location:
                    status += f" to {response.getheader('Location')}"
            except (OSError, http.client.HTTPException):
                status = "0"  # no answer at all
                connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                statuses[status] += 1
                latencies.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client, args=(iter(lane),)) for lane in lanes]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    posted = len(latencies)
    return {
        "clients": len(lanes),
        "requests": posted,
        "done": statuses[str(expect)],
        "per_second": round(statuses[str(expect)] / seconds, 1),
        "p50_ms": round(quantiles[49] * 1000, 1),
        "p95_ms": round(quantiles[94] * 1000, 1),
        "errors": posted - statuses[str(expect)],
        "statuses": dict(sorted(statuses.items())),
    }


def form(**fields) -> bytes:
    return urlencode(fields).encode()


def signed_in(session: str, csrf: str) -> dict:
    """Headers of a form posted by a signed-in member: the session's cookie and the CSRF secret."""
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"}


def enrolment_requests(spec: dict, csrf: str) -> list[Job]:
    """One enrolment per signed-in member, all into the same module."""
    return [
        (
            spec["url"],
            form(csrfmiddlewaretoken=csrf),
            signed_in(session, csrf),
        )
        for session in spec["sessions"]
    ]


def transfer_requests(spec: dict, count: int) -> list[Job]:
    """``count`` one-minute transfers between random pairs of the accounts (seeded: the same every run)."""
    rng = random.Random(0)
    pairs = (rng.sample(spec["accounts"], 2) for _ in itertools.repeat(None))
    return [
        (
            spec["url"],
            form(payer=payer, payee=payee, minutes=1, key=f"bench:{number}"),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        for number, (payer, payee) in zip(range(count), pairs, strict=False)
    ]


def gift_lanes(spec: dict, csrf: str) -> list[list[Job]]:
    """Each giver's "Give hours" forms in order, each with a token of its own.

    The form's ``form_token`` makes the same form sent twice give once; a browser gets a new one
    each time it loads the form, so every request here has its own (seeded: the same every run).
    """
    rng = random.Random(0)
    payees, lanes = spec["payees"], []
    for number, session in enumerate(spec["sessions"]):
        lane = []
        for gift in range(spec["gifts_per_giver"]):
            body = form(
                csrfmiddlewaretoken=csrf,
                recipient="member",
                # Spread evenly, and clients in step give to different receivers (no queue on one row).
                member=payees[(gift * len(spec["sessions"]) + number) % len(payees)],
                hours=0,
                minutes=spec["minutes"],
                memo=spec["memo"],
                form_token=uuid.UUID(int=rng.getrandbits(128), version=4),
            )
            lane.append((spec["url"], body, signed_in(session, csrf)))
        lanes.append(lane)
    return lanes


def wiki_lanes(spec: dict, csrf: str) -> list[list[Job]]:
    """Each page's saves in order, its editors taking turns.

    Every save adds a line to the text of the one before and starts from the revision that one
    made, as an editor who reloads the form does: on a correct server none needs a merge.
    """
    lanes = []
    for page in spec["pages"]:
        text, lane = page["text"], []
        for number in range(1, spec["saves_per_page"] + 1):
            text += f"\n- Observation {number}, noted during the benchmark.\n"
            body = form(
                csrfmiddlewaretoken=csrf,
                text=text,
                summary=spec["summary"],
                base_number=page["number"] + number - 1,
            )
            lane.append((page["url"], body, signed_in(page["sessions"][number % len(page["sessions"])], csrf)))
        lanes.append(lane)
    return lanes
