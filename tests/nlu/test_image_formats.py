"""An image an editor puts in a text (home page, a module's description) reaches a phone small and late:
a <picture> of AVIF and WebP in several widths, its box known before it arrives, loaded when scrolled to."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.images import ImageFile
from PIL import Image
from wagtail.images import get_image_model

from courses.models import CourseModulePage
from nlu.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def march_photo(media):
    """A photo 2000 pixels wide and 1000 high from a march, as an editor uploads it."""
    picture = Image.linear_gradient("L").resize((2000, 1000)).convert("RGB")
    data = io.BytesIO()
    picture.save(data, "JPEG")
    return get_image_model().objects.create(title="March", file=ImageFile(data, name="march.jpg"))


def with_image(page, image, image_format: str) -> None:
    page.body_en = (
        f'<p>Before the picture.</p><embed embedtype="image" id="{image.pk}" format="{image_format}" '
        'alt="Couriers marching"/><p>After it.</p>'
    )
    page.save_revision().publish()


def picture_on(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    picture = BeautifulSoup(response.content, "html.parser").select_one(".prose picture")
    assert picture is not None, f"no <picture> in the text of {url}"
    return picture


def offered(srcset: str) -> dict[int, str]:
    """A srcset as {width: URL}."""
    return {int(descriptor.removesuffix("w")): url for url, descriptor in (item.split() for item in srcset.split(", "))}


@pytest.mark.parametrize(
    ("image_format", "widths", "laid_out"),
    [("fullwidth", {400, 800, 1200}, ("800", "400")), ("left", {250, 500, 1000}, ("500", "250"))],
)
def test_an_image_in_the_home_pages_text_is_a_picture_of_avif_and_webp(
    client, demo, march_photo, media, image_format, widths, laid_out
):
    with_image(HomePage.objects.get(), march_photo, image_format)

    picture = picture_on(client, "/en/")

    source = picture.find("source")
    assert source["type"] == "image/avif"
    img = picture.find("img")
    assert (img["alt"], img["loading"], img["width"], img["height"]) == ("Couriers marching", "lazy", *laid_out)
    assert img["sizes"] == source["sizes"]
    assert img["src"].endswith(".webp")
    for srcset, kind in ((source["srcset"], "AVIF"), (img["srcset"], "WEBP")):
        renditions = offered(srcset)
        assert set(renditions) == widths
        for width, url in renditions.items():
            with Image.open(media / url.removeprefix("/media/")) as rendition:
                assert (rendition.format, rendition.width) == (kind, width)


def test_a_modules_description_shows_its_image_as_a_picture_too(client, demo, march_photo):
    module = CourseModulePage.objects.get(slug_en="module-1")
    with_image(module, march_photo, "right")

    picture = picture_on(client, module.url)

    assert picture.find("source", type="image/avif") is not None
    assert picture.find("img")["src"].endswith(".webp")
