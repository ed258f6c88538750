from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User, timezone_names


def timezone_choices():
    return [("", _("Use my browser’s time zone"))] + [
        (name, name.replace("_", " ")) for name in sorted(timezone_names())
    ]


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=lambda: settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["display_name", "timezone", "language"]
