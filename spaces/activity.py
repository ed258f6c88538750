"""How one thing that happened in a space reads, and where it links, for the space's page and its feed."""

from django.urls import reverse
from django.utils import translation

from suite.moments import moment_text

from .models import Activity
from .selectors import display_name


def activity_line(activity: Activity) -> str:
    who = display_name(activity.actor) if activity.actor else ""
    what = activity.get_kind_display()
    line = f"{who} {what}" if who else str(what).capitalize()
    subject = activity.subject
    if activity.kind == Activity.Kind.MEETING and activity.webinar_id:
        # When the meetings start, in the reader's language and zone (the stored subject is for a deleted meeting).
        subject = moment_text(activity.webinar.starts_at, relative=False)
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
