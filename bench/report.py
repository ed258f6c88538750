"""A run as Markdown (printed, written to bench/results/, shown in the README) and as JSON."""

import json
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
README = Path(__file__).resolve().parent.parent / "README.md"
README_START, README_END = "<!-- bench:latest:start -->", "<!-- bench:latest:end -->"


def _cell(value) -> str:
    return "" if value is None else str(value)


def pages_table(pages: list[dict]) -> list[str]:
    """One row per page and visitor; "SQL at N=1" beside the queries when the run counted them there too."""
    at_one = any("queries_at_1" in row for row in pages)
    header = ["page", "who", "req/s", "% of floor", "p50 ms", "p95 ms", "p99 ms", "SQL queries"]
    header += ["SQL at N=1"] * at_one + ["errors"]
    lines = [_row(header), "|---|---|" + "--:|" * (len(header) - 2)]
    for row in pages:
        queries = [_cell(row.get("queries"))] + [_cell(row.get("queries_at_1"))] * at_one
        if "skipped" in row:
            cells = [row["page"], "", row["skipped"], "", "", "", "", *[""] * len(queries), ""]
        elif "failed" in row:
            cells = [row["page"], row["variant"], row["failed"], "", "", "", "", *queries, ""]
        else:
            load = row["load"]
            cells = [row["page"], row["variant"], load["per_second"], _cell(row.get("floor_percent"))]
            cells += [load["p50_ms"], load["p95_ms"], load["p99_ms"], *queries, load["errors"]]
        lines.append(_row(cells))
    return lines


def _row(cells: list) -> str:
    return "| " + " | ".join(map(str, cells)) + " |"


def writes_table(writes: list[dict]) -> list[str]:
    lines = [
        "| write | clients | done | per second | p50 ms | p95 ms | errors | invariants after |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in writes:
        if "skipped" in row:
            lines.append(f"| {row['write']} | | {row['skipped']} | | | | | |")
            continue
        load = row["load"]
        lines.append(
            f"| {row['write']} | {load['clients']} | {load['done']} of {load['requests']} | {load['per_second']} "
            f"| {load['p50_ms']} | {load['p95_ms']} | {load['errors']} | {row['invariants']} |"
        )
    return lines


def markdown(run: dict) -> str:
    machine = run["machine"]
    lines = [
        f"# Benchmark of {run['started']} at N={run['scale']}",
        "",
        f"Commit {run['commit']}; {machine['cpus']} CPUs ({machine['cpu']}), load average "
        f"{machine['load_before']} before and {machine['load_after']} after; Python {machine['python']}, "
        f"Django {machine['django']}, Wagtail {machine['wagtail']}. gunicorn with {run['workers']} sync workers; "
        f"pages read by wrk ({run['connections']} connections, {run['seconds']} s each after a 2 s warm-up) "
        f"on the same machine; writes posted by {run['write_clients']} client threads. "
        "SQL queries are counted once per page with Django's test client on the same database.",
    ]
    for database in run["databases"]:
        build = database["build"]
        how = (
            f"reused, built in {build['seconds']} s"
            if build["reused"]
            else f"built in {build['seconds']} s ({', '.join(f'{k} {v} s' for k, v in build['steps'].items())})"
        )
        lines += [
            "",
            f"## {database['engine']}",
            "",
            f"Scaled database: {how}. Signed in as `{database['member']}`.",
            "",
            *pages_table(database["pages"]),
            "",
            *writes_table(database["writes"]),
        ]
    return "\n".join(lines) + "\n"


def write(run: dict, *, readme: bool) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{run['started'][:10]}-n{run['scale']}"
    text = markdown(run)
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(run, indent=2) + "\n")
    if readme:
        update_readme(text, stem.with_suffix(".md"))
    return stem.with_suffix(".md")


def update_readme(text: str, path: Path) -> None:
    """The README shows the latest run between its two markers, under its "Latest results" heading."""
    readme = README.read_text()
    if README_START not in readme:
        return
    body = re.sub(r"^(#+) ", r"###\1 ", text, flags=re.MULTILINE)
    link = f"(from [`{path.relative_to(README.parent)}`]({path.relative_to(README.parent)}))"
    block = f"{README_START}\n{body}\n{link}\n{README_END}"
    README.write_text(
        re.sub(re.escape(README_START) + ".*?" + re.escape(README_END), lambda _: block, readme, flags=re.S)
    )
