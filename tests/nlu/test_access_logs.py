"""No token that travels in an address reaches the logs in full, and every link still works.

The site is served as runserver serves it and as gunicorn serves it in production (docs/deploy.md),
and the tests read the access logs as written: a personal calendar feed, a space's feed and an
invitation, allauth's password-reset and e-mail confirmation keys, the data download's link, the
addresses a visitor is sent to sign in with (``?next=``), and the referrer gunicorn logs.
"""

import logging
import re

import pytest
import requests
from django.core import mail
from django.test import Client
from django.utils import timezone

from nlu.exports import token_hash
from nlu.models import DataExport
from seminars.models import CalendarFeed
from spaces import selectors as space_selectors
from spaces import services as space_services
from spaces.models import Space
from tests.factories import UserFactory
from tests.nlu.test_accounts import confirmation_link, sign_up
from tests.seminars.test_callback_logs import (  # noqa: F401 (fixtures)
    gunicorn_access_log,
    runserver_log,
    wait_for,
    written,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def secrets(db) -> dict[str, str]:
    """A member's calendar and space feed tokens, an invitation into a members-only space, a download's token."""
    member = UserFactory(username="ayse", is_staff=True, is_superuser=True)
    space = space_services.space_start(founder=member, name="Night shift", visibility=Space.Visibility.MEMBERS)
    download = "download-token-0123456789abcdefghij"
    DataExport.objects.create(
        member=member,
        token_hash=token_hash(download),
        ready_at=timezone.now(),
        expires_at=timezone.now() - timezone.timedelta(days=1),  # expired: the link answers 410, logged all the same
    )
    return {
        "calendar": CalendarFeed.objects.get_or_create(member=member)[0].token,
        "feed": space_selectors.feed_token(member),
        "invitation": space_services.invitation_create(space=space, by=member).token,
        "download": download,
        "space": space.slug,
    }


def get(settings, path: str, **kwargs) -> requests.Response:
    return requests.get(settings.SITE_URL + path, timeout=30, **kwargs)


def test_runservers_access_log_has_every_tokened_address_redacted(
    settings,
    runserver_log,  # noqa: F811 (the fixture)
    secrets,
):
    calendar, feed, invitation = secrets["calendar"], secrets["feed"], secrets["invitation"]

    assert get(settings, f"/en/sessions/calendar/{calendar}.ics").status_code == 200
    assert get(settings, f"/tr/sessions/calendar/{calendar}.ics").status_code == 200
    assert get(settings, f"/en/spaces/{secrets['space']}/activity.atom?token={feed}").status_code == 200
    assert get(settings, f"/en/spaces/+invitation/{invitation}/").status_code == 200
    # A download's link followed while signed out leads to the sign-in page with the link as next.
    assert get(settings, f"/en/profile/data/{secrets['download']}/").url.startswith(
        settings.SITE_URL + "/en/accounts/login/?next="
    )

    written(runserver_log, '"GET /en/sessions/calendar/[redacted].ics HTTP/1.1" 200')
    written(runserver_log, '"GET /tr/sessions/calendar/[redacted].ics HTTP/1.1" 200')
    written(runserver_log, f'"GET /en/spaces/{secrets["space"]}/activity.atom?token=[redacted] HTTP/1.1" 200')
    written(runserver_log, '"GET /en/spaces/+invitation/[redacted]/ HTTP/1.1" 200')
    written(runserver_log, '"GET /en/profile/data/[redacted]/ HTTP/1.1" 302')
    log = written(runserver_log, '"GET /en/accounts/login/?next=/en/profile/data/[redacted]/ HTTP/1.1" 200')
    for secret in (calendar, feed, invitation, secrets["download"]):
        assert secret not in log


def test_allauths_keys_are_redacted_and_still_work(
    settings,
    runserver_log,  # noqa: F811 (the fixture)
    client,
    django_capture_on_commit_callbacks,
):
    sign_up(client, django_capture_on_commit_callbacks, username="bora", email="bora@example.org")
    confirm = confirmation_link(mail.outbox[-1])
    confirm_path = confirm[confirm.index("/en/") :]
    key = confirm_path.rstrip("/").rsplit("/", 1)[1]
    UserFactory(username="cem", email="cem@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post("/en/accounts/password/reset/", {"email": "cem@example.org"}).status_code == 302
    reset = re.search(r"https?://\S+/accounts/password/reset/key/([0-9A-Za-z]+)-(\S+)/", mail.outbox[-1].body)
    uidb36, reset_key = reset.group(1), reset.group(2)

    assert "form" in get(settings, confirm_path).text  # the confirmation page, asking to confirm
    followed = get(settings, f"/en/accounts/password/reset/key/{uidb36}-{reset_key}/")
    assert followed.status_code == 200 and "password1" in followed.text  # on to the set-password form

    written(runserver_log, '"GET /en/accounts/confirm-email/[redacted]/ HTTP/1.1" 200')
    log = written(runserver_log, f'"GET /en/accounts/password/reset/key/{uidb36}-[redacted]/ HTTP/1.1" 302')
    assert key not in log
    assert reset_key not in log


def test_a_not_found_warning_names_no_token(settings, caplog, secrets):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert Client().get("/en/sessions/calendar/an-old-revoked-token.ics").status_code == 404
    assert "Not Found: /en/sessions/calendar/[redacted].ics" in caplog.messages
    assert "an-old-revoked-token" not in caplog.text


def test_gunicorns_access_log_has_tokens_redacted_in_the_request_and_the_referrer(
    settings,
    gunicorn_access_log,  # noqa: F811 (the fixture)
    secrets,
):
    calendar, feed, invitation = secrets["calendar"], secrets["feed"], secrets["invitation"]
    invitation_url = settings.SITE_URL + f"/en/spaces/+invitation/{invitation}/"

    assert get(settings, f"/en/sessions/calendar/{calendar}.ics").status_code == 200
    assert get(settings, f"/en/spaces/{secrets['space']}/activity.atom?token={feed}").status_code == 200
    assert get(settings, f"/en/spaces/+invitation/{invitation}/").status_code == 200
    # The invitation page's style sheet, asked for with the page as referrer, as a browser does.
    assert get(settings, "/static/nlu/nlu.css", headers={"Referer": invitation_url}).status_code in (200, 404)
    assert get(settings, f"/en/profile/data/{secrets['download']}/").status_code == 200  # the sign-in page

    wait_for(gunicorn_access_log, r'"GET /en/sessions/calendar/\[redacted\]\.ics HTTP/1\.1" 200')
    wait_for(gunicorn_access_log, r"activity\.atom\?token=\[redacted\] HTTP")
    wait_for(gunicorn_access_log, r'"GET /en/spaces/\+invitation/\[redacted\]/ HTTP/1\.1" 200')
    wait_for(
        gunicorn_access_log,
        r'"GET /static/nlu/nlu\.css HTTP/1\.1" \d+ \S+ "http://[^"]+/en/spaces/\+invitation/\[redacted\]/"',
    )
    wait_for(gunicorn_access_log, r'"GET /en/accounts/login/\?next=/en/profile/data/\[redacted\]/ HTTP/1\.1" 200')
    log = gunicorn_access_log.read_text()
    for secret in (calendar, feed, invitation, secrets["download"]):
        assert secret not in log
