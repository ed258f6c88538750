"""bench/lighthouse: the main pages as a phone on slow 4G sees them, scored by Lighthouse, and their weight.

Builds or reuses the demo database (as bench/run), collects the static files as production does,
serves the copy with gunicorn (bench's Server), then for each page runs Lighthouse (mobile, its
default simulated throttling, Debian's Chromium) and measures the page weight (bench/weight.py).
Writes bench/results/lighthouse-<date>-<commit>.json and .md, and the README's table.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import requests

from . import weight
from .__main__ import Server, commit, log, machine, probe
from .database import BENCH_VAR, ROOT, SQLiteDatabase, django_env, manage
from .report import README, RESULTS

HERE = BENCH_VAR / "lighthouse"  # its own database copy, var/ (cache, static files) and reports
LIGHTHOUSE = BENCH_VAR / "node" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best Practices",
    "seo": "SEO",
}
# Chromium now and then loses a trace (NO_NAVSTART, NO_FCP) on a busy machine: tried again, this many times.
ATTEMPTS = 3
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 100}
# (row, page of bench/pages.py, signed in): the pages of issue 21; the unit as the enrolled steward.
PAGES = [
    ("home", "home", False),
    ("module", "module page", False),
    ("unit", "unit page", True),
    ("session", "session page", False),
    ("wiki page", "wiki page", False),
    ("timebank board", "offers board", False),
    ("spaces list", "spaces list", False),
]
README_START, README_END = "<!-- bench:lighthouse:start -->", "<!-- bench:lighthouse:end -->"


def version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except OSError:
        return ""


def serve_copy(scale: int, rebuild: bool) -> tuple[dict, dict]:
    """A fresh copy of the demo database with its static files collected; returns (environment, build)."""
    database = SQLiteDatabase(scale)
    build = database.prepare(rebuild=rebuild, log=log)
    HERE.mkdir(parents=True, exist_ok=True)
    work = HERE / "work.sqlite3"
    for path in HERE.glob(work.name + "*"):
        path.unlink()
    shutil.copyfile(database.template, work)
    shutil.rmtree(HERE / "var" / "cache", ignore_errors=True)
    url = f"sqlite:///{work}"
    manage(url, "compile_translations", "--verbosity", "0", folder=HERE)
    log("Collecting the static files, as production does")
    manage(url, "collectstatic", "--noinput", "--clear", "--verbosity", "0", folder=HERE)
    return django_env(url, folder=HERE), build


def failing_audits(report: dict) -> list[dict]:
    """The audits that cost a category points, with the elements or files they name."""
    failing = []
    for category_id, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if not ref.get("weight") or audit.get("score") is None or audit["score"] >= 1:
                continue
            if category_id == "performance" and audit["score"] >= 0.9:
                continue  # a metric in the green
            items = (audit.get("details") or {}).get("items") or []
            failing.append(
                {
                    "category": category_id,
                    "id": ref["id"],
                    "title": audit["title"],
                    "score": audit["score"],
                    "value": audit.get("displayValue", ""),
                    "items": [_item(item) for item in items[:8]],
                }
            )
    return failing


def _item(item: dict) -> str:
    """The element (selector and markup) or the file an audit's row names."""
    node = next((value for value in item.values() if isinstance(value, dict) and value.get("type") == "node"), None)
    if node:
        return f"{node.get('selector', '')} {node.get('snippet', '')}".strip()
    location = item.get("sourceLocation") if isinstance(item.get("sourceLocation"), dict) else {}
    described = " ".join(str(item[key]) for key in ("description", "label") if isinstance(item.get(key), str))
    return f"{item.get('url') or location.get('url') or ''} {described}".strip()[:300]


def lighthouse(url: str, cookie: str, report: Path) -> dict:
    """One Lighthouse run, mobile with its default throttling (simulated slow 4G, a mid-range phone)."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--form-factor=mobile",
        "--throttling-method=simulate",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    for _attempt in range(ATTEMPTS):
        report.unlink(missing_ok=True)
        subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)
        result = json.loads(report.read_text()) if report.exists() else {"runtimeError": {"code": "NO_REPORT"}}
        if not result.get("runtimeError"):
            break
        log(f"    Lighthouse failed ({result['runtimeError'].get('code')}); again")
    else:
        raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times: {result['runtimeError'].get('code')}")
    scores = {key: round(100 * category["score"]) for key, category in result["categories"].items()}
    metrics = {key: result["audits"][key].get("displayValue", "") for key in METRICS}
    return {"scores": scores, "metrics": metrics, "failing": failing_audits(result)}


def measure(server: Server, row: str, path: str, cookie: str, runs: int) -> dict:
    url = server.base + path
    status = requests.get(url, headers={"Cookie": cookie}, allow_redirects=False, timeout=60).status_code
    if status != 200:
        return {"page": row, "url": path, "signed_in": bool(cookie), "failed": f"HTTP {status}"}
    log(f"  {row}: {path}")
    slug = re.sub(r"\W+", "-", row)
    try:
        results = [lighthouse(url, cookie, HERE / "reports" / f"{slug}-{number}.json") for number in range(runs)]
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return {"page": row, "url": path, "signed_in": bool(cookie), "failed": str(error)}
    # The median run by performance, the score that varies between runs; the others move little.
    chosen = sorted(results, key=lambda result: result["scores"]["performance"])[len(results) // 2]
    return {
        "page": row,
        "url": path,
        "signed_in": bool(cookie),
        **chosen,
        "performance_runs": [result["scores"]["performance"] for result in results],
        "weight": weight.measure(url, cookie=cookie),
    }


def below_goals(page: dict) -> list[str]:
    return [CATEGORIES[key] for key, goal in GOALS.items() if page["scores"].get(key, 0) < goal]


def markdown(run: dict) -> str:
    machine_ = run["machine"]
    lines = [
        f"# Lighthouse and page weight of {run['started']}",
        "",
        f"Commit {run['commit']}; Lighthouse {run['lighthouse']} in {run['chromium']}, mobile with simulated "
        f"slow 4G, {run['runs']} run(s) per page (the median by Performance shown); {machine_['cpus']} CPUs "
        f"({machine_['cpu']}), load average {machine_['load_before']} before and {machine_['load_after']} after. "
        f"Demo database at N={run['scale']}, gunicorn with bench.settings and collected static files. "
        f"Weight: compressed bytes of HTML + CSS + JS (`Accept-Encoding: {weight.ACCEPT_ENCODING}`), "
        f"1 KB = 1,000 bytes; budgets {weight.BUDGET_FIRST_KB} KB first visit, {weight.BUDGET_REPEAT_KB} KB repeat. "
        "Goals: Performance ≥ 95, Accessibility 100, Best Practices ≥ 95, SEO 100.",
        "",
        "| page | who | Performance | Accessibility | Best Practices | SEO | first visit KB | repeat visit KB "
        "| with images KB | budget |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in run["pages"]:
        who = "signed in" if page.get("signed_in") else "anonymous"
        if "failed" in page:
            lines.append(f"| {page['page']} | {who} | {page['failed']} | | | | | | | |")
            continue
        scores = [str(page["scores"].get(key, "")) for key in CATEGORIES]
        pages_weight = page["weight"]
        verdict = (
            "pass"
            if pages_weight["first_passes"] and pages_weight["repeat_passes"]
            else "FAIL ("
            + ", ".join(
                name
                for name, passes in (("first", pages_weight["first_passes"]), ("repeat", pages_weight["repeat_passes"]))
                if not passes
            )
            + ")"
        )
        lines.append(
            f"| {page['page']} | {who} | {' | '.join(scores)} | {pages_weight['first_kb']} | "
            f"{pages_weight['repeat_kb']} | {pages_weight['first_with_images_kb']} | {verdict} |"
        )
    below = [page for page in run["pages"] if "scores" in page and below_goals(page)]
    if below:
        lines += ["", "Below the goals (audit ids):", ""]
        for page in below:
            ids = sorted({audit["id"] for audit in page["failing"]})
            lines.append(f"- {page['page']} ({', '.join(below_goals(page))}): {', '.join(ids) or 'no single audit'}")
    return "\n".join(lines) + "\n"


def audits_markdown(run: dict) -> str:
    """Every failing audit with the elements it names, for whoever fixes them (not committed)."""
    lines = []
    for page in run["pages"]:
        for audit in page.get("failing", []):
            lines.append(f"- {page['page']}: [{audit['category']}] `{audit['id']}` {audit['title']} {audit['value']}")
            lines += [f"    - `{item}`" for item in audit["items"] if item]
    return "\n".join(lines) + "\n"


def update_readme(text: str, path: Path) -> None:
    readme = README.read_text()
    if README_START not in readme:
        return
    body = re.sub(r"^# ", "#### ", text)  # under the README's "### Phones: ..." heading
    link = f"(from [`{path.relative_to(ROOT)}`]({path.relative_to(ROOT)}))"
    block = f"{README_START}\n{body}\n{link}\n{README_END}"
    README.write_text(
        re.sub(re.escape(README_START) + ".*?" + re.escape(README_END), lambda _: block, readme, flags=re.S)
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench/lighthouse", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="N of load_demo --scale N (default 1)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page; the median shown (default 1)")
    parser.add_argument("--page", action="append", choices=[row for row, _, _ in PAGES], help="only this page")
    parser.add_argument("--rebuild", action="store_true", help="build the demo database even if it exists")
    parser.add_argument("--no-readme", action="store_true", help="do not put the table into README.md")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        parser.error(f"{LIGHTHOUSE.relative_to(ROOT)} is missing: run bench/lighthouse, which installs it")

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    run = {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "scale": args.scale,
        "runs": args.runs,
        "machine": machine(),
        "lighthouse": version([str(LIGHTHOUSE), "--version"]),
        "chromium": version([CHROME, "--version"]),
    }
    env, run["build"] = serve_copy(args.scale, args.rebuild)
    urls = {row["page"]: row for row in probe(env, "pages")["pages"] if row.get("variant") != "signed in"}
    shutil.rmtree(HERE / "reports", ignore_errors=True)
    (HERE / "reports").mkdir()
    pages = []
    with Server(env) as server:
        log(f"Lighthouse on {server.base}")
        cookie = server.sign_in("steward")
        for row, name, signed_in in PAGES:
            if args.page and row not in args.page:
                continue
            found = urls.get(name, {})
            if "url" not in found:
                pages.append({"page": row, "signed_in": signed_in, "failed": found.get("skipped", "not found")})
                continue
            pages.append(measure(server, row, found["url"], cookie if signed_in else "", args.runs))
    run["pages"] = pages
    run["machine"]["load_after"] = round(os.getloadavg()[0], 2)

    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"lighthouse-{run['started'][:10]}-{run['commit'].split()[0]}"
    text = markdown(run)
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    (HERE / "audits.md").write_text(audits_markdown(run))
    if not args.no_readme and not args.page:
        update_readme(text, stem.with_suffix(".md"))
    print(text)
    log(f"Written to {stem.relative_to(ROOT)}.md and .json; failing audits with their elements in {HERE / 'audits.md'}")


if __name__ == "__main__":
    main()
