"""The course index: modules grouped by where they stand, filtered by delivery language."""

import datetime
import re
import zoneinfo

import pytest

from courses.selectors import module_listing

from .conftest import add_modules, days_from_today, page_url

pytestmark = pytest.mark.django_db


def section(html: str, key: str) -> str:
    start = html.index(f'<section aria-labelledby="section-{key}">')
    return html[start : html.index("</section>", start)]


def test_modules_are_grouped_as_open_running_and_finished(client, make_index, make_module):
    index = make_index("listing")
    make_module(index=index, title="Next month", start_date=days_from_today(30))
    make_module(index=index, title="Started last week", start_date=days_from_today(-8))
    make_module(index=index, title="Ended long ago", start_date=days_from_today(-200))
    html = client.get(page_url(index)).content.decode()
    assert "Next month" in section(html, "upcoming")
    assert "Started last week" in section(html, "running")
    assert "Ended long ago" in section(html, "finished")


def test_filter_by_delivery_language(client, make_index, make_module):
    index = make_index("by-language")
    make_module(index=index, title="Taught in English", delivery_languages="en")
    make_module(index=index, title="Taught in both", delivery_languages="en,tr")
    make_module(index=index, title="Taught in Turkish", delivery_languages="tr")
    html = client.get(page_url(index), {"language": "tr"}).content.decode()
    assert "Taught in both" in html
    assert "Taught in Turkish" in html
    assert "Taught in English" not in html
    html = client.get(page_url(index), {"language": "xx"}).content.decode()  # unknown: no filter
    assert "Taught in English" in html


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)


@pytest.fixture
def paged_index(make_index):
    """45 modules: 25 open for enrolment, 10 running, 10 finished; 20 to a page."""
    index = make_index("paged")
    upcoming = add_modules(index, [{"start_date": days_from_today(10 + n)} for n in range(25)])
    running = add_modules(index, [{"start_date": days_from_today(-n - 1)} for n in range(10)])
    finished = add_modules(index, [{"start_date": days_from_today(-100 - n)} for n in range(10)])
    return index, upcoming, running, finished


def test_the_index_is_paged_open_first_then_running_then_the_latest_finished(client, paged_index):
    index, upcoming, running, finished = paged_index
    first = client.get(page_url(index)).content.decode()
    assert titles(first) == [module.title for module in upcoming[:20]]
    assert 'id="section-running"' not in first  # on the next page, not "none at the moment"
    second = client.get(page_url(index), {"page": 2}).content.decode()
    assert titles(section(second, "upcoming")) == [module.title for module in upcoming[20:]]
    assert titles(section(second, "running")) == [module.title for module in reversed(running)]
    assert titles(section(second, "finished")) == [module.title for module in finished[:5]]
    third = client.get(page_url(index), {"page": 3}).content.decode()
    assert titles(third) == [module.title for module in finished[5:]]
    assert 'rel="next"' not in third


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("en", ['aria-label="Pages"', "Page 2 of 3", "Previous page", "Next page"]),
        ("tr", ['aria-label="Sayfalar"', "Sayfa 2 / 3", "Önceki sayfa", "Sonraki sayfa"]),
    ],
)
def test_pagination_links_in_each_language(client, paged_index, language, labels):
    index, upcoming, _running, _finished = paged_index
    html = client.get(page_url(index, language), {"page": 2}).content.decode()
    nav = html[html.index('<nav class="pagination"') :]
    nav = nav[: nav.index("</nav>")]
    for label in labels:
        assert label in nav
    assert 'href="?page=1" rel="prev"' in nav
    assert 'href="?page=3" rel="next"' in nav
    assert '<li aria-current="page">' in nav
    title = upcoming[20].title_tr if language == "tr" else upcoming[20].title
    assert title in html


def test_pagination_keeps_the_language_filter(client, paged_index):
    index, *_ = paged_index
    html = client.get(page_url(index), {"language": "tr"}).content.decode()
    assert 'href="?language=tr&amp;page=2" rel="next"' in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "4", "99999999999999999999", "2.5"])
def test_a_page_number_that_is_not_one_of_the_pages_is_not_found(client, paged_index, page):
    index, *_ = paged_index
    assert client.get(page_url(index), {"page": page}).status_code == 404
    assert client.get(page_url(index, "tr"), {"page": page}).status_code == 404


@pytest.mark.parametrize("page", ["", "1", "3"])
def test_the_first_and_the_last_page(client, paged_index, page):
    index, *_ = paged_index
    assert client.get(page_url(index), {"page": page}).status_code == 200


def test_an_empty_section_says_so_on_the_first_page_only(client, make_index):
    index = make_index("no-running")
    add_modules(index, [{"start_date": days_from_today(10 + n)} for n in range(21)])
    add_modules(index, [{"start_date": days_from_today(-200)}])
    first = client.get(page_url(index)).content.decode()
    assert "None at the moment." in section(first, "running")
    assert 'id="section-finished"' not in first  # it has a module, on page 2
    second = client.get(page_url(index), {"page": 2}).content.decode()
    assert 'id="section-running"' not in second
    assert len(titles(section(second, "finished"))) == 1


@pytest.mark.parametrize("utc_hour", [0, 10, 11, 12, 23])
def test_sections_follow_each_modules_own_time_zone(make_index, utc_hour):
    """The listing's SQL puts each module where its own start and end (midnight in its zone) put it."""
    now = datetime.datetime(2030, 3, 1, utc_hour, tzinfo=datetime.UTC)
    index = make_index(f"zones-{utc_hour}")
    zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC", "America/Sao_Paulo", "Asia/Kolkata"]
    days = [-50, -49, -48, -7, -6, -1, 0, 1, 2]
    modules = add_modules(
        index,
        [
            {"timezone": zone, "weeks": weeks, "start_date": now.date() + datetime.timedelta(days=day)}
            for zone in zones
            for weeks in (1, 7)
            for day in days
        ],
    )
    listing = module_listing(index=index, now=now, per_page=len(modules))
    found = {module.pk: key for key, shown in listing.sections.items() for module in shown}

    def expected(module):
        return "upcoming" if now < module.starts_at else "running" if now < module.ends_at else "finished"

    assert found == {module.pk: expected(module) for module in modules}
    assert set(found.values()) == {"upcoming", "running", "finished"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...``: what the block writes is committed, as at the end of a request."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_listing_is_read_once_until_a_module_changes(make_index, make_module, django_assert_num_queries, committed):
    index = make_index("kept")
    add_modules(index, [{"start_date": days_from_today(10 + n)} for n in range(3)])
    first = module_listing(index=index)
    with django_assert_num_queries(0):
        again = module_listing(index=index)
    assert [module.pk for module in again.page] == [module.pk for module in first.page]
    assert {key: len(shown) for key, shown in again.sections.items()} == {"upcoming": 3, "running": 0, "finished": 0}
    with committed():
        make_module(index=index, title="Just published")
    assert "Just published" in [module.title for module in module_listing(index=index).sections["upcoming"]]


@pytest.mark.parametrize("change", ["retitle", "unpublish", "delete"])
def test_a_changed_module_shows_changed_at_once(client, make_index, make_module, committed, change):
    index = make_index(f"kept-{change}")
    module = make_module(index=index, title="As it was")
    assert "As it was" in client.get(page_url(index)).content.decode()
    with committed():
        if change == "retitle":
            module.title_en = module.title = "As it is now"
            module.save_revision().publish()
        elif change == "unpublish":
            module.unpublish()
        else:
            module.delete()
    html = client.get(page_url(index)).content.decode()
    assert "As it was" not in html
    assert ("As it is now" in html) is (change == "retitle")


def test_a_kept_listing_moves_a_module_at_midnight_in_its_zone(make_index):
    """No write happens at midnight: the quarter hour in the key moves the module on."""
    index = make_index("kept-midnight")
    (module,) = add_modules(index, [{"timezone": "Asia/Kolkata", "start_date": datetime.date(2030, 3, 2)}])
    midnight = datetime.datetime(2030, 3, 2, tzinfo=zoneinfo.ZoneInfo("Asia/Kolkata"))  # 18:30 UTC the day before
    before = module_listing(index=index, now=midnight - datetime.timedelta(minutes=1))
    after = module_listing(index=index, now=midnight)
    assert [m.pk for m in before.sections["upcoming"]] == [module.pk]
    assert [m.pk for m in after.sections["running"]] == [module.pk]
