"""Module URLs in each language: the course index finds the module by its slug in the URL's language,
and a unit's segment is in that language too (week/, hafta/)."""

import datetime

import pytest
from django.utils import timezone, translation

from courses.models import CourseIndexPage, CourseModulePage, UnitCompletion
from courses.services import enrolment_create

from .conftest import add_modules, days_from_today, page_url, unit_url

pytestmark = pytest.mark.django_db


def test_the_index_routes_by_its_own_lookup_not_modeltranslations():
    """wagtail-modeltranslation sets every translated page model's route at start-up; the index keeps its own."""
    assert CourseModulePage.route.__module__ == "wagtail_modeltranslation.patch_wagtailadmin"  # it did run
    assert CourseIndexPage.route is CourseIndexPage.__dict__["route"]
    assert CourseIndexPage.route.__qualname__ == "CourseIndexPage.route"


def test_the_index_declines_modeltranslations_route_and_nothing_else(monkeypatch):
    own = CourseIndexPage.route
    monkeypatch.setattr(CourseIndexPage, "route", CourseModulePage.route)  # what wagtail-modeltranslation does
    assert CourseIndexPage.route is own

    def stand_in(self, request, path_components):  # a test's own, say
        raise NotImplementedError

    monkeypatch.setattr(CourseIndexPage, "route", stand_in)
    assert CourseIndexPage.route is stand_in


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_module_among_many_siblings_and_its_units(client, course_index, make_module, language):
    module = make_module(title="The one", title_tr="Aranan modül")
    add_modules(course_index, [{} for _ in range(50)])
    html = client.get(page_url(module, language)).content.decode()
    assert {"en": "The one", "tr": "Aranan modül"}[language] in html
    assert client.get(unit_url(module, language)).status_code in (200, 403)


def test_a_module_without_a_turkish_slug_has_a_turkish_url_with_its_english_slug(client, course_index):
    (module,) = add_modules(course_index, [{"slug_tr": None, "title_tr": "Yalnız İngilizce adres"}])
    assert page_url(module, "tr") == f"/tr/kurslar/{module.slug_en}/"
    response = client.get(page_url(module, "tr"))
    assert response.status_code == 200
    assert "Yalnız İngilizce adres" in response.text
    (empty,) = add_modules(course_index, [{"slug_tr": ""}])
    assert client.get(f"/tr/kurslar/{empty.slug_en}/").status_code == 200


def test_a_slug_of_another_language_or_of_no_module_is_not_found(client, course_index, make_module):
    """As wagtail-modeltranslation routes: a Turkish URL takes the Turkish slug where there is one."""
    module = make_module()
    assert client.get(f"/tr/kurslar/{module.slug_en}/").status_code == 404
    assert client.get(f"/en/courses/{module.slug_tr}/").status_code == 404
    assert client.get("/en/courses/no-such-module/").status_code == 404
    assert client.get("/tr/kurslar/no-such-module/week/1/").status_code == 404


def test_a_draft_module_is_not_found(client, course_index):
    (module,) = add_modules(course_index, [{"live": False}])
    assert client.get(page_url(module)).status_code == 404
    assert client.get(page_url(module, suffix="week/1/")).status_code == 404


def test_a_slug_changed_in_turkish_moves_the_turkish_url_only(client, course_index, make_module):
    module = make_module()
    with translation.override("en"):
        page = CourseModulePage.objects.get(pk=module.pk)
        page.slug_tr = "yeni-adres"
        page.save_revision().publish()
    assert client.get("/tr/kurslar/yeni-adres/").status_code == 200
    assert client.get(f"/tr/kurslar/{module.slug_tr}/").status_code == 404
    assert client.get(page_url(module)).status_code == 200


@pytest.fixture
def learner_client(client, make_module, member):
    """A member enrolled in a running module (every unit open), signed in."""
    module = make_module(
        title_tr="Çalışan modül",
        start_date=days_from_today(-45),
        enrolment_closes=timezone.now() + datetime.timedelta(days=3),
    )
    enrolment_create(module=module, member=member)
    client.force_login(member)
    client.module = module
    return client


def test_turkish_unit_addresses_say_hafta_and_english_ones_week(learner_client):
    module = learner_client.module
    turkish, english = page_url(module, "tr"), page_url(module, "en")
    assert f'href="{turkish}hafta/2/"' in learner_client.get(turkish).text
    assert f'href="{english}week/2/"' in learner_client.get(english).text
    unit = learner_client.get(f"{turkish}hafta/2/")
    assert unit.status_code == 200
    assert "Ünite 2: Türkçe" in unit.text
    assert f'action="{turkish}hafta/2/done/"' in unit.text
    assert learner_client.get(f"{english}week/2/").status_code == 200
    assert learner_client.get(f"{english}hafta/2/").status_code == 404
    dashboard = learner_client.get("/tr/learning/").text
    assert f'href="{turkish}hafta/' in dashboard
    assert "week/" not in dashboard


def test_the_old_turkish_week_addresses_move_permanently(learner_client):
    module = learner_client.module
    turkish = page_url(module, "tr")
    response = learner_client.get(f"{turkish}week/3/?from=mail")
    assert response.status_code == 301
    assert response["Location"] == f"{turkish}hafta/3/?from=mail"
    assert learner_client.get(response["Location"]).status_code == 200


def test_a_done_form_posted_to_the_old_turkish_address_is_kept(learner_client, member):
    """A page left open before the change still marks the unit done: the POST is sent on (308)."""
    module = learner_client.module
    turkish = page_url(module, "tr")
    response = learner_client.post(f"{turkish}week/4/done/")
    assert response.status_code == 308
    assert response["Location"] == f"{turkish}hafta/4/done/"
    done = learner_client.post(response["Location"], follow=True)
    assert done.redirect_chain[-1][0] == f"{turkish}hafta/4/"
    assert UnitCompletion.objects.filter(member=member, unit__week=4).exists()
