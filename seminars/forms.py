import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings

from .models import Webinar


def zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class WhenForm(forms.Form):
    """A start in the organiser's own zone, as they read it on their clock."""

    start_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=600, initial=120)


def form_audiences():
    """The audiences a tutor picks from: a group's meeting is scheduled by the group's app, which names the group."""
    return [(value, label) for value, label in Webinar.Audience.choices if value != Webinar.Audience.GROUP]


class ScheduleForm(WhenForm):
    audience = forms.ChoiceField(label=_("Who may join"), choices=form_audiences)
    record = forms.BooleanField(label=_("Record the session"), required=False)
    max_participants = forms.IntegerField(label=_("Maximum participants (0: no limit)"), min_value=0, initial=0)
    occurrences = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=52, initial=1)
    every_weeks = forms.IntegerField(label=_("Every how many weeks"), min_value=1, max_value=8, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        for code in reversed(mt_settings.AVAILABLE_LANGUAGES):
            name, required = names.get(code, code), code == mt_settings.DEFAULT_LANGUAGE
            self.fields = {
                f"title_{code}": forms.CharField(
                    label=_("Title (%(language)s)") % {"language": name}, required=required
                ),
                f"description_{code}": forms.CharField(
                    label=_("Description (%(language)s)") % {"language": name}, required=False, widget=forms.Textarea
                ),
                **self.fields,
            }

    def title(self) -> str:
        """The title in modeltranslation's default language, which a host's LANGUAGE_CODE (en-us) may not name."""
        return self.cleaned_data[f"title_{mt_settings.DEFAULT_LANGUAGE}"]

    def translations(self) -> dict:
        return {
            f"{field}_{code}": self.cleaned_data[f"{field}_{code}"]
            for code in mt_settings.AVAILABLE_LANGUAGES
            for field in ("title", "description")
        }
