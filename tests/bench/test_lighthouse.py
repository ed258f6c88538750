"""bench/lighthouse, the README's one command: its help answers without installing or serving anything."""

import subprocess
from pathlib import Path

from bench import lighthouse, weight

ROOT = Path(__file__).resolve().parents[2]


def test_help_names_the_options_and_the_pages_of_issue_21():
    answer = subprocess.run(
        [str(ROOT / "bench" / "lighthouse"), "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith("usage: bench/lighthouse")
    for option in ("--scale", "--runs", "--page", "--rebuild", "--no-readme"):
        assert option in answer.stdout
    for page in ("home", "module", "unit", "session", "wiki page", "timebank board", "spaces list"):
        assert page in answer.stdout
    assert "Installing" not in answer.stderr


def scored(page: str, performance: int, failing: list[str], *, first: int = 30_000) -> dict:
    measured = weight.summary([weight.Resource(f"http://x/{page}", "html", 200, first, "br", "")])
    return {
        "page": page,
        "signed_in": False,
        "scores": {"performance": performance, "accessibility": 100, "best-practices": 100, "seo": 100},
        "failing": [{"id": audit} for audit in failing],
        "weight": measured,
    }


RUN = {
    "started": "2026-12-08T01:00:00",
    "commit": "abc1234",
    "scale": 1,
    "runs": 3,
    "lighthouse": "12.2.3",
    "chromium": "Chromium 156",
    "machine": {"cpus": 2, "cpu": "test", "load_before": 1.0, "load_after": 1.0},
    "pages": [
        scored("home", 99, []),
        scored("module", 90, ["total-blocking-time"], first=61_000),
        {"page": "unit", "signed_in": True, "failed": "HTTP 302"},
    ],
}


def test_the_table_shows_each_page_its_scores_weight_and_what_falls_short():
    text = lighthouse.markdown(RUN)
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}

    columns = len(rows["page"].split("|"))
    assert {len(row.split("|")) for row in rows.values()} == {columns}
    assert "| home | anonymous | 99 | 100 | 100 | 100 | 30.0 | 30.0 | 30.0 | FAIL (repeat) |" in text
    assert "| module | anonymous | 90 | 100 | 100 | 100 | 61.0 | 61.0 | 61.0 | FAIL (first, repeat) |" in text
    assert "HTTP 302" in rows["unit"] and "signed in" in rows["unit"]
    assert "- module (Performance): total-blocking-time" in text
    assert "- home" not in text


def test_the_readme_gets_the_table_between_its_markers_and_keeps_the_rest(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    before = "## Benchmarks\n\n<!-- bench:latest:start -->\nwrk table\n<!-- bench:latest:end -->\n"
    readme.write_text(before + f"{lighthouse.README_START}\nold\n{lighthouse.README_END}\n\n## Next\n")
    monkeypatch.setattr(lighthouse, "README", readme)
    monkeypatch.setattr(lighthouse, "ROOT", tmp_path)

    lighthouse.update_readme(lighthouse.markdown(RUN), tmp_path / "bench" / "results" / "lighthouse-x.md")

    text = readme.read_text()
    assert text.startswith(before) and text.endswith(f"{lighthouse.README_END}\n\n## Next\n")
    assert "old" not in text
    assert "#### Lighthouse and page weight of 2026-12-08T01:00:00" in text
    assert "(from [`bench/results/lighthouse-x.md`](bench/results/lighthouse-x.md))" in text
