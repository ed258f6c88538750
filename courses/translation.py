"""Translated fields (django-modeltranslation); every Page subclass is registered here."""

from modeltranslation.translator import TranslationOptions, register

from .models import CourseIndexPage, CourseModulePage, CourseUnit


@register(CourseIndexPage)
class CourseIndexPageTranslation(TranslationOptions):
    fields = ("intro",)


@register(CourseModulePage)
class CourseModulePageTranslation(TranslationOptions):
    fields = ("summary", "body", "audience", "outcomes")


@register(CourseUnit)
class CourseUnitTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
