"""Small charts drawn on the server as inline SVG.

The site's content security policy allows no script and no inline style, so a chart is plain
SVG with presentation attributes; it has a ``<title>`` and an ``aria-label`` for screen
readers, and each bar or point a ``<title>`` of its own that browsers show on hover.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Sized for a phone: the chart is scaled to the width it is given, so its text stays readable
# from a 360 px screen (about 11 px) to the 40rem it may take on a desktop.
WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 86, 10, 12, 30  # room for the value labels on the left, months below
INK, MUTED, LINE, ACCENT = "#1d1d1f", "#555555", "#ddd6c8", "#a4161a"


@dataclass(frozen=True)
class Point:
    """One value of a series, with the text that names it on the x axis (or empty) and on hover."""

    value: int
    tick: str
    hover: str


def _scale(values: Sequence[int]) -> tuple[int, int]:
    """The lowest and highest value the plot shows: always zero, never an empty range."""
    low, high = min([0, *values]), max([0, *values])
    return (low, high) if low != high else (low, low + 60)


def _svg(*, title: str, label: str, body: list[str]) -> SafeString:
    return mark_safe(  # every text below went through escape()
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(label)}" '
        f'font-family="system-ui, sans-serif" font-size="15">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _frame(low: int, high: int, y: Callable[[float], float], value_label: Callable[[int], str]) -> list[str]:
    """The zero line and the labels of the lowest and highest value."""
    body = []
    for value in sorted({low, 0, high}):
        body.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{MUTED if value == 0 else LINE}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(value_label(value))}</text>"
        )
    return body


def _ticks(points: Sequence[Point], x: Callable[[int], float]) -> list[str]:
    return [
        f'<text x="{x(index):.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="{MUTED}">{escape(point.tick)}</text>'
        for index, point in enumerate(points)
        if point.tick
    ]


def step_chart(points: Sequence[Point], *, title: str, label: str, value_label) -> SafeString:
    """A value that holds until it changes (a balance), one point per step along the x axis."""
    low, high = _scale([p.value for p in points])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    last = max(len(points) - 1, 1)

    def x(index: int) -> float:
        return LEFT + plot_w * index / last

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    # A corner only where the value changes: a year of days is a handful of steps, not 730 vertices.
    path = []
    for index, point in enumerate(points):
        if index == 0 or point.value != points[index - 1].value:
            if index:
                path.append(f"{x(index):.1f},{y(points[index - 1].value):.1f}")
            path.append(f"{x(index):.1f},{y(point.value):.1f}")
    if len(points) > 1:
        path.append(f"{x(len(points) - 1):.1f},{y(points[-1].value):.1f}")
    body = _frame(low, high, y, value_label) + _ticks(points, x)
    body.append(f'<polyline points="{" ".join(path)}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    if points:
        end = points[-1]
        body.append(
            f'<circle cx="{x(len(points) - 1):.1f}" cy="{y(end.value):.1f}" r="4" fill="{ACCENT}">'
            f"<title>{escape(end.hover)}</title></circle>"
        )
    return _svg(title=title, label=label, body=body)


def bar_chart(points: Sequence[Point], *, title: str, label: str, value_label) -> SafeString:
    """One bar per period (hours per month); each bar names its period and value on hover."""
    low, high = _scale([p.value for p in points])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)

    def x(index: int) -> float:
        return LEFT + slot * (index + 0.5)

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    body = _frame(low, high, y, value_label) + _ticks(points, x)
    for index, point in enumerate(points):
        top, bottom = sorted((y(point.value), y(0)))
        body.append(
            f'<rect x="{x(index) - slot * 0.35:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{max(bottom - top, 0.5):.1f}" fill="{ACCENT}"><title>{escape(point.hover)}</title></rect>'
        )
    return _svg(title=title, label=label, body=body)
