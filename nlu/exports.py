"""A member's download of their data: a ZIP of what every app keeps about them (suite.privacy).

A small account gets its ZIP in the answer to its request. A large one (more rows than
``NLU_EXPORT_INLINE_ROWS``) is built by a worker into ``NLU_EXPORT_DIR``, a private folder outside
the media, and the member is mailed a link that works once, for ``NLU_EXPORT_DAYS`` days, and only
for them. The link's token is drawn when the file is ready and mailed at once: only its SHA-256 is
stored, and no copy of it waits in the outbox.
"""

import csv
import datetime
import hashlib
import io
import json
import logging
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from suite.links import absolute_url, site_url
from suite.members import member_locale
from suite.moments import moment_text
from suite.privacy import Kind, Scalar, kinds, member_rows

from . import tasks
from .models import DataExport

logger = logging.getLogger(__name__)

FORMAT = "nlu-personal-data/1"
SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"
# A request made while one is being built gets that one, unless its worker has been silent this long.
PENDING_FOR = datetime.timedelta(hours=1)

Collected = list[tuple[Kind, list[dict[str, Scalar]]]]


def inline_rows() -> int:
    return getattr(settings, "NLU_EXPORT_INLINE_ROWS", 2000)


def export_days() -> int:
    return getattr(settings, "NLU_EXPORT_DAYS", 7)


def export_dir() -> Path:
    return Path(getattr(settings, "NLU_EXPORT_DIR", Path(settings.VAR_DIR) / "exports"))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ExportUnavailable(Exception):
    """A download link that gives nothing: ``status`` 404 (not this member's) or 410 (used, expired)."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.message, self.status = message, status


# --- What the download holds ----------------------------------------------------------------


def data_collect(member, *, limit: int | None = None) -> Collected | None:
    """Every kind with the member's rows; None as soon as more than ``limit`` rows are seen.

    The kinds come one at a time, so a large account is known after the kind that passes the
    limit, without reading the rest.
    """
    collected, count = [], 0
    for kind, rows in member_rows(member):
        count += len(rows)
        if limit is not None and count > limit:
            return None
        collected.append((kind, rows))
    return collected


def data_document(member, collected: Collected, *, now: datetime.datetime) -> dict:
    return {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "site": site_url(),
        "member": member.get_username(),
        "data": {kind.name: rows for kind, rows in collected},
    }


def csv_bytes(kind: Kind, rows: list[dict[str, Scalar]]) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheets need to read Turkish letters right."""
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=kind.fields)
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def readme_text(member, collected: Collected, *, now: datetime.datetime) -> str:
    """What each file is, in the member's language."""
    with member_locale(member) as preferences:
        lines = [
            _("Your data at %(site)s") % {"site": site_url()},
            _("Made on %(date)s (%(zone)s) for the member %(username)s.")
            % {
                "date": moment_text(now, zone=False, relative=False),
                "zone": preferences.timezone,
                "username": member.get_username(),
            },
            "",
            _("data.json: all of it in one file, for programs (format %(format)s).") % {"format": FORMAT},
            _("One CSV file for each kind of data, for spreadsheets (UTF-8 text):"),
            "",
        ]
        for kind, rows in collected:
            count = ngettext("%(count)d row", "%(count)d rows", len(rows)) % {"count": len(rows)}
            lines += [f"{kind.name}.csv: {kind.label} ({count})", f"    {kind.purpose}"]
        lines += ["", _("Times are in UTC, written as ISO 8601 (2026-01-31T16:00:00+00:00).")]
    return "\n".join(lines) + "\n"


def zip_write(target, member, collected: Collected, *, now: datetime.datetime) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        document = data_document(member, collected, now=now)
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        for kind, rows in collected:
            archive.writestr(f"{kind.name}.csv", csv_bytes(kind, rows))
        archive.writestr("README.txt", readme_text(member, collected, now=now))


def download_name(now: datetime.datetime) -> str:
    return f"nlu-my-data-{now:%Y-%m-%d}.zip"


def export_schema() -> dict:
    """The JSON Schema (draft 2020-12) of data.json for the installed apps' kinds."""
    with translation.override("en"):
        data = {
            kind.name: {
                "title": str(kind.label),
                "description": str(kind.purpose),
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {field: {"$ref": "#/$defs/scalar"} for field in kind.fields},
                    "required": list(kind.fields),
                    "additionalProperties": False,
                },
            }
            for kind in kinds()
        }
    return {
        "$schema": SCHEMA_URL,
        "title": "A member's data, as downloaded from their data page (data.json)",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "created_at": {"type": "string", "format": "date-time"},
            "site": {"type": "string"},
            "member": {"type": "string", "description": "The member's username"},
            "data": {
                "type": "object",
                "properties": data,
                "required": list(data),
                "additionalProperties": False,
            },
        },
        "required": ["format", "created_at", "site", "member", "data"],
        "additionalProperties": False,
        "$defs": {"scalar": {"type": ["string", "integer", "number", "boolean", "null"]}},
    }


# --- Asking for it, building it, fetching it ------------------------------------------------


@dataclass(frozen=True)
class Requested:
    archive: bytes | None = None  # the ZIP, for a small account
    export: DataExport | None = None  # the download being prepared, for a large one


def pending_export(member, *, now: datetime.datetime) -> DataExport | None:
    return (
        DataExport.objects.filter(member=member, ready_at__isnull=True, created_at__gt=now - PENDING_FOR)
        .order_by("-created_at")
        .first()
    )


def data_export_request(*, member, now: datetime.datetime | None = None) -> Requested:
    """The ZIP at once for a small account; for a large one, a download built by a worker and mailed."""
    now = now or timezone.now()
    if (pending := pending_export(member, now=now)) is not None:
        return Requested(export=pending)
    # Read outside a transaction: on SQLite one would hold the write lock while reading.
    collected = data_collect(member, limit=inline_rows())
    if collected is not None:
        buffer = io.BytesIO()
        zip_write(buffer, member, collected, now=now)
        return Requested(archive=buffer.getvalue())
    return Requested(export=_export_create(member=member, now=now))


@transaction.atomic
def _export_create(*, member, now: datetime.datetime) -> DataExport:
    # The member row locked: two requests at once (a double click) make one download.
    get_user_model().objects.select_for_update().filter(pk=member.pk).first()
    if (pending := pending_export(member, now=now)) is not None:
        return pending
    export = DataExport.objects.create(
        member=member,
        # Until the file is ready the row holds the hash of a token no one is sent.
        token_hash=token_hash(secrets.token_urlsafe(32)),
        expires_at=now + datetime.timedelta(days=export_days()),
    )
    tasks.build_data_export.delay_on_commit(export_id=export.pk)
    return export


def data_export_build(*, export_id: int) -> bool:
    """Write the ZIP, then draw the link's token and mail it; True if mailed now.

    Idempotent: a download already mailed is left alone. The token is saved and mailed in one
    transaction, so a mail server that fails leaves the download unmailed for the task's retry.
    """
    export = DataExport.objects.select_related("member").filter(pk=export_id, ready_at__isnull=True).first()
    if export is None:
        return False
    member = export.member
    if not member.email:  # closed meanwhile, or no address to write to
        export.delete()
        return False
    now = timezone.now()
    folder = export_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{export.pk}-{secrets.token_hex(8)}.zip"
    partial = path.with_suffix(".part")
    try:
        with partial.open("wb") as file:
            zip_write(file, member, data_collect(member), now=now)
        partial.rename(path)
        with transaction.atomic():
            locked = DataExport.objects.select_for_update().filter(pk=export.pk).first()
            if locked is None or locked.ready_at is not None:  # the member left, or another worker got there first
                path.unlink()
                return False
            token = secrets.token_urlsafe(32)
            locked.token_hash = token_hash(token)
            locked.ready_at = now
            locked.expires_at = now + datetime.timedelta(days=export_days())
            locked.file_name = path.name
            locked.save(update_fields=["token_hash", "ready_at", "expires_at", "file_name"])
            _mail_link(member, token=token, expires_at=locked.expires_at)
    except BaseException:
        partial.unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        raise
    return True


def _mail_link(member, *, token: str, expires_at: datetime.datetime) -> None:
    with member_locale(member) as preferences:
        url = absolute_url(reverse("my_data_export", kwargs={"token": token}))
        body = "\n\n".join(
            [
                _("Your data at %(site)s is ready to download:") % {"site": site_url()},
                url,
                _(
                    "The link works once, until %(date)s (%(zone)s), and only while you are signed in as "
                    "%(username)s. After that, ask for a new download on your data page."
                )
                % {
                    "date": moment_text(expires_at, zone=False, relative=False),
                    "zone": preferences.timezone,
                    "username": member.get_username(),
                },
                _("If you did not ask for it, sign in and change your password."),
            ]
        )
        EmailMessage(_("Your data is ready to download"), body + "\n", None, [member.email]).send()


def data_export_fetch(*, member, token: str, now: datetime.datetime | None = None):
    """The open file of the member's download, which is used up by this: it is never given twice.

    Someone else's link, or no link at all, is 404; a used or expired one is 410. The mark of use
    is one conditional UPDATE, so of two fetches at once only one gets the file.
    """
    now = now or timezone.now()
    export = DataExport.objects.filter(token_hash=token_hash(token), member=member, ready_at__isnull=False).first()
    if export is None:
        raise ExportUnavailable(
            _("There is no download at this link for you. Check that you are signed in as the member it was sent to."),
            status=404,
        )
    if export.used_at is None and export.expires_at > now:
        path = export_dir() / export.file_name
        try:
            file = path.open("rb")
        except FileNotFoundError:
            logger.error("Data export %s has no file at %s", export.pk, path)
        else:
            claimed = DataExport.objects.filter(pk=export.pk, used_at__isnull=True, expires_at__gt=now)
            if claimed.update(used_at=now, file_name=""):
                path.unlink(missing_ok=True)  # the open file stays readable until sent
                return file
            file.close()
        export.refresh_from_db()
    if export.used_at is not None:
        message = _("This download link has been used already: each link works once. Ask for a new download below.")
    else:
        message = _("This download link has expired. Ask for a new download below.")
    raise ExportUnavailable(message, status=410)


def data_exports_sweep(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of downloads that expired unused (a fetch deletes its own); the count deleted."""
    now = now or timezone.now()
    deleted = 0
    for export in DataExport.objects.filter(expires_at__lte=now).exclude(file_name=""):
        (export_dir() / export.file_name).unlink(missing_ok=True)
        export.file_name = ""
        export.save(update_fields=["file_name"])
        deleted += 1
    return deleted


def member_exports_delete(member) -> None:
    """A leaving member's downloads: rows now, files once the closing commits."""
    names = [name for name in DataExport.objects.filter(member=member).values_list("file_name", flat=True) if name]
    DataExport.objects.filter(member=member).delete()

    def unlink():
        for name in names:
            (export_dir() / name).unlink(missing_ok=True)

    transaction.on_commit(unlink)
