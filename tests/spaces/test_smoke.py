"""A first walk through a space over HTTP: start, join, see, leave."""

import pytest

from spaces.models import Membership, Space
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_starts_a_space_and_another_joins_and_leaves(client, founder):
    client.force_login(founder)
    response = client.post(
        "/en/spaces/+new/",
        {
            "name_en": "Study circle: platform co-ops",
            "name_tr": "",
            "purpose_en": "Read together.",
            "purpose_tr": "",
            "visibility": "public",
            "joining": "open",
            "member_limit": "10",
        },
    )
    assert response.status_code == 302
    space = Space.objects.get()
    assert response["Location"] == f"/en/spaces/{space.slug}/"
    assert client.get("/en/spaces/").content.decode().count("Study circle: platform co-ops") == 1

    steward = UserFactory(username="steward")
    client.force_login(steward)
    assert client.post(f"/en/spaces/{space.slug}/join/").status_code == 302
    assert Membership.objects.filter(space=space, member=steward, status="active").exists()
    page = client.get(f"/en/spaces/{space.slug}/").content.decode()
    assert "2 members" in page and "Leave the space" in page
    assert client.post(f"/en/spaces/{space.slug}/leave/").status_code == 302
    assert not Membership.objects.filter(space=space, member=steward).exists()
