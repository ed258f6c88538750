"""Pages reach a phone compressed: gzip for a browser that accepts it, the same page once unpacked,
and a browser that already has it still gets a 304. A download keeps its size, as it was made."""

import gzip
import io
import zipfile

import pytest

from courses.demo import MODULE
from courses.models import CourseModulePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_page_is_sent_gzip_compressed_to_a_browser_that_accepts_it(client, demo):
    plain = client.get("/en/")
    packed = client.get("/en/", HTTP_ACCEPT_ENCODING="br, gzip")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2


def test_a_calendar_is_compressed_too(client, demo):
    module = CourseModulePage.objects.get(slug_en=MODULE["slug_en"])
    packed = client.get(f"/en/sessions/module/{module.pk}.ics", HTTP_ACCEPT_ENCODING="gzip")

    assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content).startswith(b"BEGIN:VCALENDAR")


def test_a_browser_with_the_page_gets_not_modified(client, demo):
    first = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip")
    again = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_a_download_keeps_its_size_and_is_not_packed_again(client):
    """A phone shows a download's size and progress from Content-Length; a ZIP gains nothing from gzip."""
    client.force_login(UserFactory())

    response = client.post("/en/profile/data/download/", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Type"] == "application/zip" and "Content-Encoding" not in response
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert int(response["Content-Length"]) == len(body)
    assert "data.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()
