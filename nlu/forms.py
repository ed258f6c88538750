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


class CloseAccountForm(forms.Form):
    """The member's password, and the choices the apps offer a member who leaves (suite.privacy)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )

    def __init__(self, *args, member, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        for option in options:
            self.fields[option.name] = forms.BooleanField(label=option.label, help_text=option.help, required=False)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password

    def chosen_options(self) -> set[str]:
        return {name for name, value in self.cleaned_data.items() if name != "password" and value}


class StaffCloseAccountForm(forms.Form):
    """Staff closing a member's account say why; the apps' choices are theirs to make then."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        for option in options:
            self.fields[option.name] = forms.BooleanField(label=option.label, help_text=option.help, required=False)

    def chosen_options(self) -> set[str]:
        return {name for name, value in self.cleaned_data.items() if name != "reason" and value}
