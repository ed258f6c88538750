"""Module URLs in each language: the course index finds the module by its slug in the URL's language."""

import pytest
from django.utils import translation

from courses.models import CourseIndexPage, CourseModulePage

from .conftest import add_modules, page_url

pytestmark = pytest.mark.django_db


def test_the_index_routes_by_its_own_lookup_not_modeltranslations():
    """wagtail-modeltranslation replaces every page model's route at start-up; courses puts its own back."""
    assert CourseIndexPage.route is CourseIndexPage.route_to_module


def test_the_demo_modules_turkish_url(client, demo):
    response = client.get("/tr/kurslar/modul-1/")
    assert response.status_code == 200
    assert "Modül 1: Sendikacılar" in response.text
    assert client.get("/tr/kurslar/modul-1/week/1/").status_code in (200, 403)  # 403 until week 1 opens


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_module_among_many_siblings_and_its_units(client, course_index, make_module, language):
    module = make_module(title="The one", title_tr="Aranan modül")
    add_modules(course_index, [{} for _ in range(50)])
    html = client.get(page_url(module, language)).content.decode()
    assert {"en": "The one", "tr": "Aranan modül"}[language] in html
    assert client.get(page_url(module, language, "week/1/")).status_code in (200, 403)


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
