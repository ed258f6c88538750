from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import PSEUDONYM_FORMAT, PSEUDONYM_PATTERN, User, timezone_names


def timezone_choices():
    return [("", _("Use my browser’s time zone"))] + [
        (name, name.replace("_", " ")) for name in sorted(timezone_names())
    ]


class ProfileForm(forms.ModelForm):
    # Not required: a form sent without it (an older page) keeps the member's choice.
    shown_as = forms.ChoiceField(
        label=_("Show me to others as"),
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "How other members see you: in course rosters, attendance lists, the member lists of spaces, "
            "wiki histories and on the timebank board."
        ),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=lambda: settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["display_name", "shown_as", "timezone", "language"]
        help_texts = {
            "display_name": _(
                "Others see it if you choose to be shown by your name. "
                "Empty: your first and last names, or else your username."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        member = self.instance
        # Each choice shows what others would read; a pseudonym is only made once it is chosen.
        if member.pseudonym:
            pseudonym = gettext("A pseudonym: %(pseudonym)s") % {"pseudonym": member.pseudonym}
        else:
            pseudonym = gettext("A pseudonym, made for you once and kept (like “%(example)s”)") % {
                "example": PSEUDONYM_FORMAT % {"code": "8f3a"}
            }
        self.fields["shown_as"].choices = [
            (User.ShownAs.NAME, gettext("My name: %(name)s") % {"name": member.own_name}),
            (User.ShownAs.INITIALS, gettext("My initials: %(initials)s") % {"initials": member.initials}),
            (User.ShownAs.PSEUDONYM, pseudonym),
        ]
        self.initial.setdefault("shown_as", member.shown_as)

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"]
        # A name like the site's pseudonyms would pass for another member, live or former.
        if PSEUDONYM_PATTERN.match(name):
            raise forms.ValidationError(
                _("That looks like a pseudonym the site gives to members: choose another name."), code="pseudonym"
            )
        return name

    def clean_shown_as(self) -> str:
        return self.cleaned_data["shown_as"] or self.instance.shown_as

    def save(self, commit: bool = True) -> User:
        member = super().save(commit)
        if commit and member.shown_as == User.ShownAs.PSEUDONYM:
            member.ensure_pseudonym()
        return member


class ClosingForm(forms.Form):
    """A closing's own fields, then a check box for each choice the apps offer (suite.privacy)."""

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        for option in options:
            self.fields[option.name] = forms.BooleanField(label=option.label, help_text=option.help, required=False)

    def chosen_options(self) -> set[str]:
        return {name for name, value in self.cleaned_data.items() if name not in self.base_fields and value}


class CloseAccountForm(ClosingForm):
    """The member closing their own account confirms with their password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password


class StaffCloseAccountForm(ClosingForm):
    """Staff closing a member's account say why; the reason is kept with the closure."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
