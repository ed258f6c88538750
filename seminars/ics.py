"""iCalendar feeds (RFC 5545): stable UIDs, SEQUENCE, cancelled sessions, a VTIMEZONE per TZID.

A feed carries the session page's URL, never a join URL: join URLs are bearer secrets.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from .models import Webinar


def webinar_event(webinar: Webinar) -> Event:
    event = Event()
    event.add("uid", f"{webinar.meeting_id}@nlu")
    event.add("dtstamp", webinar.updated_at)
    event.add("last-modified", webinar.updated_at)
    event.add("dtstart", webinar.starts_at.astimezone(webinar.zone))
    event.add("dtend", webinar.ends_at.astimezone(webinar.zone))
    event.add("summary", webinar.title)
    url = settings.SITE_URL + reverse("seminars:detail", args=[webinar.pk])
    event.add("description", f"{webinar.description}\n\n{url}".strip())
    event.add("url", url)
    event.add("sequence", webinar.sequence)
    event.add("status", "CANCELLED" if webinar.status == Webinar.Status.CANCELLED else "CONFIRMED")
    return event


def calendar(webinars, *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Networked Labour University//Seminars//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    webinars = list(webinars)
    for webinar in webinars:
        cal.add_component(webinar_event(webinar))
    if webinars:  # VTIMEZONE rules only from the first session on: a much smaller feed
        cal.add_missing_timezones(first_date=min(w.starts_at for w in webinars).date() - datetime.timedelta(days=366))
    return cal.to_ical()
