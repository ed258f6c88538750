"""What happened in a space: on its page newest first and a page at a time, in its Atom feed (a members-only
space's only with a member's own token), and in the weekly digest each member who wants it gets once a week."""

import datetime
import time
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone, translation

from seminars import services as seminars
from seminars.bbb import BBBClient
from seminars.models import Webinar
from spaces import services
from spaces.models import Activity, DigestSent, Space
from spaces.selectors import feed_token
from spaces.tasks import send_weekly_digests
from tests.factories import UserFactory
from tests.seminars.conftest import bbb, bbb_server, bbb_settings  # noqa: F401 (the BBB stand-in's fixtures)
from wiki.services import page_create, page_save

from .conftest import enrol, signed_in, translated, upload

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def lines(response) -> list[str]:
    """The lines of "What happened", top to bottom, as read."""
    html = BeautifulSoup(response.content, "html.parser")
    for when in html.select("ol.activity li .meta"):
        when.decompose()  # the time: not what the line says
    return [" ".join(li.get_text(" ").split()) for li in html.select("ol.activity li")]


def entries(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "link": entry.find(f"{ATOM}link").get("href"),
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]


def news_of_a_season(space, founder, client, bbb) -> dict:  # noqa: F811
    """Everything a space's page tells, in this order: members join, a page, a file, the meetings, one held and
    recorded."""
    ayse = enrol(space, username="ayse", language="tr")
    ben = enrol(space, username="ben", language="en")
    page = page_create(title="Reading list", language="en", text="Books.\n", author=ayse, scope=space.key)
    page_save(page=page, text="Books and films.\n", author=ayse, base_number=1)
    services.file_add(space=space, by=ben, upload=upload("leaflet.pdf"), title="Leaflet")
    now = timezone.now().astimezone(datetime.UTC).replace(second=0, microsecond=0, tzinfo=None)
    [meeting] = services.meeting_schedule(
        space=space, by=founder, start_local=now, timezone_name="UTC", occurrences=1, record=True
    )
    assert signed_in(client, founder).post(f"/en/sessions/{meeting.pk}/join/", {"consent": "1"}).status_code == 302
    bbb.end(str(meeting.meeting_id))
    recordings, waited = [], 0.0
    while not recordings and waited < 10:  # the stand-in stores the recording just after the meeting ends
        time.sleep(0.1)
        waited += 0.1
        recordings = BBBClient.from_settings().get_recordings(str(meeting.meeting_id))
    return {"ayse": ayse, "ben": ben, "page": page, "meeting": meeting, "recordings": recordings}


@pytest.fixture
def season(make_space, founder, client, bbb, bbb_settings, django_capture_on_commit_callbacks):  # noqa: F811
    space = make_space("Platform co-ops")
    news = news_of_a_season(space, founder, client, bbb)
    meeting = news["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        assert seminars.webinar_end(webinar=meeting)  # as BBB's end callback or the poller does; then settled
    assert seminars.recordings_sync(webinar=meeting, recordings=news["recordings"]) == 1
    return {"space": space, **news}


def test_the_space_page_tells_what_happened_newest_first(client, season):
    space, meeting = season["space"], season["meeting"]
    # When the meetings start, as the page's reader reads it (here in English, in the site's zone, UTC).
    start = f"{meeting.starts_at:%a} {meeting.starts_at.day} {meeting.starts_at:%b %Y, %H:%M} (UTC)"
    expected = [
        "A recording is available: Meeting: Platform co-ops",
        "A meeting took place: Meeting: Platform co-ops",
        f"founder scheduled the meetings: {start}",
        "ben shared a file: Leaflet",
        "ayse edited a page: Reading list",
        "ayse edited a page: Reading list",
        "ben joined",
        "ayse joined",
        "founder started the space",
    ]
    assert lines(Client().get(f"/en/spaces/{space.slug}/")) == expected

    html = BeautifulSoup(Client().get(f"/en/spaces/{space.slug}/").content, "html.parser")
    links = [li.a["href"] if li.a else None for li in html.select("ol.activity li")]
    assert links[:3] == [f"/en/sessions/{meeting.pk}/"] * 3
    assert links[3].startswith(f"/en/spaces/{space.slug}/files/") and links[4] == "/en/wiki/reading-list/"


def test_what_happened_a_page_at_a_time(client, season):
    space = season["space"]
    with override_settings(SPACES_PAGE_SIZE=4):
        first = Client().get(f"/en/spaces/{space.slug}/")
        second = Client().get(f"/en/spaces/{space.slug}/?page=2")
        third = Client().get(f"/en/spaces/{space.slug}/?page=3")
        beyond = Client().get(f"/en/spaces/{space.slug}/?page=99")
    assert [len(lines(page)) for page in (first, second, third)] == [4, 4, 1]
    assert lines(first)[0].startswith("A recording is available") and lines(third)[0].startswith("founder started")
    assert 'href="?page=2"' in first.content.decode() and 'rel="next"' in first.content.decode()
    assert lines(beyond) == lines(third)  # past the end: the last page
    assert not set(lines(first)) & set(lines(second))


def test_the_atom_feed_of_a_public_space(client, season):
    space = season["space"]
    response = Client().get(f"/en/spaces/{space.slug}/activity.atom")
    assert response.status_code == 200
    feed = entries(response)
    assert [entry["title"] for entry in feed][:2] == [
        "A recording is available: Meeting: Platform co-ops",
        "A meeting took place: Meeting: Platform co-ops",
    ]
    assert feed[-1]["title"] == "founder started the space" and len(feed) == 9
    assert feed[4]["link"] == "http://testserver/en/wiki/reading-list/"
    page = Client().get(f"/en/spaces/{space.slug}/").content.decode()
    assert f'href="/en/spaces/{space.slug}/activity.atom"' in page  # offered, without a token


# --- A members-only space's feed --------------------------------------------------------------------


@pytest.fixture
def closed(make_space, founder):
    space = make_space("Couriers organising", visibility=Space.Visibility.MEMBERS)
    member = enrol(space, username="ayse")
    services.file_add(space=space, by=member, upload=upload("ledger.pdf"), title="Strike fund ledger")
    return space


def test_a_members_only_feed_opens_with_a_members_own_token(client, closed):
    member = closed.memberships.get(member__username="ayse").member
    address = f"/en/spaces/{closed.slug}/activity.atom"
    page = BeautifulSoup(signed_in(client, member).get(f"/en/spaces/{closed.slug}/").content, "html.parser")
    [offered] = {a["href"] for a in page.find_all("a") if "activity.atom" in a["href"]}
    assert offered == f"{address}?token={feed_token(member)}"

    reader = Client()  # a feed reader: no session
    response = reader.get(offered)
    assert response.status_code == 200
    assert entries(response)[0]["title"] == "ayse shared a file: Strike fund ledger"
    for wrong in ("", "?token=", "?token=not-a-token", f"?token={feed_token(UserFactory())}"):
        refused = reader.get(address + wrong)
        assert refused.status_code == 404, wrong
        assert b"Strike fund ledger" not in refused.content

    services.space_leave(space=closed, member=member)  # who left reads it no more
    assert reader.get(offered).status_code == 404


def test_site_staff_follow_a_members_only_feed_as_they_see_the_space(client, closed):
    """Staff who may manage every space see its page; its feed, with their own token, too."""
    staff = UserFactory(username="deniz")
    staff.user_permissions.add(Permission.objects.get(codename="manage_spaces", content_type__app_label="spaces"))
    assert signed_in(client, staff).get(f"/en/spaces/{closed.slug}/").status_code == 200
    response = Client().get(f"/en/spaces/{closed.slug}/activity.atom?token={feed_token(staff)}")
    assert response.status_code == 200
    assert entries(response)[0]["title"] == "ayse shared a file: Strike fund ledger"


def test_a_feed_tells_when_the_meetings_start_in_its_member_s_language_and_zone(client, closed, founder):
    """Thursday 7 January 2027, 07:58 in Istanbul, as an English and a Turkish member there read it."""
    english = enrol(closed, username="grace", language="en", timezone="Europe/Istanbul")
    turkish = enrol(closed, username="deniz", language="tr", timezone="Europe/Istanbul")
    services.meeting_schedule(
        space=closed, by=founder, start_local=datetime.datetime(2027, 1, 7, 7, 58), timezone_name="Europe/Istanbul"
    )

    def newest(language: str, member) -> str:
        return entries(Client().get(f"/{language}/spaces/{closed.slug}/activity.atom?token={feed_token(member)}"))[0]

    assert newest("en", english)["title"] == "founder scheduled the meetings: Thu 7 Jan 2027, 07:58 (Europe/Istanbul)"
    assert newest("en", english)["summary"] == "Thu 7 Jan 2027, 07:58 (Europe/Istanbul)"
    assert newest("tr", turkish)["title"].endswith(": 7 Oca 2027 Prş, 07:58 (Europe/Istanbul)")
    assert newest("tr", turkish)["summary"] == "7 Oca 2027 Prş, 07:58 (Europe/Istanbul)"


def test_a_deleted_meetings_news_still_tells_when_it_was_to_start(client, closed, founder):
    """The news stays once the meetings are deleted (in the admin): its start reads as before, on the page and in
    the feed, in the reader's zone."""
    reader = enrol(closed, username="grace", language="en", timezone="Asia/Tokyo")
    meetings = services.meeting_schedule(
        space=closed, by=founder, start_local=datetime.datetime(2027, 1, 7, 7, 58), timezone_name="Europe/Istanbul"
    )
    Webinar.objects.filter(pk__in=[meeting.pk for meeting in meetings]).delete()

    newest = entries(Client().get(f"/en/spaces/{closed.slug}/activity.atom?token={feed_token(reader)}"))[0]
    assert newest["title"] == "founder scheduled the meetings: Thu 7 Jan 2027, 13:58 (Asia/Tokyo)"
    assert newest["summary"] == "Thu 7 Jan 2027, 13:58 (Asia/Tokyo)"
    with timezone.override("Asia/Tokyo"):  # as the host does for a signed-in member
        page = signed_in(client, reader).get(f"/en/spaces/{closed.slug}/")
    assert lines(page)[0] == "founder scheduled the meetings: Thu 7 Jan 2027, 13:58 (Asia/Tokyo)"


# --- The weekly digest -----------------------------------------------------------------------------


@pytest.fixture
def digest_crew(make_space, founder):
    """Two spaces with news this week; ayse (Turkish) is in both, ben has opted out of one, carla of her only one."""
    one, two = make_space("Platform co-ops"), make_space("Couriers organising")
    ayse = enrol(one, username="ayse", language="tr")
    enrol(two, ayse)
    ben = enrol(one, username="ben", language="en")
    enrol(two, ben)
    carla = enrol(one, username="carla", language="en")
    page_create(title="Reading list", language="en", text="Books.\n", author=founder, scope=one.key)
    services.file_add(space=two, by=founder, upload=upload("ledger.pdf"), title="Strike fund ledger")
    old = services.file_add(space=two, by=founder, upload=upload("old.pdf"), title="Last year's leaflet")
    Activity.objects.filter(document=old).update(created_at=timezone.now() - datetime.timedelta(days=8))
    return {"one": one, "two": two, "ayse": ayse, "ben": ben, "carla": carla}


def opt_out(client, member, space):
    response = signed_in(client, member).post(f"/en/spaces/{space.slug}/digest/", {})  # the box unticked
    assert response.status_code == 302


def digests() -> dict[str, list[mail.EmailMessage]]:
    sent: dict[str, list[mail.EmailMessage]] = {}
    for message in mail.outbox:
        for address in message.to:
            sent.setdefault(address, []).append(message)
    return sent


def test_the_weekly_digest_once_in_each_members_language(client, digest_crew, django_capture_on_commit_callbacks):
    opt_out(client, digest_crew["ben"], digest_crew["two"])
    opt_out(client, digest_crew["carla"], digest_crew["one"])
    mail.outbox.clear()
    for _ in range(2):  # beat running twice in one week
        with django_capture_on_commit_callbacks(execute=True):
            send_weekly_digests.delay()

    sent = digests()
    assert sorted(sent) == ["ayse@example.org", "ben@example.org", "founder@example.org"]  # not carla
    assert [len(mails) for mails in sent.values()] == [1, 1, 1]
    [turkish] = sent["ayse@example.org"]
    assert turkish.subject == translated("This week in your spaces", "tr")
    with translation.override("tr"):
        edited, shared = translation.gettext("edited a page"), translation.gettext("shared a file")
    assert f"founder {edited}: Reading list" in turkish.body and f"founder {shared}: Strike fund ledger" in turkish.body
    assert "Platform co-ops" in turkish.body and "Couriers organising" in turkish.body
    assert "Last year's leaflet" not in turkish.body  # not this week's
    assert translated("edited a page", "tr") != "edited a page"

    [english] = sent["ben@example.org"]
    assert english.subject == "This week in your spaces"
    assert "founder edited a page: Reading list" in english.body
    assert "Strike fund ledger" not in english.body and "Couriers organising" not in english.body  # opted out there
    assert DigestSent.objects.count() == 3
    assert "ayse joined" in sent["founder@example.org"][0].body  # the founder's news is what the others did


def test_the_digest_queues_one_mail_per_member(digest_crew, django_capture_on_commit_callbacks):
    """A member of two busy spaces is queued once, not once per space."""
    with django_capture_on_commit_callbacks(execute=True):
        queued = send_weekly_digests.delay().get()
    assert queued == 4  # the founder, ayse, ben, carla
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests.delay().get() == 0


def test_the_space_page_keeps_the_digest_choice(client, digest_crew):
    one, ben = digest_crew["one"], digest_crew["ben"]
    opt_out(client, ben, one)
    box = BeautifulSoup(client.get(f"/en/spaces/{one.slug}/").content, "html.parser").find("input", {"name": "digest"})
    assert not box.has_attr("checked")
    signed_in(client, ben).post(f"/en/spaces/{one.slug}/digest/", {"digest": "on"})
    box = BeautifulSoup(client.get(f"/en/spaces/{one.slug}/").content, "html.parser").find("input", {"name": "digest"})
    assert box.has_attr("checked")
