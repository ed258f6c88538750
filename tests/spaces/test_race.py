"""Thirty people press "Join" on a space with ten places at the same instant, through the site, in threads.

Each thread is its own browser (a test client with its own session) and its own database connection,
so only the services' locks keep the count right: on SQLite and on PostgreSQL alike.
"""

import pytest
from django.test import Client

from spaces.models import Membership, Space
from tests.factories import UserFactory
from tests.threads import at_once

from .conftest import page_text, translated

# serialized_rollback restores what the migrations made (Wagtail's root collection, locales) after the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PEOPLE = 30
PLACES = 10
FULL = "This space is full: it has no place for another member."


def browsers(count: int) -> list[tuple]:
    """``(user, client, language)`` for ``count`` new members, signed in, half reading English, half Turkish."""
    people = []
    for n in range(count):
        user = UserFactory(username=f"racer{n:02d}")
        client = Client()
        client.force_login(user)
        people.append((user, client, "en" if n % 2 else "tr"))
    return people


def press_join(space):
    def press(person):
        _, client, language = person
        response = client.post(f"/{language}/spaces/{space.slug}/join/")
        return response.status_code, page_text(response) if response.status_code != 302 else ""

    return press


def test_thirty_join_ten_places_at_once(make_space, founder):
    space = make_space("Platform co-ops", member_limit=PLACES + 1)  # the founder holds one place
    people = browsers(PEOPLE)
    results = at_once(press_join(space), people)

    errors = [result for result in results if isinstance(result, Exception)]
    assert not errors, errors
    joined = [person for person, (status, _) in zip(people, results, strict=True) if status == 302]
    refused = [(person, page) for person, (status, page) in zip(people, results, strict=True) if status != 302]
    assert len(joined) == PLACES
    assert {status for status, _ in results if status != 302} == {409}
    for (user, _, language), page in refused:
        assert translated(FULL, language) in page, (user, language)
    members = Membership.objects.filter(space=space, status="active")
    assert members.count() == PLACES + 1
    assert set(members.exclude(member=founder).values_list("member_id", flat=True)) == {user.pk for user, *_ in joined}
    assert not Membership.objects.filter(space=space).exclude(status="active").exists()


def test_thirty_join_ten_places_with_a_waiting_list_at_once(make_space, founder):
    space = make_space("Platform co-ops", member_limit=PLACES + 1, waiting_list=True)
    people = browsers(PEOPLE)
    results = at_once(press_join(space), people)

    assert not [result for result in results if isinstance(result, Exception)]
    assert [status for status, _ in results] == [302] * PEOPLE
    places = Membership.objects.filter(space=space).exclude(member=founder)
    assert places.filter(status="active").count() == PLACES
    waiting = list(places.filter(status="waiting").order_by("created_at", "id"))
    assert len(waiting) == PEOPLE - PLACES
    # Those waiting came after every one who got a place, and the coordinator sees them in their order.
    assert max(m.created_at for m in places.filter(status="active")) <= waiting[0].created_at
    coordinator = Client()
    coordinator.force_login(founder)
    page = page_text(coordinator.get(f"/en/spaces/{space.slug}/members/"))
    listed = page[page.index("Waiting list") :]
    positions = [listed.index(m.member.get_username()) for m in waiting]
    assert positions == sorted(positions)

    # The places free up in turn: the first waiting takes the first place, and so on.
    from spaces.services import space_leave

    leavers = list(places.filter(status="active")[:3])
    for membership in leavers:
        space_leave(space=space, member=membership.member)
    promoted = set(Membership.objects.filter(space=space, status="active").values_list("member_id", flat=True))
    assert {m.member_id for m in waiting[:3]} <= promoted
    assert all(Membership.objects.get(pk=m.pk).status == "waiting" for m in waiting[3:])


def test_thirty_answer_the_same_request_at_once(make_space, founder):
    """Thirty coordinator clicks on "Accept" (a double-click, many tabs): one acceptance, one mail."""
    from django.core import mail

    space = make_space("Commons critique", joining="request")
    asker = UserFactory(username="asker")
    asking = Client()
    asking.force_login(asker)
    assert asking.post(f"/en/spaces/{space.slug}/join/").status_code == 302
    tabs = []
    for _ in range(PEOPLE):
        tab = Client()
        tab.force_login(founder)
        tabs.append(tab)
    mail.outbox.clear()
    results = at_once(lambda tab: tab.post(f"/en/spaces/{space.slug}/members/{asker.pk}/accept/").status_code, tabs)
    assert sorted(results) == [302] + [409] * (PEOPLE - 1)
    assert Membership.objects.get(space=space, member=asker).status == "active"
    assert len([m for m in mail.outbox if asker.email in m.to]) == 1


def test_one_invitation_link_used_by_ten_at_once_lets_one_in(make_space, founder):
    """A link passed round a group chat: whoever is first is in, the others read that it was used."""
    from spaces.services import invitation_create

    space = make_space("Couriers organising", joining="invitation")
    token = invitation_create(space=space, by=founder).token
    people = browsers(10)

    def accept(person):
        _, client, language = person
        response = client.post(f"/{language}/spaces/+invitation/{token}/")
        return response.status_code, page_text(response) if response.status_code != 302 else ""

    results = at_once(accept, people)
    assert not [result for result in results if isinstance(result, Exception)]
    assert sorted(status for status, _ in results) == [302] + [410] * 9
    used = "This invitation has been used already; ask the space's coordinators for a new one."
    for (_, _, language), (status, page) in zip(people, results, strict=True):
        if status == 410:
            assert translated(used, language) in page
    (winner,) = [user for (user, _, _), (status, _) in zip(people, results, strict=True) if status == 302]
    assert set(Membership.objects.filter(space=space).values_list("member_id", flat=True)) == {founder.pk, winner.pk}
    from spaces.models import Invitation

    assert Invitation.objects.get().used_by == winner


def test_five_leave_at_once_and_the_first_five_waiting_take_their_places(make_space, founder):
    from spaces.services import space_join

    space = make_space("Platform co-ops", member_limit=PLACES + 1, waiting_list=True)
    people = browsers(PLACES + 10)
    for user, _, _ in people:  # one after another: the waiting list's order is the order here
        space_join(space=space, member=user)
    members, waiting = people[:PLACES], people[PLACES:]
    assert all(Membership.objects.get(space=space, member=user).status == "waiting" for user, _, _ in waiting)

    results = at_once(lambda person: person[1].post(f"/en/spaces/{space.slug}/leave/").status_code, members[:5])
    assert results == [302] * 5
    status = dict(Membership.objects.filter(space=space).values_list("member_id", "status"))
    assert [status.get(user.pk) for user, _, _ in waiting] == ["active"] * 5 + ["waiting"] * 5
    assert list(status.values()).count("active") == PLACES + 1


def test_ten_people_starting_spaces_at_once_each_get_theirs():
    """Each space's files get a Wagtail collection under the root one; ten made at once must not collide."""
    people = browsers(10)

    def start(person):
        user, client, language = person
        form = {"name_en": f"Circle of {user.username}", "visibility": "public", "joining": "open"}
        return client.post(f"/{language}/spaces/+new/", form).status_code

    assert at_once(start, people) == [302] * 10
    assert Space.objects.count() == 10
    assert len({space.collection_id for space in Space.objects.all()}) == 10
