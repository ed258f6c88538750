"""Images in rich text (units, modules, pages) as a phone on a slow connection wants them.

Wagtail's own formats give one JPEG or PNG 800 or 500 pixels wide to every screen. These give
a ``<picture>``: AVIF, then WebP for browsers without AVIF, each in a few widths for the browser
to choose from by ``sizes``; width and height on the ``<img>`` (no jump when it arrives) and
lazy loading, since an image in a text is seldom the first thing on the screen.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.images.formats import Format, register_image_format, unregister_image_format
from wagtail.images.models import Filter, Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

# Newest first: a browser takes the first <source> it can show; the last format is the <img>'s.
PICTURE_FORMATS = ("avif", "webp")


class PictureFormat(Format):
    """A rich-text image format giving a ``<picture>`` in several formats and widths.

    ``widths``: the first is the one the text is laid out for (the ``<img>``'s width and height);
    the others are offered to smaller and sharper screens.
    """

    def __init__(self, name, label, classname, widths: tuple[int, ...], sizes: str):
        super().__init__(name, label, classname, f"width-{widths[0]}")
        self.widths = widths
        self.sizes = sizes

    def specs(self) -> list[str]:
        return [f"width-{width}|format-{fmt}" for fmt in PICTURE_FORMATS for width in self.widths]

    def image_to_html(self, image, alt_text, extra_attributes=None):
        attributes = {
            **(extra_attributes or {}),
            "alt": alt_text,
            "class": self.classname,
            "sizes": self.sizes,
            "loading": "lazy",
            "decoding": "async",
        }
        renditions = get_renditions_or_not_found(image, [Filter(spec) for spec in self.specs()])
        return Picture(renditions, attributes).__html__()

    def image_to_editor_html(self, image, alt_text):
        """The editor keeps Wagtail's single image: it needs no choice of sizes."""
        return super().image_to_html(image, alt_text, self.editor_attributes(image, alt_text))


# The text column (.prose) is at most 40rem wide, less the page's margins on a phone.
TEXT_WIDTH = "(max-width: 42rem) calc(100vw - 2rem), 40rem"
FLOAT_WIDTH = "(max-width: 34rem) calc(100vw - 2rem), 500px"

for name in ("fullwidth", "left", "right"):
    unregister_image_format(name)
register_image_format(
    PictureFormat("fullwidth", _("Full width"), "richtext-image full-width", (800, 400, 1200), TEXT_WIDTH)
)
register_image_format(PictureFormat("left", _("Left-aligned"), "richtext-image left", (500, 250, 1000), FLOAT_WIDTH))
register_image_format(PictureFormat("right", _("Right-aligned"), "richtext-image right", (500, 250, 1000), FLOAT_WIDTH))
