"""Translated fields (django-modeltranslation); every Page subclass is registered here."""

from modeltranslation.translator import TranslationOptions, register

from .models import HomePage, StandardPage


@register(HomePage)
class HomePageTranslation(TranslationOptions):
    fields = ("intro", "body")


@register(StandardPage)
class StandardPageTranslation(TranslationOptions):
    fields = ("intro", "body")
