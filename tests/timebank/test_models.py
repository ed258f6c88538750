"""Every model of the timebank names itself, one and many, in English and in Turkish (the admin shows them)."""

import pytest
from django.utils import translation

from timebank.models import Account, ExchangeRequest, Offer, Transfer

NAMES = {
    Account: {
        "en": ("timebank account", "timebank accounts"),
        "tr": ("zaman bankası hesabı", "zaman bankası hesapları"),
    },
    Transfer: {"en": ("transfer", "transfers"), "tr": ("aktarım", "aktarımlar")},
    Offer: {
        "en": ("offer or request", "offers and requests"),
        "tr": ("teklif ya da talep", "teklifler ve talepler"),
    },
    ExchangeRequest: {
        "en": ("exchange request", "exchange requests"),
        "tr": ("takas talebi", "takas talepleri"),
    },
}


@pytest.mark.parametrize("language", ["en", "tr"])
@pytest.mark.parametrize("model", NAMES, ids=lambda model: model.__name__)
def test_each_model_has_its_names_one_and_many_in_the_language(model, language):
    with translation.override(language):
        names = (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))

    assert names == NAMES[model][language]


def test_every_model_of_the_app_is_named_here():
    from django.apps import apps

    assert set(apps.get_app_config("timebank").get_models()) == set(NAMES)
