import operator
import zoneinfo
from functools import reduce

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation import settings as mt_settings

from .models import Webinar

# Enough for a module taught by a team; a bound on what one form looks up.
MAX_COTUTORS = 10


def zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class MemberNamesInput(forms.TextInput):
    """Usernames, comma separated: works without JavaScript; a static script suggests members into a <datalist>."""

    template_name = "seminars/widgets/member_names.html"

    class Media:
        js = ["seminars/member-names.js"]

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id', name)}-suggestions"
        widget_attrs["data-member-suggestions"] = reverse("seminars:member_suggestions")
        return context


class MembersField(forms.CharField):
    """Members named by username, comma separated: the cleaned value is the list of those active members.

    Looked up in one query whatever the size of the membership; a name that is no one's is refused by name.
    """

    widget = MemberNamesInput

    def __init__(self, *, max_members: int = MAX_COTUTORS, **kwargs):
        self.max_members = max_members
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(member.get_username() for member in value)
        return value

    def to_python(self, value) -> list:
        text = super().to_python(value)
        names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
        if len(names) > self.max_members:
            raise forms.ValidationError(
                ngettext("Name at most %(count)d member.", "Name at most %(count)d members.", self.max_members)
                % {"count": self.max_members},
                code="too_many",
            )
        if not names:
            return []
        User = get_user_model()
        field = User.USERNAME_FIELD
        found = {
            getattr(member, field).casefold(): member
            for member in User.objects.filter(**{f"{field}__in": names}, is_active=True)
        }
        # A second query only for a name typed in another case, which the indexed IN does not find.
        missing = [name for name in names if name.casefold() not in found]
        if missing:
            by_case = User.objects.filter(reduce(operator.or_, (Q(**{f"{field}__iexact": n}) for n in missing)))
            for member in by_case.filter(is_active=True):
                found.setdefault(getattr(member, field).casefold(), member)
        unknown = [name for name in names if name.casefold() not in found]
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "No member is called “%(names)s”: check the spelling of the username.",
                    "No members are called “%(names)s”: check the spelling of the usernames.",
                    len(unknown),
                )
                % {"names": "”, “".join(unknown)},
                code="unknown_member",
            )
        return list(dict.fromkeys(found[name.casefold()] for name in names))


class WhenForm(forms.Form):
    """A start in the organiser's own zone, as they read it on their clock."""

    start_date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=600, initial=120)


def cotutors_field() -> MembersField:
    return MembersField(
        label=_("Co-tutors"),
        help_text=_("Usernames of the members who teach this session with you, separated by commas."),
    )


def with_cotutors(tutor, cotutors: list) -> list:
    """The session's tutors: ``tutor`` (who scheduled it, so they stay one) first, then the co-tutors, once each."""
    return list(dict.fromkeys([tutor, *cotutors])) if tutor is not None else list(cotutors)


class EditForm(WhenForm):
    """A session's new time and its co-tutors: every tutor but the one who scheduled it."""

    cotutors = cotutors_field()

    @classmethod
    def initial_for(cls, webinar: Webinar) -> dict:
        local = webinar.local_start
        return {
            "start_date": local.date(),
            "start_time": local.time().replace(second=0, microsecond=0),
            "timezone": webinar.timezone,
            "duration_minutes": webinar.duration_minutes,
            "cotutors": [tutor for tutor in webinar.tutors.all() if tutor.pk != webinar.created_by_id],
        }


def form_audiences():
    """The audiences a tutor picks from: a group's meeting is scheduled by the group's app, which names the group."""
    return [(value, label) for value, label in Webinar.Audience.choices if value != Webinar.Audience.GROUP]


class ScheduleForm(WhenForm):
    audience = forms.ChoiceField(label=_("Who may join"), choices=form_audiences)
    record = forms.BooleanField(label=_("Record the session"), required=False)
    max_participants = forms.IntegerField(label=_("Maximum participants (0: no limit)"), min_value=0, initial=0)
    occurrences = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=52, initial=1)
    every_weeks = forms.IntegerField(label=_("Every how many weeks"), min_value=1, max_value=8, initial=1)
    cotutors = cotutors_field()

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
