"""Joining a space through its pages: open, on request, by invitation; the member limit and the waiting list.

Every refusal is checked as the member reads it (in English and Turkish), with its status, and with
the database unchanged; mails are checked in the outbox, in each member's own language.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from spaces import services
from spaces.models import Invitation, Membership, Notice, Space
from suite.links import site_url
from tests.factories import UserFactory

from .conftest import BARE_HOST, enrol, mails_to, page_text, place_of, signed_in, translated

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "tr"]
ACTIVE = ("member", "active")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent(): client.post(...)``: the notices the request queues are mailed (Celery runs eagerly)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def shown(client, response) -> str:
    """The text of the page a redirect leads to (where the NLU host shows the message of what happened)."""
    assert response.status_code in (302, 303), response.status_code
    return page_text(client.get(response["Location"]))


def snapshot(space) -> list:
    return sorted(Membership.objects.filter(space=space).values_list("member_id", "role", "status"))


# Open spaces


@pytest.mark.parametrize("language", LANGUAGES)
def test_joining_an_open_space_makes_a_member_at_once(client, make_space, language):
    space = make_space("Platform co-ops")
    newcomer = UserFactory()
    response = signed_in(client, newcomer).post(f"/{language}/spaces/{space.slug}/join/")
    assert response.status_code == 302 and response["Location"] == f"/{language}/spaces/{space.slug}/"
    assert place_of(space, newcomer) == ACTIVE
    page = shown(client, response)
    assert translated("Leave the space", language) in page
    if not BARE_HOST:
        assert translated("Welcome: you are a member of this space.", language) in page
    assert "2 members" in page_text(client.get(f"/en/spaces/{space.slug}/"))
    assert newcomer.get_username() in page_text(client.get(f"/en/spaces/{space.slug}/members/"))


def test_a_visitor_who_joins_is_sent_to_sign_in_first(client, make_space):
    space = make_space()
    response = client.post(f"/en/spaces/{space.slug}/join/")
    assert response.status_code == 302 and "next=" in response["Location"]
    assert Membership.objects.filter(space=space).count() == 1


def test_joining_is_a_post(client, make_space):
    space = make_space()
    assert signed_in(client, UserFactory()).get(f"/en/spaces/{space.slug}/join/").status_code == 405
    assert Membership.objects.filter(space=space).count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_joining_twice_is_refused_and_changes_nothing(client, make_space, language):
    space = make_space()
    member = UserFactory()
    signed_in(client, member).post(f"/{language}/spaces/{space.slug}/join/")
    before = snapshot(space)
    response = client.post(f"/{language}/spaces/{space.slug}/join/")
    assert response.status_code == 409
    assert translated("You are already a member of this space.", language) in page_text(response)
    assert snapshot(space) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_leaving_when_not_a_member_is_refused(client, make_space, language):
    space = make_space()
    before = snapshot(space)
    response = signed_in(client, UserFactory()).post(f"/{language}/spaces/{space.slug}/leave/")
    assert response.status_code == 409
    assert translated("You are not a member of this space.", language) in page_text(response)
    assert snapshot(space) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_leaves(client, make_space, add_member, language):
    space = make_space()
    member = add_member(space)
    response = signed_in(client, member).post(f"/{language}/spaces/{space.slug}/leave/")
    assert response.status_code == 302 and place_of(space, member) is None
    page = shown(client, response)
    assert translated("Join the space", language) in page
    if not BARE_HOST:
        assert translated("You have left the space.", language) in page


@pytest.mark.parametrize(
    "path", ["join/", "leave/", "invite/", "members/", "members/1/accept/", "members/1/remove/", "digest/"]
)
def test_an_unknown_space_is_not_found(client, path):
    member = UserFactory()
    assert signed_in(client, member).post(f"/en/spaces/no-such-space/{path}").status_code == 404
    if path == "members/":
        assert client.get(f"/tr/spaces/no-such-space/{path}").status_code == 404
    assert not Membership.objects.exists()


def test_a_members_only_space_cannot_be_joined_by_someone_it_is_hidden_from(client, members_only):
    """Only its members see a members-only space: for everyone else it is not there, even to join."""
    members_only.joining = Space.Joining.OPEN
    members_only.save()
    outsider = UserFactory()
    assert signed_in(client, outsider).post(f"/en/spaces/{members_only.slug}/join/").status_code == 404
    assert place_of(members_only, outsider) is None


# On request


@pytest.fixture
def on_request(make_space):
    return make_space(
        "Commons critique", joining=Space.Joining.REQUEST, translations={"name_tr": "Müşterekler eleştirisi"}
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_asking_to_join_waits_for_a_coordinator(client, on_request, founder, sent, language):
    asker = UserFactory(username="asker", language=language)
    with sent():
        response = signed_in(client, asker).post(f"/{language}/spaces/{on_request.slug}/join/")
    assert response.status_code == 302
    assert place_of(on_request, asker) == ("member", "requested")
    page = shown(client, response)
    assert translated("You have asked to join; a coordinator will answer.", language) in page
    assert translated("Withdraw the request", language) in page
    if not BARE_HOST:
        assert (
            translated("Your request is sent: a coordinator will answer, and you will be told by e-mail.", language)
            in page
        )
    # Not yet a member: the count stays at the founder alone.
    assert "1 member" in page_text(client.get(f"/en/spaces/{on_request.slug}/"))
    # The coordinator is told, and sees the request on the members page.
    (notice,) = mails_to(founder)
    assert "asker" in notice.subject and "asker" in notice.body and f"/spaces/{on_request.slug}/members/" in notice.body
    members_page = page_text(signed_in(client, founder).get(f"/en/spaces/{on_request.slug}/members/"))
    assert "Asking to join" in members_page and "asker" in members_page


@pytest.mark.parametrize("language", LANGUAGES)
def test_asking_twice_is_refused(client, on_request, language):
    asker = UserFactory()
    signed_in(client, asker).post(f"/{language}/spaces/{on_request.slug}/join/")
    before = snapshot(on_request)
    response = client.post(f"/{language}/spaces/{on_request.slug}/join/")
    assert response.status_code == 409
    assert translated("You have asked to join already; a coordinator will answer.", language) in page_text(response)
    assert snapshot(on_request) == before


def test_an_asker_withdraws_the_request(client, on_request):
    asker = UserFactory()
    signed_in(client, asker).post(f"/en/spaces/{on_request.slug}/join/")
    assert client.post(f"/en/spaces/{on_request.slug}/leave/").status_code == 302
    assert place_of(on_request, asker) is None
    response = signed_in(client, on_request.founder).post(f"/en/spaces/{on_request.slug}/members/{asker.pk}/accept/")
    assert response.status_code == 409 and place_of(on_request, asker) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_coordinator_accepts_and_the_member_is_told_in_their_language(client, on_request, founder, sent, language):
    asker = UserFactory(language=language)
    signed_in(client, asker).post(f"/en/spaces/{on_request.slug}/join/")
    mail.outbox.clear()
    with sent():
        response = signed_in(client, founder).post(f"/en/spaces/{on_request.slug}/members/{asker.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == f"/en/spaces/{on_request.slug}/members/"
    if not BARE_HOST:
        assert "The request is accepted; the member is told by e-mail." in shown(client, response)
    assert place_of(on_request, asker) == ACTIVE
    (welcome,) = mails_to(asker)
    name = {"en": "Commons critique", "tr": "Müşterekler eleştirisi"}[language]
    assert welcome.subject == translated("Welcome to %(space)s", language) % {"space": name}
    assert translated("Your request to join “%(space)s” is accepted: welcome.", language) % {"space": name} in (
        welcome.body
    )
    assert f"/spaces/{on_request.slug}/" in welcome.body
    assert Notice.objects.get(member=asker).mailed_at is not None
    assert asker.get_username() in page_text(client.get(f"/en/spaces/{on_request.slug}/members/"))


def test_an_english_and_a_turkish_member_each_read_the_answer_in_their_language(client, on_request, founder, sent):
    english, turkish = UserFactory(username="ed", language="en"), UserFactory(username="ayse", language="tr")
    for asker in (english, turkish):
        signed_in(client, asker).post(f"/en/spaces/{on_request.slug}/join/")
    mail.outbox.clear()
    with sent():
        signed_in(client, founder).post(f"/en/spaces/{on_request.slug}/members/{english.pk}/accept/")
        signed_in(client, founder).post(f"/en/spaces/{on_request.slug}/members/{turkish.pk}/decline/")
    (to_english,), (to_turkish,) = mails_to(english), mails_to(turkish)
    assert to_english.subject == "Welcome to Commons critique"
    assert "Your request to join “Commons critique” is accepted: welcome." in to_english.body
    declined = translated("Your request to join “%(space)s” was declined.", "tr")
    assert to_turkish.subject == translated("Your request to join %(space)s", "tr") % {
        "space": "Müşterekler eleştirisi"
    }
    assert declined % {"space": "Müşterekler eleştirisi"} in to_turkish.body
    assert "declined" not in to_turkish.body and "Commons critique" not in to_turkish.body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_coordinator_declines(client, on_request, founder, sent, language):
    asker = UserFactory(language=language)
    signed_in(client, asker).post(f"/en/spaces/{on_request.slug}/join/")
    with sent():
        response = signed_in(client, founder).post(f"/{language}/spaces/{on_request.slug}/members/{asker.pk}/decline/")
    assert response.status_code == 302 and place_of(on_request, asker) is None
    if not BARE_HOST:
        assert translated("The request is declined; the member is told by e-mail.", language) in shown(client, response)
    (answer,) = mails_to(asker)
    name = {"en": "Commons critique", "tr": "Müşterekler eleştirisi"}[language]
    assert translated("Your request to join “%(space)s” was declined.", language) % {"space": name} in answer.body
    # Asking again is possible after a refusal.
    assert signed_in(client, asker).post(f"/en/spaces/{on_request.slug}/join/").status_code == 302
    assert place_of(on_request, asker) == ("member", "requested")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answering_a_request_twice_is_refused_and_changes_nothing(client, on_request, founder, sent, action, language):
    asker = UserFactory()
    signed_in(client, asker).post(f"/en/spaces/{on_request.slug}/join/")
    with sent():
        signed_in(client, founder).post(f"/en/spaces/{on_request.slug}/members/{asker.pk}/accept/")
    before, mails = snapshot(on_request), len(mail.outbox)
    with sent():
        response = client.post(f"/{language}/spaces/{on_request.slug}/members/{asker.pk}/{action}/")
    assert response.status_code == 409
    refusal = "There is no request from this member to answer (it may have been answered already)."
    assert translated(refusal, language) in page_text(response)
    assert snapshot(on_request) == before and len(mail.outbox) == mails
    assert place_of(on_request, asker) == ACTIVE


def test_answering_for_someone_who_never_asked_or_does_not_exist(client, on_request, founder):
    stranger = UserFactory()
    signed_in(client, founder)
    assert client.post(f"/en/spaces/{on_request.slug}/members/{stranger.pk}/accept/").status_code == 409
    assert client.post(f"/en/spaces/{on_request.slug}/members/999999/accept/").status_code == 404
    assert client.post(f"/en/spaces/{on_request.slug}/members/{stranger.pk}/promote/").status_code == 404
    assert place_of(on_request, stranger) is None


# By invitation


@pytest.fixture
def by_invitation(make_space):
    return make_space("Couriers organising", joining=Space.Joining.INVITATION)


def invite(client, space, coordinator) -> str:
    """The invitation link a coordinator makes, as its path; the members page lists it."""
    response = signed_in(client, coordinator).post(f"/en/spaces/{space.slug}/invite/")
    assert response.status_code == 302
    invitation = Invitation.objects.filter(space=space).latest("created_at")
    path = f"/en/spaces/+invitation/{invitation.token}/"
    # On the site's address (SITE_URL), whatever host the coordinator reached the site by.
    assert site_url() + path in page_text(client.get(response["Location"]))
    return path


def assert_refused(client, user, path: str, status: int, refusal: str) -> None:
    """Opening the invitation and accepting it are both refused, with ``status`` and the reason shown."""
    for method in (client.get, client.post):
        signed_in(client, user)
        response = method(path)
        assert response.status_code == status and refusal in page_text(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_joining_a_space_by_invitation_without_one_is_refused(client, by_invitation, language):
    outsider = UserFactory()
    response = signed_in(client, outsider).post(f"/{language}/spaces/{by_invitation.slug}/join/")
    assert response.status_code == 403
    assert translated("This space takes new members by invitation only.", language) in page_text(response)
    assert place_of(by_invitation, outsider) is None
    page = page_text(client.get(f"/{language}/spaces/{by_invitation.slug}/"))
    assert translated("This space takes new members by invitation: ask one of its coordinators.", language) in page


def test_an_invitation_lets_one_person_in_once(client, by_invitation, founder):
    path = invite(client, by_invitation, founder)
    if not BARE_HOST:
        message = page_text(client.get(f"/en/spaces/{by_invitation.slug}/members/"))
        assert "it works once" in message or path in message
    guest = UserFactory()
    page = page_text(signed_in(client, guest).get(path))
    assert "You are invited to Couriers organising" in page and "Accept and join" in page
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == f"/en/spaces/{by_invitation.slug}/"
    assert place_of(by_invitation, guest) == ACTIVE
    invitation = Invitation.objects.get()
    assert invitation.used_by == guest and invitation.used_at is not None
    assert "Leave the space" in shown(client, response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_coordinator_who_steps_down_takes_back_the_links_they_made(client, by_invitation, founder, language):
    """Removed or made a member again, they could otherwise still let anyone in for two weeks."""
    second = enrol(by_invitation, coordinator=True)
    path = invite(client, by_invitation, second).replace("/en/", f"/{language}/", 1)
    services.role_set(space=by_invitation, by=founder, member=second, role=Membership.Role.MEMBER)
    assert path.split("/")[-2] not in page_text(
        signed_in(client, founder).get(f"/en/spaces/{by_invitation.slug}/members/")
    )
    guest = UserFactory()
    response = signed_in(client, guest).post(path)
    assert response.status_code == 410
    withdrawn = "Whoever made this invitation no longer coordinates the space; ask its coordinators for a new one."
    assert translated(withdrawn, language) in page_text(response)
    token = path.split("/")[-2]
    assert place_of(by_invitation, guest) is None and Invitation.objects.get(token=token).used_at is None


def test_a_visitor_signs_in_before_accepting(client, by_invitation, founder):
    path = invite(client, by_invitation, founder)
    client.logout()
    assert "Sign in to accept" in page_text(client.get(path))
    response = client.post(path)
    assert response.status_code == 302 and "next=" in response["Location"]
    assert Membership.objects.filter(space=by_invitation).count() == 1
    assert Invitation.objects.get().used_at is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_used_invitation_is_refused(client, by_invitation, founder, language):
    path = invite(client, by_invitation, founder).replace("/en/", f"/{language}/", 1)
    first, second = UserFactory(), UserFactory()
    assert signed_in(client, first).post(path).status_code == 302
    before = snapshot(by_invitation)
    refusal = translated("This invitation has been used already; ask the space's coordinators for a new one.", language)
    assert_refused(client, second, path, 410, refusal)
    assert snapshot(by_invitation) == before and place_of(by_invitation, second) is None
    assert Invitation.objects.get().used_by == first


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_expired_invitation_is_refused(client, by_invitation, founder, language):
    path = invite(client, by_invitation, founder).replace("/en/", f"/{language}/", 1)
    invitation = Invitation.objects.get()
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)  # SPACES_INVITATION_DAYS: 14
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    guest = UserFactory()
    refusal = translated("This invitation has expired; ask the space's coordinators for a new one.", language)
    assert_refused(client, guest, path, 410, refusal)
    token = path.split("/")[-2]
    assert place_of(by_invitation, guest) is None and Invitation.objects.get(token=token).used_at is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_invitation_is_refused(client, by_invitation, founder, language):
    path = invite(client, by_invitation, founder)
    guest = UserFactory()
    refusal = translated("This invitation link is not known: check that it was copied whole.", language)
    for wrong in (path[:-5] + "/", f"/{language}/spaces/+invitation/nothing-like-it/"):
        wrong = wrong.replace("/en/", f"/{language}/", 1)
        assert_refused(client, guest, wrong, 404, refusal)
    token = path.split("/")[-2]
    assert place_of(by_invitation, guest) is None and Invitation.objects.get(token=token).used_at is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_cannot_use_up_an_invitation(client, by_invitation, founder, language):
    path = invite(client, by_invitation, founder).replace("/en/", f"/{language}/", 1)
    response = signed_in(client, founder).post(path)
    assert response.status_code == 409
    assert translated("You are already a member of this space.", language) in page_text(response)
    assert Invitation.objects.get().used_at is None
    guest = UserFactory()
    assert signed_in(client, guest).post(path).status_code == 302 and place_of(by_invitation, guest) == ACTIVE


def test_an_invitation_opens_a_members_only_space(client, members_only, founder):
    """A members-only space is hidden from its guest until the invitation lets them in."""
    guest = UserFactory()
    assert signed_in(client, guest).get(f"/en/spaces/{members_only.slug}/").status_code == 404
    path = invite(client, members_only, founder)
    page = page_text(signed_in(client, guest).get(path))
    assert "You are invited to Couriers organising" in page
    assert client.post(path).status_code == 302
    assert place_of(members_only, guest) == ACTIVE
    assert client.get(f"/en/spaces/{members_only.slug}/").status_code == 200


def test_an_invitation_grants_a_request_waiting(client, make_space, founder):
    space = make_space(joining=Space.Joining.REQUEST)
    asker = UserFactory()
    signed_in(client, asker).post(f"/en/spaces/{space.slug}/join/")
    path = invite(client, space, founder)
    assert signed_in(client, asker).post(path).status_code == 302
    assert place_of(space, asker) == ACTIVE and Membership.objects.filter(space=space).count() == 2


def test_invitations_are_single_and_separate(client, by_invitation, founder):
    first, second = invite(client, by_invitation, founder), invite(client, by_invitation, founder)
    assert first != second
    guests = UserFactory(), UserFactory()
    for path, guest in zip((first, second), guests, strict=True):
        assert signed_in(client, guest).post(path).status_code == 302
    assert all(place_of(by_invitation, guest) == ACTIVE for guest in guests)


# The member limit and the waiting list


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_space_refuses_another_member(client, make_space, add_member, language):
    space = make_space(member_limit=2)
    add_member(space)
    late = UserFactory()
    before = snapshot(space)
    response = signed_in(client, late).post(f"/{language}/spaces/{space.slug}/join/")
    assert response.status_code == 409
    assert translated("This space is full: it has no place for another member.", language) in page_text(response)
    assert snapshot(space) == before
    assert translated("at most %(limit)s", language) % {"limit": 2} in page_text(
        client.get(f"/{language}/spaces/{space.slug}/")
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_accepting_a_request_into_a_full_space_keeps_the_request(client, make_space, add_member, founder, language):
    space = make_space(joining=Space.Joining.REQUEST, member_limit=2)
    asker, late = UserFactory(), UserFactory()
    signed_in(client, asker).post(f"/en/spaces/{space.slug}/join/")
    signed_in(client, late).post(f"/en/spaces/{space.slug}/join/")
    signed_in(client, founder).post(f"/en/spaces/{space.slug}/members/{asker.pk}/accept/")
    before = snapshot(space)
    response = client.post(f"/{language}/spaces/{space.slug}/members/{late.pk}/accept/")
    assert response.status_code == 409
    assert translated("This space is full: it has no place for another member.", language) in page_text(response)
    assert snapshot(space) == before and place_of(space, late) == ("member", "requested")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_invitation_into_a_full_space_is_kept_for_later(client, by_invitation, founder, add_member, language):
    path = invite(client, by_invitation, founder).replace("/en/", f"/{language}/", 1)
    Space.objects.filter(pk=by_invitation.pk).update(member_limit=1)
    guest = UserFactory()
    response = signed_in(client, guest).post(path)
    assert response.status_code == 409
    assert translated("This space is full: it has no place for another member.", language) in page_text(response)
    token = path.split("/")[-2]
    assert place_of(by_invitation, guest) is None and Invitation.objects.get(token=token).used_at is None


@pytest.fixture
def with_waiting_list(make_space):
    return make_space("Reading group", member_limit=2, waiting_list=True, translations={"name_tr": "Okuma grubu"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_space_with_a_waiting_list_puts_newcomers_on_it(client, with_waiting_list, add_member, language):
    add_member(with_waiting_list)
    late = UserFactory()
    response = signed_in(client, late).post(f"/{language}/spaces/{with_waiting_list.slug}/join/")
    assert response.status_code == 302 and place_of(with_waiting_list, late) == ("member", "waiting")
    page = shown(client, response)
    assert translated("You are on the waiting list.", language) in page
    assert translated("Leave the waiting list", language) in page
    if not BARE_HOST:
        message = "The space is full: you are on its waiting list and will be told when a place is yours."
        assert translated(message, language) in page
    response = client.post(f"/{language}/spaces/{with_waiting_list.slug}/join/")
    assert response.status_code == 409
    assert translated("You are on the waiting list already.", language) in page_text(response)
    assert "2 members" in page_text(client.get(f"/en/spaces/{with_waiting_list.slug}/"))


def test_the_waiting_list_moves_up_first_come_first_served(client, with_waiting_list, add_member, founder, sent):
    member = add_member(with_waiting_list)
    first, second, third = (
        UserFactory(username="first", language="tr"),
        UserFactory(username="second"),
        UserFactory(username="third"),
    )
    for late in (first, second, third):
        assert signed_in(client, late).post(f"/en/spaces/{with_waiting_list.slug}/join/").status_code == 302
    waiting = page_text(signed_in(client, founder).get(f"/en/spaces/{with_waiting_list.slug}/members/"))
    assert "Waiting list" in waiting
    assert waiting.index("first") < waiting.index("second") < waiting.index("third")

    mail.outbox.clear()
    with sent():
        assert signed_in(client, member).post(f"/en/spaces/{with_waiting_list.slug}/leave/").status_code == 302
    assert place_of(with_waiting_list, first) == ACTIVE
    assert place_of(with_waiting_list, second) == place_of(with_waiting_list, third) == ("member", "waiting")
    (told,) = mails_to(first)  # in Turkish, the first's language
    assert told.subject == translated("A place is yours in %(space)s", "tr") % {"space": "Okuma grubu"}
    promoted = "A place has freed up in “%(space)s” and it is yours: you are now a member."
    assert translated(promoted, "tr") % {"space": "Okuma grubu"} in told.body
    assert not mails_to(second) and not mails_to(third)
    assert "Leave the space" in page_text(signed_in(client, first).get(f"/en/spaces/{with_waiting_list.slug}/"))

    # One who stops waiting gives up their turn; the next place goes to the third.
    assert signed_in(client, second).post(f"/en/spaces/{with_waiting_list.slug}/leave/").status_code == 302
    assert place_of(with_waiting_list, second) is None
    with sent():
        signed_in(client, founder).post(f"/en/spaces/{with_waiting_list.slug}/members/{first.pk}/remove/")
    assert place_of(with_waiting_list, third) == ACTIVE and len(mails_to(third)) == 1
    assert Membership.objects.filter(space=with_waiting_list, status="active").count() == 2


def test_a_larger_limit_lets_those_waiting_in(client, with_waiting_list, add_member, founder):
    add_member(with_waiting_list)
    late = [add_member(with_waiting_list) for _ in range(3)]
    response = signed_in(client, founder).post(
        f"/en/spaces/{with_waiting_list.slug}/edit/",
        {
            "name_en": "Reading group",
            "name_tr": "Okuma grubu",
            "visibility": "public",
            "joining": "open",
            "member_limit": "4",
            "waiting_list": "on",
        },
    )
    assert response.status_code == 302
    assert [place_of(with_waiting_list, user)[1] for user in late] == ["active", "active", "waiting"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_accepted_into_a_full_space_waits_and_the_member_is_told_so(
    client, make_space, add_member, founder, sent, language
):
    """Accepted while every place is taken: on the waiting list, and the mail says so rather than "welcome"."""
    space = make_space(
        "Reading group",
        joining=Space.Joining.REQUEST,
        member_limit=1,
        waiting_list=True,
        translations={"name_tr": "Okuma grubu"},
    )
    asker = UserFactory(language=language)
    signed_in(client, asker).post(f"/en/spaces/{space.slug}/join/")
    mail.outbox.clear()
    with sent():
        response = signed_in(client, founder).post(f"/en/spaces/{space.slug}/members/{asker.pk}/accept/")
    assert response.status_code == 302 and place_of(space, asker) == ("member", "waiting")
    (told,) = mails_to(asker)
    name = {"en": "Reading group", "tr": "Okuma grubu"}[language]
    waiting = "The space is full: you are on its waiting list and will be told when a place is yours."
    assert translated(waiting, language) in told.body
    assert told.subject != translated("Welcome to %(space)s", language) % {"space": name}
    assert translated("Your request to join “%(space)s” is accepted: welcome.", language) % {"space": name} not in (
        told.body
    )
    assert translated("You are on the waiting list.", language) in page_text(
        signed_in(client, asker).get(f"/{language}/spaces/{space.slug}/")
    )


def test_each_coordinator_hears_of_a_request_in_their_own_language(client, on_request, founder, add_member, sent):
    from spaces.services import role_set

    Space.objects.filter(pk=on_request.pk).update(joining=Space.Joining.OPEN)
    turkish = add_member(on_request, username="ayse", language="tr")
    role_set(space=on_request, by=founder, member=turkish, role="coordinator")
    Space.objects.filter(pk=on_request.pk).update(joining=Space.Joining.REQUEST)
    mail.outbox.clear()
    with sent():
        signed_in(client, UserFactory(username="asker")).post(f"/en/spaces/{on_request.slug}/join/")
    (to_founder,), (to_turkish,) = mails_to(founder), mails_to(turkish)
    assert to_founder.subject == "asker asks to join Commons critique"
    assert to_turkish.subject == translated("%(member)s asks to join %(space)s", "tr") % {
        "member": "asker",
        "space": "Müşterekler eleştirisi",
    }
    assert "/tr/spaces/" in to_turkish.body and "/en/spaces/" in to_founder.body


def test_leaving_a_members_only_space_leads_back_to_the_list(client, members_only, founder):
    from spaces.services import invitation_accept, invitation_create

    member = UserFactory()
    invitation_accept(token=invitation_create(space=members_only, by=founder).token, member=member)
    response = signed_in(client, member).post(f"/en/spaces/{members_only.slug}/leave/")
    assert response.status_code == 302 and response["Location"] == "/en/spaces/"
    if not BARE_HOST:
        assert "You have left the space." in page_text(client.get(response["Location"]))
    assert place_of(members_only, member) is None
    assert client.get(f"/en/spaces/{members_only.slug}/").status_code == 404
