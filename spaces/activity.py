"""How one thing that happened in a space reads, and where it links, for the space's page and its feed."""

import datetime
import zoneinfo

from django.urls import reverse
from django.utils import translation

from suite.moments import moment_text

from .models import Activity
from .selectors import display_name


def activity_subject(activity: Activity) -> str:
    """What the news is about, as the reader reads it: for scheduled meetings, when they start, in the reader's
    language and zone (no "tomorrow": a feed is read later). The page and the feed both say it this way."""
    if activity.kind != Activity.Kind.MEETING:
        return activity.subject
    if activity.webinar_id:
        return moment_text(activity.webinar.starts_at, relative=False)
    # The meeting was deleted: its start as stored when scheduled ("2027-01-07 07:58 Europe/Istanbul").
    try:
        day, time, zone = activity.subject.split(" ", 2)
        start = datetime.datetime.fromisoformat(f"{day} {time}").replace(tzinfo=zoneinfo.ZoneInfo(zone))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return activity.subject
    return moment_text(start, relative=False)


def activity_line(activity: Activity) -> str:
    who = display_name(activity.actor) if activity.actor else ""
    what = activity.get_kind_display()
    line = f"{who} {what}" if who else str(what).capitalize()
    subject = activity_subject(activity)
    return f"{line}: {subject}" if subject else line


def activity_url(activity: Activity) -> str:
    """The page (in its own language), the meeting or the file, while it exists; else ""."""
    if activity.page_id:
        with translation.override(activity.page.language):
            return reverse("wiki:page", kwargs={"slug": activity.page.slug})
    if activity.webinar_id:
        return reverse("seminars:detail", kwargs={"pk": activity.webinar_id})
    if activity.document_id:
        kwargs = {
            "slug": activity.space.slug,
            "document_id": activity.document_id,
            "filename": activity.document.filename,
        }
        return reverse("spaces:file", kwargs=kwargs)
    return ""
