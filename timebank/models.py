from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

COMMONS = "commons"


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("timebank account")
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        ordering = ["created_at", "id"]
        permissions = [("reverse_transfer", _("Can reverse a transfer"))]
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
