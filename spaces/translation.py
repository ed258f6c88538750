"""Translated fields (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Space


@register(Space)
class SpaceTranslation(TranslationOptions):
    fields = ("name", "purpose")
