import re
import secrets
from functools import cache
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


@cache
def timezone_names() -> frozenset[str]:
    """IANA zone names known to this machine (read from disk once per process)."""
    return frozenset(available_timezones())


def validate_timezone(value: str) -> None:
    if value and value not in timezone_names():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def validate_language(value: str) -> None:
    if value and value not in dict(settings.LANGUAGES):
        raise ValidationError(_("“%(value)s” is not a language of this site."), params={"value": value})


# A member's pseudonym, in no language: the same words on every page, so others can tell them apart.
PSEUDONYM_FORMAT = "member %(code)s"
# What a pseudonym the site gives looks like, the live ("member 8f3a") and the closed ("former member 8f3a"):
# no member may take one as display name.
PSEUDONYM_PATTERN = re.compile(r"^\s*(former\s+)?member\s+[0-9a-f]{4,}\s*$", re.IGNORECASE)


class User(AbstractUser):
    """A member. Time zone and language are empty until chosen: the browser's are used then."""

    class ShownAs(models.TextChoices):
        NAME = "name", _("My name")
        INITIALS = "initials", _("My initials")
        PSEUDONYM = "pseudonym", _("A pseudonym")

    display_name = models.CharField(
        _("display name"), max_length=150, blank=True, help_text=_("How other members see you.")
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_timezone])
    # Validated against settings.LANGUAGES rather than fixed choices, so adding a language to
    # the site needs no migration.
    language = models.CharField(_("language"), max_length=10, blank=True, validators=[validate_language])
    shown_as = models.CharField(_("shown to others as"), max_length=10, choices=ShownAs.choices, default=ShownAs.NAME)
    # "member 8f3a", made once when first needed and kept, so a pseudonym stays the same person's.
    pseudonym = models.CharField(_("pseudonym"), max_length=40, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        # Members find each other by username in any case (timebank, wiki): without this index
        # each lookup of Lower(username) read every member.
        indexes = [models.Index(Lower("username"), name="nlu_user_username_lower")]

    def __str__(self) -> str:
        """How every page and mail names this member to others: as they chose on their profile."""
        return self.shown_name

    @property
    def shown_name(self) -> str:
        if self.shown_as == self.ShownAs.INITIALS:
            return self.initials
        if self.shown_as == self.ShownAs.PSEUDONYM:
            return self.ensure_pseudonym()
        return self.own_name

    @property
    def own_name(self) -> str:
        """The member's name: their display name, else their first and last names, else their username."""
        return self.display_name.strip() or self.get_full_name() or self.get_username()

    @property
    def initials(self) -> str:
        """The initials ("A. K."): of each word of the display name, else of the names, else of the username."""
        words = (self.display_name or f"{self.first_name} {self.last_name}").split()
        if not words:
            # "ayse.kaya", "ayse_kaya" or "ayse-kaya" are two words too.
            words = re.split(r"[\W_]+", self.get_username())
        letters = [next((c for c in word if c.isalnum()), "") for word in words]
        initials = " ".join(f"{letter.upper()}." for letter in letters if letter)
        # A username of signs only ("@.+") has no letter to give: the pseudonym names them then.
        return initials or self.ensure_pseudonym()

    def ensure_pseudonym(self) -> str:
        """The member's pseudonym ("member 8f3a"), made the first time it is needed and kept.

        Random, so nothing in it leads back to the member; its code is no other member's, live or
        former ("former member 8f3a"), and no one's display name: it grows a digit until it is not.
        """
        if self.pseudonym:
            return self.pseudonym
        size = 4
        while True:
            code = secrets.token_hex(size // 2 + 1)[:size]
            pseudonym = PSEUDONYM_FORMAT % {"code": code}
            taken = Q(pseudonym__endswith=f" {code}") | Q(display_name__iexact=pseudonym)
            if not User.objects.filter(taken).exists():
                break
            size += 1
        if self.pk is not None:
            # Made once: a request that made it meanwhile has its own kept, and this one reads it.
            if not User.objects.filter(pk=self.pk, pseudonym="").update(pseudonym=pseudonym):
                pseudonym = User.objects.filter(pk=self.pk).values_list("pseudonym", flat=True).get() or pseudonym
        self.pseudonym = pseudonym
        return pseudonym


class TextPage(Page):
    """An intro and a rich-text body, both translated."""

    intro = models.TextField(_("intro"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        abstract = True


class HomePage(TextPage):
    template = "nlu/text_page.html"
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class StandardPage(TextPage):
    """A plain page of text: about, code of conduct, how NLU works."""

    template = "nlu/text_page.html"

    class Meta:
        verbose_name = _("standard page")


class OutgoingEmail(models.Model):
    """An e-mail stored before it is sent, so that a mail server or broker outage loses nothing."""

    subject = models.CharField(max_length=998)
    body = models.TextField()
    html = models.TextField(blank=True)
    from_email = models.CharField(max_length=320)
    to = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class AccountClosure(models.Model):
    """A closed account: the member row stays, renamed to a pseudonym, so history still reads.

    Kept for the record of who closed it and why: the member themself (``closed_by`` empty) or
    staff, who must give a reason.
    """

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="closure")
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.member} closed {self.closed_at:%Y-%m-%d}"


class DataExport(models.Model):
    """A member's download of their data, built by a worker and fetched once through a mailed link.

    Only the SHA-256 of the link's token is kept, so the table does not hold working links.
    """

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"data export of {self.member} ({self.created_at:%Y-%m-%d})"
