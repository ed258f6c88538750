"""The bench's Markdown table: every row as wide as its header, the N=1 counts beside N's."""

import pytest

from bench.report import pages_table

LOAD = {"per_second": 100.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "errors": 0}
ROWS = [
    {"page": "hello (floor)", "variant": "anonymous", "queries": 0, "load": LOAD, "floor_percent": 100},
    {"page": "home", "variant": "signed in", "queries": 6, "load": LOAD, "floor_percent": 10},
    {"page": "wiki page", "variant": "anonymous", "queries": 3, "failed": "HTTP 500 (test client: 200)"},
    {"page": "offers board", "skipped": "not built yet"},
]


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@pytest.mark.parametrize("at_one", [False, True])
def test_every_row_has_the_headers_columns(at_one):
    rows = [{**row, "queries_at_1": 6} if at_one and "queries" in row else row for row in ROWS]
    header, rule, *lines = pages_table(rows)
    assert ("SQL at N=1" in cells(header)) is at_one
    assert {len(cells(line)) for line in [rule, *lines]} == {len(cells(header))}


def test_the_counts_at_n_and_at_one_stand_side_by_side():
    header, _rule, _floor, home, *_ = pages_table([{**row, "queries_at_1": 5} for row in ROWS])
    columns = dict(zip(cells(header), cells(home), strict=True))
    assert (columns["SQL queries"], columns["SQL at N=1"]) == ("6", "5")
