"""The spaces list, a space's page and its activity feed cost the same number of queries with 10 spaces and with
1,000 (and with a few or many members, files and lines of activity in the space read), for a visitor and a member."""

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model

from spaces import services
from spaces.models import Activity, Membership, Space
from spaces.selectors import feed_token
from wiki.services import page_create

from .conftest import enrol, signed_in, upload

pytestmark = pytest.mark.django_db

numbers = itertools.count()


def grow(space, member, *, spaces: int, news: int, files: int) -> None:
    """Bulk rows up to ``spaces`` spaces (a third members-only, the member in every fourth, each with a member
    and two lines of news), and ``news`` lines of activity and ``files`` files more in ``space``, by new people."""
    User = get_user_model()
    batch = next(numbers)
    people = User.objects.bulk_create(
        User(username=f"bulk{batch}-{n}", email=f"bulk{batch}-{n}@example.org") for n in range(max(news, files, 1))
    )
    start = Space.objects.count()
    made = Space.objects.bulk_create(
        Space(
            slug=f"bulk-{n}",
            name=f"Working group {n}",
            name_en=f"Working group {n}",
            purpose=f"Group {n} reads together.",
            purpose_en=f"Group {n} reads together.",
            visibility=Space.Visibility.MEMBERS if n % 3 == 0 else Space.Visibility.PUBLIC,
            founder=people[0],
            created_at=timezone.now() - datetime.timedelta(minutes=n),
        )
        for n in range(start, spaces)
    )
    made = list(Space.objects.filter(slug__in=[s.slug for s in made]))
    Membership.objects.bulk_create(
        [Membership(space=s, member=people[0], role=Membership.Role.COORDINATOR) for s in made]
        + [Membership(space=s, member=member) for n, s in enumerate(made) if n % 4 == 0]
        + [Membership(space=space, member=person) for person in people]
    )
    Activity.objects.bulk_create(
        Activity(space=s, kind=kind, actor=people[0])
        for s in made
        for kind in (Activity.Kind.STARTED, Activity.Kind.JOINED)
    )
    page = space.activities.filter(page__isnull=False).first().page
    document = space.activities.filter(document__isnull=False).first().document
    webinar = space.activities.filter(webinar__isnull=False).first().webinar
    about = itertools.cycle([{"page": page}, {"document": document}, {"webinar": webinar}, {}])
    Activity.objects.bulk_create(
        Activity(space=space, kind=Activity.Kind.PAGE, actor=people[n], subject=f"Line {batch}-{n}", **next(about))
        for n in range(news)
    )
    get_document_model().objects.bulk_create(
        get_document_model()(
            title=f"File {batch}-{n}",
            file=f"documents/file-{batch}-{n}.pdf",
            file_size=1000 + n,
            collection_id=space.collection_id,
            uploaded_by_user=people[n],
        )
        for n in range(files)
    )


def count(client, address: str) -> int:
    assert client.get(address).status_code == 200  # warms what is made once (a feed token, caches)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_the_same_queries_at_10_and_1000_spaces(make_space, founder, visibility):
    space = make_space("Platform co-ops", visibility=visibility)
    member = enrol(space, username="ayse")
    page_create(title="Reading list", language="en", text="Books.\n", author=member, scope=space.key)
    services.file_add(space=space, by=member, upload=upload("leaflet.pdf"), title="Leaflet")
    start = timezone.now().astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0) + datetime.timedelta(days=2)
    services.meeting_schedule(space=space, by=founder, start_local=start, timezone_name="UTC", occurrences=2)

    readers = {"member": signed_in(Client(), member)}
    if visibility == "public":
        readers["visitor"] = Client()
    token = feed_token(member)
    counts = {}
    for size, news, files in ((10, 3, 1), (1000, 80, 15)):
        grow(space, member, spaces=size, news=news, files=files)
        assert Space.objects.count() == size
        counts[size] = {
            (who, name): count(reader, address)
            for who, reader in readers.items()
            for name, address in {
                "list": "/en/spaces/",
                "list page 2": "/en/spaces/?page=2" if size > 30 else "/en/spaces/",
                "search": "/en/spaces/?q=group",
                "space": f"/en/spaces/{space.slug}/",
                "space page 2": f"/en/spaces/{space.slug}/?page=2" if news > 30 else f"/en/spaces/{space.slug}/",
                "files": f"/en/spaces/{space.slug}/files/",
                "members": f"/en/spaces/{space.slug}/members/",
                "feed": f"/en/spaces/{space.slug}/activity.atom"
                + ("" if visibility == "public" else f"?token={token}"),
            }.items()
        }
    assert counts[10] == counts[1000]
