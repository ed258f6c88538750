"""What is kept about members goes once its time is past (issue 20; docs/privacy.md, "Retention").

Run daily by beat (``nlu.tasks.apply_retention``) or by ``manage.py apply_retention``. Each step
deletes in batches, each batch its own short transaction (no unbounded memory, no long lock), and
is idempotent: what is done is not found again. A setting of 0 days keeps that data for ever.

- ``NLU_RETAIN_ATTENDANCE_DAYS`` (365): attendance details, through seminars' own rule
  (``seminars.services.attendance_details_clear``): when each one came and went and the name given
  to BBB go, the minutes stay.
- ``NLU_RETAIN_EMAIL_DAYS`` (90): sent e-mails in the outbox; those not yet sent are kept.
- ``NLU_RETAIN_UNVERIFIED_DAYS`` (14): sign-ups that never confirmed their address and never
  signed in are deleted with their rows.
- Data downloads (``nlu/exports.py``): the file of an expired one goes at once, its row
  ``NLU_EXPORT_DAYS`` later (until then its link says it expired rather than that it is unknown);
  files in ``NLU_EXPORT_DIR`` that no download names, older than a day, go too.
"""

import datetime
import logging
import time

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, RestrictedError
from django.utils import timezone

from seminars import services as seminars_services

from . import exports
from .models import AccountClosure, DataExport, OutgoingEmail

logger = logging.getLogger(__name__)

BATCH = 500
# A file in the export folder that no download names (a build that died) is left this long first.
ORPHAN_FILE_AGE = datetime.timedelta(days=1)


def cutoff(setting: str, now: datetime.datetime) -> datetime.datetime | None:
    """The moment before which what the ``setting`` keeps is past its time; None to keep it for ever (0)."""
    days = max(0, getattr(settings, setting))
    return now - datetime.timedelta(days=days) if days else None


def delete_in_batches(queryset, *, batch: int = BATCH) -> int:
    """Delete what ``queryset`` selects, ``batch`` rows at a time; how many rows of its model went."""
    deleted = 0
    while True:
        with transaction.atomic():
            pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
            if pks:
                deleted += queryset.model.objects.filter(pk__in=pks).delete()[1].get(queryset.model._meta.label, 0)
        if len(pks) < batch:
            return deleted


def attendance_details_clear(*, now: datetime.datetime) -> int:
    before = cutoff("NLU_RETAIN_ATTENDANCE_DAYS", now)
    return 0 if before is None else seminars_services.attendance_details_clear(before=before, batch_size=BATCH)


def sent_emails_delete(*, now: datetime.datetime) -> int:
    before = cutoff("NLU_RETAIN_EMAIL_DAYS", now)
    if before is None:
        return 0
    return delete_in_batches(OutgoingEmail.objects.filter(sent_at__isnull=False, sent_at__lt=before))


def unverified_signups(*, before: datetime.datetime):
    """Members who signed up before ``before``, never confirmed an address and never signed in.

    Only sign-ups: a member with no address row at all (made by staff or ``createsuperuser``) is
    not one, nor staff, nor a closed account (kept under its pseudonym for history).
    """
    addresses = EmailAddress.objects.filter(user=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(date_joined__lt=before, last_login__isnull=True, is_staff=False, is_superuser=False)
        .filter(Exists(addresses))
        .exclude(Exists(addresses.filter(verified=True)))
        .exclude(Exists(AccountClosure.objects.filter(member=OuterRef("pk"))))
    )


def unverified_signups_delete(*, now: datetime.datetime) -> int:
    """Delete the unconfirmed sign-ups past their time, with the rows that cascade from them.

    The conditions are asked again in the deleting transaction, so a member who confirms meanwhile
    stays. One whom something protects (a ledger row) is left, and logged: a person must look.
    """
    before = cutoff("NLU_RETAIN_UNVERIFIED_DAYS", now)
    if before is None:
        return 0
    User = get_user_model()
    deleted, last_pk = 0, 0
    while True:
        past = unverified_signups(before=before).filter(pk__gt=last_pk).order_by("pk")
        pks = list(past.values_list("pk", flat=True)[:BATCH])
        for pk in pks:
            try:
                with transaction.atomic():
                    deleted += unverified_signups(before=before).filter(pk=pk).delete()[1].get(User._meta.label, 0)
            except (ProtectedError, RestrictedError):
                logger.warning("Unconfirmed sign-up %s is past its time but other rows protect it: not deleted", pk)
        if len(pks) < BATCH:
            return deleted
        last_pk = pks[-1]


def data_exports_delete(*, now: datetime.datetime) -> int:
    """Expired downloads: their files now (exports.data_exports_sweep), their rows after a grace."""
    exports.data_exports_sweep(now=now)
    grace = datetime.timedelta(days=exports.export_days())
    deleted = delete_in_batches(DataExport.objects.filter(expires_at__lte=now - grace, file_name=""))
    folder = exports.export_dir()
    if folder.is_dir():
        named = set(DataExport.objects.exclude(file_name="").values_list("file_name", flat=True))
        old = time.time() - ORPHAN_FILE_AGE.total_seconds()
        for path in folder.iterdir():
            if path.is_file() and path.name not in named and path.stat().st_mtime < old:
                path.unlink(missing_ok=True)
    return deleted


def retention_apply(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every step, each counted: {"attendance_details": cleared rows, "emails": ..., ...}."""
    now = now or timezone.now()
    counts = {
        "attendance_details": attendance_details_clear(now=now),
        "emails": sent_emails_delete(now=now),
        "unverified_signups": unverified_signups_delete(now=now),
        "data_exports": data_exports_delete(now=now),
    }
    logger.info("Retention applied: %s", ", ".join(f"{name} {count}" for name, count in counts.items()))
    return counts
