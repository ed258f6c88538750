"""Amounts as hours and minutes, in English and Turkish, in code and in templates."""

import pytest
from django.template import Context, Template
from django.utils import translation

from timebank.formatting import hours

CASES = [
    # minutes, English, Turkish
    (750, "12 h 30 min", "12 sa 30 dk"),
    (720, "12 h", "12 sa"),
    (45, "45 min", "45 dk"),
    (0, "0 min", "0 dk"),
    (1, "1 min", "1 dk"),
    (61, "1 h 1 min", "1 sa 1 dk"),
    (-135, "−2 h 15 min", "−2 sa 15 dk"),
    (-600, "−10 h", "−10 sa"),
    (-30, "−30 min", "−30 dk"),
    (60_000, "1,000 h", "1.000 sa"),
    (1_000_000, "16,666 h 40 min", "16.666 sa 40 dk"),
]


@pytest.mark.parametrize(("minutes", "english", "turkish"), CASES, ids=[str(c[0]) for c in CASES])
def test_minutes_read_as_hours_and_minutes_in_each_language(minutes, english, turkish):
    with translation.override("en"):
        assert hours(minutes) == english
    with translation.override("tr"):
        assert hours(minutes) == turkish


def test_a_debt_has_a_real_minus_sign_not_a_hyphen():
    assert hours(-90).startswith("\u2212")
    assert "-" not in hours(-90)


def render(template: str, **context) -> str:
    return Template("{% load timebank_tags %}" + template).render(Context(context))


def test_the_template_filter_formats_in_the_active_language():
    with translation.override("en"):
        assert render("{{ balance|hours }}", balance=-135) == "−2 h 15 min"
    with translation.override("tr"):
        assert render("{{ balance|hours }}", balance=750) == "12 sa 30 dk"


def test_the_filter_shows_nothing_for_a_limit_that_is_not_set():
    assert render("[{{ limit|hours }}]", limit=None) == "[]"
