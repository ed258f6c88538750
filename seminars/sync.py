"""Polling BBB, so that a lost callback loses nothing (run by the poll_bbb task)."""

import datetime
import logging

from django.utils import timezone

from . import services
from .bbb import BBBClient, BBBError, BBBFailed
from .models import Webinar

logger = logging.getLogger(__name__)

RECORDINGS_LOOKBACK = datetime.timedelta(days=3)


def poll_running() -> None:
    client = BBBClient.from_settings()
    for webinar in Webinar.objects.filter(status=Webinar.Status.RUNNING):
        try:
            meeting = client.get_meeting_info(str(webinar.meeting_id))
        except BBBFailed as error:
            if error.message_key == "notFound":  # ended and gone, and the end callback never came
                # The meeting asked about: one the tutor created since (a reopening) is not ended.
                services.webinar_end(webinar=webinar, meeting_number=webinar.bbb_meeting_number)
            continue
        except BBBError:
            logger.warning("BBB unreachable while polling session %s", webinar.pk)
            return
        services.attendance_sync(webinar=webinar, attendees=meeting.attendees)
        if not meeting.running and timezone.now() > webinar.ends_at:
            services.webinar_end(webinar=webinar, meeting_number=webinar.bbb_meeting_number)


def poll_recordings() -> None:
    client = BBBClient.from_settings()
    since = timezone.now() - RECORDINGS_LOOKBACK
    for webinar in Webinar.objects.filter(status=Webinar.Status.ENDED, record=True, ended_at__gte=since):
        try:
            services.recordings_sync(webinar=webinar, recordings=client.get_recordings(str(webinar.meeting_id)))
        except BBBError:
            logger.warning("BBB unreachable while fetching recordings of session %s", webinar.pk)
            return
