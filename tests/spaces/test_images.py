"""A space's logo reaches a phone small: AVIF or WebP, sized for the screen, its box known before it arrives."""

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.files.images import ImageFile
from PIL import Image
from wagtail.images import get_image_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(width: int, height: int) -> ImageFile:
    """A PNG as a coordinator would upload it: large, with a gradient so it does not compress to nothing."""
    picture = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    data = io.BytesIO()
    picture.save(data, "PNG")
    return ImageFile(data, name="logo.png")


def stored(media: Path, url: str) -> Image.Image:
    """The rendition behind a media ``url``, opened from where the site wrote it."""
    assert url.startswith("/media/"), url
    path = media / url.removeprefix("/media/")
    assert path.is_file(), f"no file behind {url}"
    return Image.open(path)


def candidates(srcset: str) -> dict[str, str]:
    """A srcset as {width descriptor: URL}."""
    return {descriptor: url for url, descriptor in (item.split() for item in srcset.split(", "))}


def test_the_logo_is_offered_as_avif_and_webp_at_one_and_two_pixels_per_point(client, make_space, media):
    space = make_space("Platform co-ops")
    space.logo = get_image_model().objects.create(title="Platform co-ops logo", file=photo(1200, 900))
    space.save(update_fields=["logo"])

    response = client.get(f"/en/spaces/{space.slug}/")

    assert response.status_code == 200
    picture = BeautifulSoup(response.content, "html.parser").select_one(".space-head picture")
    assert picture is not None, "the space's page shows no logo"
    source = picture.find("source")
    assert source["type"] == "image/avif"
    assert source["sizes"] == "96px"
    img = picture.find("img")
    assert (img["width"], img["height"], img["sizes"], img["alt"]) == ("96", "96", "96px", "")
    assert img["src"].endswith(".webp")

    for srcset, kind in ((source["srcset"], "AVIF"), (img["srcset"], "WEBP")):
        offered = candidates(srcset)
        assert set(offered) == {"96w", "192w"}
        for descriptor, url in offered.items():
            with stored(media, url) as rendition:
                assert rendition.format == kind
                side = int(descriptor.removesuffix("w"))
                assert rendition.size == (side, side)
