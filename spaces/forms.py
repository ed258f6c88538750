from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings

from seminars.forms import WhenForm

from .models import Space


class SpaceForm(forms.Form):
    """A space's name and purpose in each language (the default one required), and how it is joined and seen."""

    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Space.Visibility.choices)
    joining = forms.ChoiceField(label=_("How members join"), choices=Space.Joining.choices)
    member_limit = forms.IntegerField(label=_("Member limit (empty: no limit)"), min_value=1, required=False)
    waiting_list = forms.BooleanField(label=_("Keep a waiting list when the space is full"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        texts = {}
        for code in mt_settings.AVAILABLE_LANGUAGES:
            language = names.get(code, code)
            texts[f"name_{code}"] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": language},
                max_length=200,
                required=code == mt_settings.DEFAULT_LANGUAGE,
            )
            texts[f"purpose_{code}"] = forms.CharField(
                label=_("Purpose (%(language)s)") % {"language": language}, required=False, widget=forms.Textarea
            )
        self.fields = {**texts, **self.fields}

    @classmethod
    def initial_of(cls, space: Space) -> dict:
        initial = {field: getattr(space, field) for field in ("visibility", "joining", "member_limit", "waiting_list")}
        for code in mt_settings.AVAILABLE_LANGUAGES:
            for field in ("name", "purpose"):
                initial[f"{field}_{code}"] = getattr(space, f"{field}_{code}", "")
        return initial

    def name(self) -> str:
        return self.cleaned_data[f"name_{mt_settings.DEFAULT_LANGUAGE}"]

    def translations(self) -> dict:
        return {
            f"{field}_{code}": (self.cleaned_data[f"{field}_{code}"] or "").strip()
            for code in mt_settings.AVAILABLE_LANGUAGES
            for field in ("name", "purpose")
        }

    def settings(self) -> dict:
        return {field: self.cleaned_data[field] for field in ("visibility", "joining", "member_limit", "waiting_list")}


class MeetingForm(WhenForm):
    """The space's regular meeting: the first one in the organiser's zone, then every so many weeks."""

    every_weeks = forms.IntegerField(label=_("Every how many weeks"), min_value=1, max_value=8, initial=2)
    occurrences = forms.IntegerField(label=_("Number of meetings"), min_value=1, max_value=52, initial=6)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title (optional)"), max_length=255, required=False)
