from modeltranslation.translator import TranslationOptions, register

from .models import Webinar


@register(Webinar)
class WebinarTranslation(TranslationOptions):
    fields = ("title", "description")
