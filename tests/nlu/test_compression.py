"""Pages reach a phone compressed: gzip for a browser that accepts it, the same page once unpacked,
and a browser that already has it still gets a 304."""

import gzip

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_is_sent_gzip_compressed_to_a_browser_that_accepts_it(client, demo):
    plain = client.get("/en/")
    packed = client.get("/en/", HTTP_ACCEPT_ENCODING="br, gzip")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2


def test_a_browser_with_the_page_gets_not_modified(client, demo):
    first = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip")
    again = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
