"""An app's page sits in the host's layout, named by SUITE_BASE_TEMPLATE."""

import pytest
from django.test import RequestFactory, override_settings

from suite.rendering import render
from tests.hosts.run import ROOT


@pytest.fixture(autouse=True)
def bare_templates():
    """The bare hosts' base.html, in whichever host these tests run."""
    engine = {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ROOT / "tests" / "hosts" / "templates"],
    }
    with override_settings(TEMPLATES=[{**engine, "APP_DIRS": True}]):
        yield


def test_an_apps_page_extends_the_hosts_base_template():
    response = render(RequestFactory().get("/"), "suite_test/page.html")

    html = response.content.decode()
    assert "<main><p>The app's own words.</p></main>" in html
    assert "<title>An app's page</title>" in html


@override_settings(SUITE_BASE_TEMPLATE="suite_test/other_base.html")
def test_a_host_names_another_base_template():
    response = render(RequestFactory().get("/"), "suite_test/page.html", {"unused": 1}, status=202)

    html = response.content.decode()
    assert response.status_code == 202
    assert '<body class="other-layout"><p>The app\'s own words.</p></body>' in html
