import functools

from django.conf import global_settings, settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _

COMMONS = "commons"


def language_choices() -> tuple[tuple[str, str], ...]:
    """Languages an offer may be written in: the site's first, then every other Django knows."""
    return _language_choices(get_language(), tuple(settings.LANGUAGES))


@functools.cache
def _language_choices(language: str, site: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Named and sorted once per language: a page with the board's filters asks three times."""
    with override(language):
        known = {code for code, _name in site}
        others = sorted(
            ((code, gettext(name)) for code, name in global_settings.LANGUAGES if code not in known),
            key=lambda choice: choice[1],
        )
        return tuple((code, gettext(name)) for code, name in site) + tuple(others)


class Account(models.Model):
    """Hours held in minutes, by a member or by a system account (the commons that issues credits).

    The balance is a running total of the transfers, kept on the row so that a transfer can lock
    it and check the limits; ``timebank_audit`` recomputes it from the ledger.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # who gave and received hours stays in the ledger
        related_name="timebank_account",
    )
    system_name = models.SlugField(_("system name"), max_length=50, null=True, blank=True, unique=True)
    min_balance = models.IntegerField(
        _("minimum balance (minutes)"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    max_balance = models.IntegerField(
        _("maximum balance (minutes)"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    balance = models.BigIntegerField(_("balance (minutes)"), default=0, editable=False)
    closed = models.BooleanField(_("closed"), default=False)
    # When its member's account on the site was closed (timebank.privacy): this one closed with it,
    # for good, and the mails of the requests it cancelled say so rather than blame a coordinator.
    left_at = models.DateTimeField(_("member left"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timebank account")
        verbose_name_plural = _("timebank accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, system_name__isnull=True)
                | Q(member__isnull=True, system_name__isnull=False),
                name="timebank_account_member_or_system",
            ),
            models.CheckConstraint(
                condition=Q(min_balance__isnull=True) | Q(balance__gte=F("min_balance")),
                name="timebank_account_balance_above_minimum",
            ),
            models.CheckConstraint(
                condition=Q(max_balance__isnull=True) | Q(balance__lte=F("max_balance")),
                name="timebank_account_balance_below_maximum",
            ),
        ]

    def __str__(self) -> str:
        return str(self.member) if self.member_id else self.system_name


class Transfer(models.Model):
    """One movement of minutes from payer to payee. Append-only: a correction is a reversal."""

    class Kind(models.TextChoices):
        TUTORING = "tutoring", _("tutoring")
        EXCHANGE = "exchange", _("exchange")
        GIFT = "gift", _("gift")
        GRANT = "grant", _("grant")
        REVERSAL = "reversal", _("reversal")

    payer = models.ForeignKey(Account, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="payments")
    payee = models.ForeignKey(Account, verbose_name=_("payee"), on_delete=models.PROTECT, related_name="receipts")
    minutes = models.IntegerField(_("minutes"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    memo = models.TextField(_("memo"), blank=True)
    # What it pays for, named as "<app>.<model>:<pk>" (e.g. "seminars.webinar:42"): timebank knows no other app.
    reference = models.CharField(_("reference"), max_length=200, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=200, unique=True, editable=False)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Each side's balance once this transfer moved it, written while both account rows are locked:
    # a statement page reads it from its own rows instead of adding up the account's whole ledger.
    # (Never in a form, so no translated verbose name.)
    payer_balance_after = models.BigIntegerField(editable=False)
    payee_balance_after = models.BigIntegerField(editable=False)
    # The mail outbox of gifts and grants: set when the payee is to be told, cleared once they were.
    payee_notice_due = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["created_at", "id"]
        indexes = [
            # For the statement's join to each row's reversal. The unique index of ``reverses`` holds
            # every row, nearly all NULL, and SQLite's ANALYZE takes them for one value shared by
            # the whole ledger, so it scanned the table for each row of the page instead; this one
            # holds only the reversals.
            models.Index(fields=["reverses"], condition=Q(reverses__isnull=False), name="timebank_transfer_reversals"),
            # The sweep's: only the few transfers whose mail has not gone yet.
            models.Index(
                fields=["created_at"], condition=Q(payee_notice_due=True), name="timebank_transfer_notice_due"
            ),
        ]
        permissions = [
            ("reverse_transfer", _("Can reverse a transfer")),
            ("grant_credit", _("Can grant credit from the commons")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="timebank_transfer_minutes_positive"),
            models.CheckConstraint(condition=~Q(payer=F("payee")), name="timebank_transfer_not_to_self"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="timebank_transfer_reversal_reverses_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min {self.payer} → {self.payee} ({self.kind})"


class Offer(models.Model):
    """What a member can give or needs, on the board; the exchange itself is an ``ExchangeRequest``."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("I can give")
        REQUEST = "request", _("I need")

    class Category(models.TextChoices):
        TEACHING = "teaching", _("Teaching and tutoring")
        TRANSLATION = "translation", _("Translation and interpretation")
        DIGITAL = "digital", _("Digital skills")
        ORGANISING = "organising", _("Organising and campaigning")
        LEGAL = "legal", _("Legal and rights advice")
        WRITING = "writing", _("Writing and editing")
        MEDIA = "media", _("Design and media")
        CARE = "care", _("Care and practical help")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("on the board")
        CLOSED = "closed", _("closed")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="timebank_offers"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    # Any language a member writes in (Django's list), not only the site's: a migrant worker's offer
    # in Arabic belongs on the board too.
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The title and description folded for the board's search (timebank.search), written with them.
    # (Never in a form, so no translated verbose name.)
    search_text = models.TextField(blank=True, editable=False)
    # A coordinator changed or withdrew someone else's post: who, and the author's mail still owed (an outbox).
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    author_notice_due = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offer or request")
        verbose_name_plural = _("offers and requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "kind", "category", "language", "-created_at"], name="timebank_offer_board"),
            models.Index(fields=["status", "-created_at"], name="timebank_offer_recent"),
            models.Index(fields=["author", "-created_at"], name="timebank_offer_author"),
            models.Index(fields=["updated_at"], condition=Q(author_notice_due=True), name="timebank_offer_notice_due"),
        ]

    def __str__(self) -> str:
        return self.title


class ExchangeRequest(models.Model):
    """A member who helped asks the one helped to confirm the hours; confirming pays them.

    Nothing moves until the debtor confirms, so no one can take hours from another's account.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed and paid")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", pgettext_lazy("exchange request", "withdrawn")
        EXPIRED = "expired", _("expired")
        CLOSED = "closed", pgettext_lazy("exchange request", "cancelled: an account was closed")

    class Side(models.TextChoices):
        CREDITOR = "creditor", _("the member who asks")
        DEBTOR = "debtor", _("the member asked")

    creditor = models.ForeignKey(
        Account, verbose_name=_("asks to be paid"), on_delete=models.PROTECT, related_name="credit_requests"
    )
    debtor = models.ForeignKey(
        Account, verbose_name=_("asked to pay"), on_delete=models.PROTECT, related_name="debit_requests"
    )
    minutes = models.IntegerField(_("minutes"))
    memo = models.TextField(_("what for"), max_length=500)
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("offer or request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_requests",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Made by the server into the creditor's form: the same form sent twice asks once.
    form_token = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=500, blank=True)
    # Whose account a coordinator closed, when that cancelled the request: each side's mail says so.
    closed_side = models.CharField(_("account closed"), max_length=10, choices=Side.choices, blank=True, editable=False)
    transfer = models.OneToOneField(
        Transfer,
        verbose_name=_("transfer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_request",
    )
    # The mail outbox: when the debtor was told of the request, and the creditor of its outcome.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("exchange request")
        verbose_name_plural = _("exchange requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["debtor", "status", "-created_at"], name="timebank_request_debtor"),
            models.Index(fields=["creditor", "status", "-created_at"], name="timebank_request_creditor"),
            models.Index(fields=["status", "expires_at"], name="timebank_request_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="timebank_request_minutes_positive"),
            models.CheckConstraint(condition=~Q(creditor=F("debtor")), name="timebank_request_not_to_self"),
            models.CheckConstraint(
                condition=Q(status="confirmed", transfer__isnull=False)
                | (~Q(status="confirmed") & Q(transfer__isnull=True)),
                name="timebank_request_confirmed_has_transfer",
            ),
            models.UniqueConstraint(
                fields=["creditor", "form_token"],
                condition=~Q(form_token=""),
                name="timebank_request_one_per_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min {self.debtor} → {self.creditor} ({self.status})"

    @property
    def reference(self) -> str:
        """How the transfer that pays it names it (see ``Transfer.reference``)."""
        return f"timebank.exchangerequest:{self.pk}"
