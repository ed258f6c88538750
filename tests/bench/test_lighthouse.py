"""bench/lighthouse, the README's one command: its help answers without installing or serving anything."""

import subprocess
from pathlib import Path

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
