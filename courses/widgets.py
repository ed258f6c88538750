from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse


def member_label(member) -> str:
    """How a member is named in a chooser: their name, and their username where that differs."""
    name, username = str(member), member.get_username()
    return name if name == username else f"{name} ({username})"


class MemberChooser(forms.CheckboxSelectMultiple):
    """The members chosen so far as ticked boxes, and a search that adds more (courses/member-chooser.js).

    A select of every user would put the whole membership into the page; this renders only the
    chosen few (one query), and finds the others through the admin's suggestions URL, which asks
    ``suite.members.search_members``. Without JavaScript a chosen member can still be unticked.
    """

    template_name = "courses/widgets/member_chooser.html"

    class Media:
        js = ["courses/member-chooser.js"]

    def optgroups(self, name, value, attrs=None):
        options = [
            self.create_option(name, str(member.pk), member_label(member), True, index, attrs=attrs)
            for index, member in enumerate(self.chosen_members(value))
        ]
        return [(None, options, 0)]

    @staticmethod
    def chosen_members(value) -> list:
        User = get_user_model()
        try:
            return list(User.objects.filter(pk__in=[pk for pk in value if pk]).order_by(User.USERNAME_FIELD))
        except (ValueError, TypeError, ValidationError):  # a tampered form: the field refuses it anyway
            return []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["suggestions_url"] = reverse("courses_member_suggestions")
        return context
