import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Offer, language_choices
from .services.checks import MAX_TRANSFER_MINUTES


class MemberField(forms.CharField):
    """A member named by username, as members who know each other tell it; the member (a user) when valid.

    No page other members read shows a username (members choose how they are shown), so it is asked
    of the member themselves.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault("help_text", _("Their username on the site (ask them for it)."))
        super().__init__(**kwargs)

    def clean(self, value):
        username = super().clean(value).strip()
        if not username:
            return None
        # Lower() on both sides, not iexact: the same folding in the database, and an index can serve it.
        members = get_user_model().objects.alias(folded=Lower("username"))
        member = members.filter(folded=Lower(Value(username)), is_active=True).first()
        if member is None:
            raise forms.ValidationError(_("No member has the username %(name)s."), params={"name": username})
        return member


class TokenForm(forms.Form):
    """A form that carries a token made on the server, so that the same form sent twice acts once."""

    form_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())

    def clean_form_token(self) -> str:
        return str(self.cleaned_data["form_token"])


class AmountForm(TokenForm):
    """An amount as hours and minutes ("1 h 30 min"), checked to be a positive whole number of minutes."""

    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=MAX_TRANSFER_MINUTES // 60, initial=1)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=59, initial=0)
    memo = forms.CharField(label=_("What for"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if "hours" in data and "minutes" in data:
            data["total_minutes"] = data["hours"] * 60 + data["minutes"]
            if data["total_minutes"] <= 0:
                raise forms.ValidationError(_("Give at least one minute."), code="zero")
        return data


class ExchangeForm(AmountForm):
    """ "I helped X for 1 h 30 min": X is asked to confirm, and confirming pays the hours."""

    debtor = MemberField(label=_("Whom you helped"))
    offer = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["debtor", "hours", "minutes", "memo"]

    def __init__(self, *args, debtor=None, **kwargs):
        """``debtor``: the member already known (the author of the post it is for), taken as given: no
        field asks for them, and their username is neither shown nor sent."""
        super().__init__(*args, **kwargs)
        self.debtor = debtor
        if debtor is not None:
            del self.fields["debtor"]

    def clean(self):
        data = super().clean()
        if self.debtor is not None:
            if not self.debtor.is_active:
                raise forms.ValidationError(
                    _("%(member)s is no longer a member: no exchange can be recorded with them."),
                    params={"member": self.debtor},
                    code="inactive",
                )
            data["debtor"] = self.debtor
        return data


class GiftForm(AmountForm):
    MEMBER, COMMONS = "member", "commons"

    recipient = forms.ChoiceField(
        label=_("Give to"),
        choices=[(MEMBER, _("A member")), (COMMONS, _("The NLU commons, for everyone"))],
        initial=MEMBER,
        widget=forms.RadioSelect,
    )
    member = MemberField(label=_("Member"), required=False)
    memo = forms.CharField(label=_("Message"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["recipient", "member", "hours", "minutes", "memo"]

    def clean(self):
        data = super().clean()
        if data.get("recipient") == self.MEMBER and not data.get("member") and "member" not in self.errors:
            self.add_error("member", _("Give the username of the member."))
        return data


class GrantForm(AmountForm):
    """A coordinator issues hours from the commons to a member."""

    member = MemberField(label=_("Member"))

    field_order = ["member", "hours", "minutes", "memo"]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reversal"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class LimitsForm(forms.Form):
    """Limits in whole hours; empty means no limit."""

    min_hours = forms.IntegerField(
        label=_("May go down to (hours)"),
        required=False,
        min_value=-(MAX_TRANSFER_MINUTES // 60),
        max_value=0,
        help_text=_("For example -10. Empty: no lower limit."),
    )
    max_hours = forms.IntegerField(
        label=_("May hold at most (hours)"),
        required=False,
        min_value=0,
        max_value=MAX_TRANSFER_MINUTES // 60,
        help_text=_("For example 100. Empty: no upper limit."),
    )

    def minutes(self, name: str) -> int | None:
        value = self.cleaned_data[name]
        return None if value is None else value * 60


class OfferForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Do you offer help or need it?"), choices=Offer.Kind.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("Category"), choices=Offer.Category.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What, when, where or online, in your own words."),
    )
    language = forms.ChoiceField(label=_("Language it is written in"), choices=language_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("language", get_language())


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Offer.Kind.choices])
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("All")), *Offer.Category.choices])
    language = forms.ChoiceField(label=_("Language"), required=False)
    mine = forms.BooleanField(label=_("Only mine, closed ones too"), required=False)

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs):
        """``languages``: those on the board now; any other known one may still be asked for by link."""
        super().__init__(*args, **kwargs)
        known = dict(language_choices())
        asked = self.data.get("language", "")
        if asked in known and asked not in dict(languages):
            languages = [*languages, (asked, known[asked])]
        self.fields["language"].choices = [("", _("All")), *languages]
