"""iCalendar feeds (RFC 5545): stable UIDs, SEQUENCE, cancelled sessions, a VTIMEZONE per TZID.

A feed carries the session page's URL, never a join URL: join URLs are bearer secrets.
"""

import datetime
import hashlib
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from icalendar import Calendar, Event

from suite.links import absolute_url, site_url
from suite.moments import moment_text

from .models import Webinar

# A kept feed is checked against its sessions on every request: this only lets unread ones go.
FEED_CACHE_SECONDS = 24 * 60 * 60


def webinar_event(webinar: Webinar, *, zone: str | None = None) -> Event:
    """The session as an event; its description opens with the start as people read it, in ``zone``
    (the reader's, where known) or else the session's own, in the active language.
    """
    event = Event()
    event.add("uid", f"{webinar.meeting_id}@nlu")
    event.add("dtstamp", webinar.updated_at)
    event.add("last-modified", webinar.updated_at)
    event.add("dtstart", webinar.starts_at.astimezone(webinar.zone))
    event.add("dtend", webinar.ends_at.astimezone(webinar.zone))
    event.add("summary", webinar.title)
    url = absolute_url(reverse("seminars:detail", args=[webinar.pk]))
    with timezone.override(zone or webinar.timezone):
        when = moment_text(webinar.starts_at, relative=False)
    event.add("description", "\n\n".join(part for part in (when, webinar.description.strip(), url) if part))
    event.add("url", url)
    event.add("sequence", webinar.sequence)
    event.add("status", "CANCELLED" if webinar.status == Webinar.Status.CANCELLED else "CONFIRMED")
    return event


def calendar(webinars, *, name: str, zone: str | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Networked Labour University//Seminars//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    webinars = list(webinars)
    for webinar in webinars:
        cal.add_component(webinar_event(webinar, zone=zone))
    if webinars:  # VTIMEZONE rules only from the first session on: a much smaller feed
        cal.add_missing_timezones(first_date=min(w.starts_at for w in webinars).date() - datetime.timedelta(days=366))
    return cal.to_ical()


def feed_cache_key(path: str) -> str:
    """Where the feed served at ``path`` (with its query string) is kept."""
    return "seminars:feed:" + hashlib.sha256(path.encode()).hexdigest()


def feed_response(request, webinars, *, name: str, filename: str, zone: str | None = None) -> HttpResponse:
    """The feed of ``webinars`` (a queryset), built once per version of its sessions.

    Calendar clients poll every few minutes. One small query of the sessions' versions gives
    the feed's ETag; a client that already has that version gets a 304, any other the body
    kept for this feed's URL while its ETag stays the same. Last-Modified is when this URL
    first answered with this version, so a feed that changes back is still newer to a client.
    """
    versions = list(webinars.values_list("pk", "sequence", "status", "updated_at"))
    fingerprint = repr((name, get_language(), zone, site_url(), versions))
    etag = f'"{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"'
    key = feed_cache_key(request.get_full_path())
    kept = cache.get(key)
    if kept is None or kept[0] != etag:
        # HTTP dates count whole seconds: a change within the same second must still be later.
        since = max(int(time.time()), kept[2] + 1) if kept else int(time.time())
        kept = (etag, calendar(webinars, name=name, zone=zone), since)
        cache.set(key, kept, FEED_CACHE_SECONDS)
    _etag, body, since = kept
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(since)
    return get_conditional_response(request, etag=etag, last_modified=since, response=response)
