"""Every model of courses is named, in the singular and the plural, in English and Turkish."""

import pytest
from django.apps import apps
from django.utils import translation

NAMES = {
    "courseindexpage": (("course index", "course indexes"), ("kurs listesi", "kurs listeleri")),
    "coursemodulepage": (("course module", "course modules"), ("kurs modülü", "kurs modülleri")),
    "courseunit": (("unit", "units"), ("ünite", "üniteler")),
    "enrolment": (("enrolment", "enrolments"), ("kayıt", "kayıtlar")),
    "enrolmentevent": (("enrolment event", "enrolment events"), ("kayıt olayı", "kayıt olayları")),
    "unitcompletion": (("unit completion", "unit completions"), ("ünite tamamlama", "ünite tamamlamaları")),
}


def names(model, language: str) -> tuple[str, str]:
    with translation.override(language):
        return str(model._meta.verbose_name), str(model._meta.verbose_name_plural)


@pytest.mark.parametrize(("language", "column"), [("en", 0), ("tr", 1)])
def test_every_model_has_its_names_in_each_language(language, column):
    models = {model._meta.model_name: model for model in apps.get_app_config("courses").get_models()}
    assert set(models) == set(NAMES)
    assert {name: names(model, language) for name, model in models.items()} == {
        name: both[column] for name, both in NAMES.items()
    }
