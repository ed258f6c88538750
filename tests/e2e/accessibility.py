"""axe-core on the pages of the journeys: nothing of impact "serious" or "critical" may be found.

axe-core's JavaScript comes inside the axe-playwright-python wheel (``axe.min.js``, MPL-2.0), so
the check runs offline once the requirements are installed.
"""

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

BLOCKING_IMPACTS = ("critical", "serious")
AXE = Axe()


def report(url: str, violations: list[dict]) -> str:
    """One paragraph per rule broken: its id, impact, what it asks, where to read more, and each element."""
    lines = [f"axe-core found {len(violations)} serious or critical problem(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    # After a click that navigates, the new document may still be loading: axe needs all of it.
    page.wait_for_load_state("load")
    results = AXE.run(page, options={"resultTypes": ["violations"]})
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, report(page.url, blocking)


@dataclass
class Visits:
    """The documents one page has shown from our site, and which of them axe has checked.

    A page counts as visited when a new document arrives in its main frame; the next arrival
    (or the end of the test) without a check in between leaves it unchecked. Pages of other
    sites (the BBB stand-in's room) are not ours to check.
    """

    origin: str
    current: str | None = None
    missed: list[str] = field(default_factory=list)

    def arrived(self, url: str) -> None:
        if self.current is not None:
            self.missed.append(self.current)
        self.current = url if url.startswith(self.origin + "/") else None

    def checked(self) -> None:
        self.current = None

    def unchecked(self) -> list[str]:
        return [*self.missed, *([self.current] if self.current else [])]
