from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from .conf import app_settings
from .models import Revision, WikiPage
from .selectors import MAX_NUMBER, member_named, page_by_id

SEARCH_MAX_LENGTH = 200


class TextArea(forms.Textarea):
    """A browser's hint of the size limit, read when the form is shown (so a changed setting shows at once)."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, value, {**(attrs or {}), "maxlength": app_settings.MAX_TEXT_BYTES})


class TextField(forms.CharField):
    """The Markdown as written (the service normalises it); its size is checked by the service, in bytes."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Text"),
            required=False,
            strip=False,
            help_text=_(
                "Markdown. Link to another wiki page with [[Page name]] or [[Page name|words to show]]; "
                "footnotes with [^1]."
            ),
            widget=TextArea(attrs={"rows": 20}),
            **kwargs,
        )


def summary_field() -> forms.CharField:
    max_length = Revision._meta.get_field("summary").max_length
    return forms.CharField(
        label=_("Edit summary"),
        required=False,
        max_length=max_length,
        help_text=_("A few words on what you changed and why; shown in the history."),
    )


class PageField(forms.CharField):
    """A page by its id, in a hidden input: the page a new one translates, if ``reader`` may see it."""

    widget = forms.HiddenInput
    reader = None

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        page = page_by_id(value, reader=self.reader)
        if page is None:
            raise forms.ValidationError(_("The page this should translate no longer exists."), code="invalid_choice")
        return page


class PageEditForm(forms.Form):
    text = TextField()
    summary = summary_field()
    # The revision the editor started from: a save on top of a newer one is merged, never lost.
    base_number = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_NUMBER)


class PageCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=WikiPage._meta.get_field("title").max_length,
        help_text=_("The page's address is made from its title."),
        error_messages={"required": _("Give the page a title.")},
    )
    text = TextField()
    summary = summary_field()
    tags = TagField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas, e.g. research, organising.")
    )
    translation_of = PageField(required=False)

    def __init__(self, *args, reader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["translation_of"].reader = reader


class PreviewForm(forms.Form):
    text = TextField()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the wiki"), max_length=SEARCH_MAX_LENGTH, required=False)


class RecentChangesForm(forms.Form):
    member = forms.CharField(label=_("Member (username)"), required=False, max_length=150)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]

    def clean_member(self):
        username = self.cleaned_data["member"].strip()
        if not username:
            return None
        member = member_named(username)
        if member is None:
            raise forms.ValidationError(_("No member has the username “%(username)s”."), params={"username": username})
        return member


class MediaWikiLinkForm(forms.Form):
    """Keep a page in step with a page of a MediaWiki: its API address, its title there, and whether to push.

    The address is checked by the sync itself (http or https, not a private network, a MediaWiki
    answering), which says what is wrong with it.
    """

    api_url = forms.URLField(
        label=_("API address of the other wiki"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The address of its api.php, e.g. https://wiki.p2pfoundation.net/api.php"),
        error_messages={"required": _("Give the address of the other wiki's api.php.")},
    )
    title = forms.CharField(
        label=_("Title of the page there"),
        max_length=255,
        required=False,
        help_text=_("As the other wiki writes it; this page's own title unless it differs there."),
    )
    push = forms.BooleanField(
        label=_("Push edits made here to that wiki"),
        required=False,
        help_text=_(
            "With the sync's bot password. An edit made there meanwhile is brought here and merged, never overwritten."
        ),
    )
