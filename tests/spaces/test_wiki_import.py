"""A MediaWiki export imported into a space (``--space``): its pages are the space's, private if it is."""

from pathlib import Path

import pytest
from django.core.management import call_command

from tests.spaces.conftest import enrol
from wiki.models import WikiPage

EXPORT = Path(__file__).parents[1] / "wiki" / "mediawiki" / "files" / "special-export-0.11.xml"


@pytest.mark.django_db
def test_pages_imported_into_a_members_only_space_are_its_private_pages(members_only, client):
    call_command("wiki_import_mediawiki", str(EXPORT), "--space", members_only.slug, verbosity=0)

    pages = WikiPage.objects.filter(scope=members_only.key)
    assert pages.count() == 4 and all(page.private for page in pages)
    assert client.get("/en/wiki/worker-education/").status_code == 404
    client.force_login(enrol(members_only))
    assert client.get("/en/wiki/worker-education/").status_code == 200
