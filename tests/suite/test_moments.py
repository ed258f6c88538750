"""A moment reads the same in pages, e-mails and feeds: weekday and month names, a 24-hour clock, the zone named.

Thursday 3 December 2026, 04:58 UTC is 07:58 in Istanbul. The Turkish relative words ("tomorrow", "2 days ago")
are those of suite's Turkish catalogue.
"""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from suite.moments import machine_moment, moment_html, moment_text

THURSDAY = datetime.datetime(2026, 12, 3, 4, 58, tzinfo=datetime.UTC)  # 07:58 in Istanbul
ISTANBUL = "Europe/Istanbul"


def written(lang: str, where: str, **options) -> str:
    with translation.override(lang), timezone.override(where):
        return moment_text(THURSDAY, **options)


def tag(source: str, lang: str, zone: str, **context) -> str:
    with translation.override(lang), timezone.override(zone):
        return Template("{% load suite_time %}" + source).render(Context({"when": THURSDAY, **context}))


def test_the_same_moment_in_english_and_turkish_with_weekday_month_24_hour_clock_and_zone():
    assert written("en", ISTANBUL, relative=False) == "Thu 3 Dec 2026, 07:58 (Europe/Istanbul)"
    assert written("tr", ISTANBUL, relative=False) == "3 Ara 2026 Prş, 07:58 (Europe/Istanbul)"


def test_the_reader_s_zone_moves_the_clock_and_is_named():
    assert written("en", "America/Bogota", relative=False) == "Wed 2 Dec 2026, 23:58 (America/Bogota)"


def test_the_tag_wraps_it_in_a_time_element_with_the_iso_moment():
    shown = tag("{% moment when relative=False %}", "en", ISTANBUL)
    assert shown == '<time datetime="2026-12-03T07:58:00+03:00">Thu 3 Dec 2026, 07:58 (Europe/Istanbul)</time>'
    shown = tag("{% moment when relative=False %}", "tr", ISTANBUL)
    assert shown == '<time datetime="2026-12-03T07:58:00+03:00">3 Ara 2026 Prş, 07:58 (Europe/Istanbul)</time>'


def test_the_tag_gives_the_same_text_as_the_function_and_plain_text_for_mails():
    with translation.override("en"), timezone.override(ISTANBUL):
        expected = moment_html(THURSDAY)
        plain = moment_text(THURSDAY)
    assert tag("{% moment when %}", "en", ISTANBUL) == expected
    assert tag("{% moment_text when %}", "en", ISTANBUL) == plain
    assert "<" not in plain


def test_options_for_a_date_a_time_no_zone_and_tables():
    assert written("en", ISTANBUL, part="date", relative=False) == "Thu 3 Dec 2026"
    assert written("tr", ISTANBUL, part="date", relative=False) == "3 Ara 2026 Prş"
    assert written("en", ISTANBUL, part="time") == "07:58 (Europe/Istanbul)"
    assert written("tr", ISTANBUL, zone=False, relative=False) == "3 Ara 2026 Prş, 07:58"
    assert written("en", ISTANBUL, short=True, relative=False) == "3 Dec 2026, 07:58 (Europe/Istanbul)"
    with translation.override("en"):
        assert moment_text(datetime.date(2026, 12, 3), relative=False) == "Thu 3 Dec 2026"
    assert tag("{% moment day %}", "en", ISTANBUL, day=None) == ""


def test_relative_words_in_english_within_a_week():
    with translation.override("en"), timezone.override(ISTANBUL):
        for days, words in [(0, "today"), (1, "tomorrow"), (-1, "yesterday"), (2, "in 2 days"), (-3, "3 days ago")]:
            now = THURSDAY - datetime.timedelta(days=days)
            assert moment_text(THURSDAY, now=now) == f"{words}, Thu 3 Dec 2026, 07:58 (Europe/Istanbul)"
        assert moment_text(THURSDAY, now=THURSDAY - datetime.timedelta(days=9)).startswith("Thu 3 Dec")


def test_relative_words_in_turkish_within_a_week():
    with translation.override("tr"), timezone.override(ISTANBUL):
        tomorrow = moment_text(THURSDAY, now=THURSDAY - datetime.timedelta(days=1))
        ago = moment_text(THURSDAY, now=THURSDAY + datetime.timedelta(days=2))
        later = moment_text(THURSDAY, now=THURSDAY - datetime.timedelta(days=5))
    assert tomorrow == "yarın, 3 Ara 2026 Prş, 07:58 (Europe/Istanbul)"
    assert ago == "2 gün önce, 3 Ara 2026 Prş, 07:58 (Europe/Istanbul)"
    assert later == "5 gün sonra, 3 Ara 2026 Prş, 07:58 (Europe/Istanbul)"


def test_days_are_counted_in_the_reader_s_zone():
    # 22:30 UTC on Wednesday is already Thursday in Istanbul: "today" there, "yesterday" in UTC at Thursday noon.
    late = datetime.datetime(2026, 12, 2, 22, 30, tzinfo=datetime.UTC)
    noon = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC)
    with translation.override("en"):
        with timezone.override(ISTANBUL):
            assert moment_text(late, now=noon).startswith("today, Thu 3 Dec 2026, 01:30")
        with timezone.override("UTC"):
            assert moment_text(late, now=noon).startswith("yesterday, Wed 2 Dec 2026, 22:30")


def test_the_machine_form_stays_iso():
    with timezone.override(ISTANBUL):
        assert machine_moment(THURSDAY) == "2026-12-03T07:58:00+03:00"
    assert machine_moment(datetime.date(2026, 12, 3)) == "2026-12-03"


@pytest.mark.parametrize("part", ["week"])
def test_an_unknown_part_is_refused(part):
    with pytest.raises(ValueError):
        moment_text(THURSDAY, part=part)
