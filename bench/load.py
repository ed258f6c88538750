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
from collections import Counter
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


def post_all(port: int, requests: list[tuple[str, bytes, dict]], *, clients: int, expect: int) -> dict:
    """Post every (path, body, headers) once, ``clients`` at a time; throughput of those answered ``expect``."""
    jobs = iter(requests)
    lock = threading.Lock()
    statuses: Counter = Counter()
    latencies: list[float] = []

    def client():
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
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0  # no answer at all
                connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                statuses[status] += 1
                latencies.append(elapsed)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "clients": clients,
        "requests": len(requests),
        "done": statuses[expect],
        "per_second": round(statuses[expect] / seconds, 1),
        "p50_ms": round(quantiles[49] * 1000, 1),
        "p95_ms": round(quantiles[94] * 1000, 1),
        "errors": len(requests) - statuses[expect],
        "statuses": {str(status): n for status, n in sorted(statuses.items())},
    }


def form(**fields) -> bytes:
    return urlencode(fields).encode()


def enrolment_requests(spec: dict, csrf: str) -> list[tuple[str, bytes, dict]]:
    """One enrolment per signed-in member, all into the same module."""
    return [
        (
            spec["url"],
            form(csrfmiddlewaretoken=csrf),
            {
                "Cookie": f"sessionid={session}; csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        for session in spec["sessions"]
    ]


def transfer_requests(spec: dict, count: int) -> list[tuple[str, bytes, dict]]:
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
