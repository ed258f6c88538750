"""Who sees me: a member chooses how others read their name (name, initials or a pseudonym), and every
list others read names them so: rosters, attendance lists, space member lists, wiki histories, the board.

The apps only ever write str(member); the host's User.__str__ honours the choice.
"""

import datetime
import re

import pytest
from django.utils import timezone, translation

from courses.models import Enrolment
from nlu.closing import account_close
from nlu.models import User
from seminars import services as seminars
from seminars.models import Attendance
from spaces.services import space_join, space_start
from tests.courses.conftest import course_index, make_module, page_url  # noqa: F401 (fixtures)
from tests.factories import UserFactory
from tests.nlu.screen import html_lang, parse, text
from timebank.services import offer_create
from wiki.services import page_create

pytestmark = pytest.mark.django_db

PSEUDONYM = re.compile(r"^member [0-9a-f]{4,}$")
CHOICES = ["name", "initials", "pseudonym"]


def visible(response) -> str:
    """What a reader sees of a page: its text, not its markup."""
    return text(parse(response).select_one("main"))


def profile_form(member, **changes) -> dict:
    data = {"display_name": member.display_name, "shown_as": member.shown_as, "timezone": "", "language": "en"}
    return data | changes


def choose(client, member, shown_as: str) -> User:
    """``member`` chooses on their profile page how others see them; the member as saved."""
    client.force_login(member)
    response = client.post("/en/profile/", profile_form(member, shown_as=shown_as))
    assert response.status_code == 302, response.content.decode()
    client.logout()
    return User.objects.get(pk=member.pk)


def seen_as(member) -> str:
    """What others must read for ``member``, as they chose."""
    return {"name": "Ayşe Kaya", "initials": "A. K.", "pseudonym": member.pseudonym}[member.shown_as]


@pytest.fixture
def ayse(db):
    return UserFactory(username="akaya77", display_name="Ayşe Kaya", email="ayse.kaya@example.org", language="en")


# --- How str(user) names a member ----------------------------------------------------------------


def test_my_name_is_the_display_name_else_first_and_last_names_else_the_username():
    assert str(User(username="akaya77", display_name="Ayşe Kaya", first_name="Ayşe", last_name="Öz")) == "Ayşe Kaya"
    assert str(User(username="akaya77", first_name="Ayşe", last_name="Öztürk")) == "Ayşe Öztürk"
    assert str(User(username="akaya77")) == "akaya77"


@pytest.mark.parametrize(
    ("fields", "initials"),
    [
        ({"display_name": "Ayşe Kaya"}, "A. K."),
        ({"display_name": "mehmet ali yılmaz"}, "M. A. Y."),
        ({"display_name": "Şule", "first_name": "Ignored", "last_name": "Names"}, "Ş."),
        ({"first_name": "Çağrı", "last_name": "Öztürk"}, "Ç. Ö."),
        ({"username": "ayse.kaya"}, "A. K."),
        ({"username": "deniz_isik-2"}, "D. I. 2."),
        ({"username": "member17"}, "M."),
    ],
)
def test_initials_come_from_the_display_name_else_the_names_else_the_username(fields, initials):
    member = User(**{"username": "x", **fields}, shown_as=User.ShownAs.INITIALS)
    assert str(member) == initials


def test_a_pseudonym_is_made_when_first_needed_and_kept_across_saves(ayse):
    assert ayse.pseudonym == ""
    ayse.shown_as = User.ShownAs.PSEUDONYM
    ayse.save()

    first = str(ayse)
    assert PSEUDONYM.match(first)
    stored = User.objects.get(pk=ayse.pk)
    assert stored.pseudonym == first
    stored.display_name = "Ayşe K."
    stored.save()
    stored.shown_as = User.ShownAs.NAME
    stored.save()
    stored.shown_as = User.ShownAs.PSEUDONYM
    stored.save()

    again = User.objects.get(pk=ayse.pk)
    assert (str(again), again.pseudonym) == (first, first)


def test_two_copies_of_a_member_asking_at_once_get_the_same_pseudonym(ayse):
    one, other = User.objects.get(pk=ayse.pk), User.objects.get(pk=ayse.pk)

    made = one.ensure_pseudonym()

    assert other.pseudonym == ""
    assert other.ensure_pseudonym() == made
    assert User.objects.get(pk=ayse.pk).pseudonym == made


@pytest.mark.parametrize(
    "other",
    [
        {"pseudonym": "member 8f3a"},
        {"pseudonym": "former member 8f3a", "display_name": "former member 8f3a"},
        {"display_name": "Member 8F3A"},
    ],
    ids=["another member's", "a former member's", "someone's display name"],
)
def test_a_pseudonym_is_no_one_elses_and_grows_when_its_code_is_taken(ayse, monkeypatch, other):
    UserFactory(username="other", **other)
    codes = iter(["8f3a00", "8f3a1c00"])
    monkeypatch.setattr("nlu.models.secrets.token_hex", lambda size: next(codes))

    assert ayse.ensure_pseudonym() == "member 8f3a1"
    assert User.objects.get(pk=ayse.pk).pseudonym == "member 8f3a1"


def test_pseudonyms_of_many_members_are_all_different(db):
    members = [UserFactory(shown_as=User.ShownAs.PSEUDONYM) for _ in range(30)]
    pseudonyms = {str(member) for member in members}
    assert len(pseudonyms) == 30
    assert all(PSEUDONYM.match(p) for p in pseudonyms)


# --- The profile's setting -------------------------------------------------------------------------


def test_the_profile_offers_the_three_choices_each_showing_what_others_would_read(client, ayse):
    client.force_login(ayse)
    page = parse(client.get("/en/profile/"))

    fieldset = page.find("legend", string="Show me to others as").find_parent("fieldset")
    choices = {radio["value"]: text(radio.find_parent("label")) for radio in fieldset.select("input[type=radio]")}
    assert choices == {
        "name": "My name: Ayşe Kaya",
        "initials": "My initials: A. K.",
        "pseudonym": "A pseudonym, made for you once and kept (like “member 8f3a”)",
    }
    assert fieldset.select_one("input[checked]")["value"] == "name"
    assert "rosters, attendance lists" in text(fieldset.select_one(".help"))


@pytest.mark.parametrize("shown_as", CHOICES)
def test_the_profile_saves_the_choice(client, ayse, shown_as):
    saved = choose(client, ayse, shown_as)

    assert saved.shown_as == shown_as
    assert str(saved) == seen_as(saved)
    # Only a member who chose a pseudonym has one made.
    assert bool(saved.pseudonym) == (shown_as == "pseudonym")


def test_the_chosen_pseudonym_is_shown_on_the_profile_and_stays_when_choosing_again(client, ayse):
    first = choose(client, ayse, "pseudonym").pseudonym
    choose(client, ayse, "name")
    again = choose(client, ayse, "pseudonym")

    assert again.pseudonym == first
    client.force_login(again)
    page = parse(client.get("/en/profile/"))
    checked = page.select_one("input[name=shown_as][checked]")
    assert (checked["value"], text(checked.find_parent("label"))) == ("pseudonym", f"A pseudonym: {first}")


def test_a_profile_form_without_the_setting_keeps_the_choice(client, ayse):
    choose(client, ayse, "initials")
    client.force_login(ayse)

    response = client.post("/en/profile/", {"display_name": "Ayşe Kaya", "timezone": "", "language": "en"})

    assert response.status_code == 302
    assert User.objects.get(pk=ayse.pk).shown_as == "initials"


def test_an_unknown_choice_is_refused_and_nothing_saved(client, ayse):
    client.force_login(ayse)

    response = client.post("/en/profile/", profile_form(ayse, shown_as="everyone", display_name="Changed"))

    errors = [text(e) for e in parse(response).select("fieldset .error")]
    assert errors == ["Select a valid choice. everyone is not one of the available choices."]
    stored = User.objects.get(pk=ayse.pk)
    assert (stored.shown_as, stored.display_name, stored.pseudonym) == ("name", "Ayşe Kaya", "")


@pytest.mark.parametrize("name", ["member 8f3a", "Former Member 77AA", " member  0b1c2d "])
def test_a_display_name_like_a_pseudonym_is_refused(client, ayse, name):
    client.force_login(ayse)

    response = client.post("/en/profile/", profile_form(ayse, display_name=name))

    field = parse(response).find(attrs={"name": "display_name"}).find_parent(class_="field")
    assert [text(e) for e in field.select(".error")] == [
        "That looks like a pseudonym the site gives to members: choose another name."
    ]
    assert User.objects.get(pk=ayse.pk).display_name == "Ayşe Kaya"


def test_the_setting_reads_in_turkish_on_a_turkish_page(client, ayse):
    ayse.language = "tr"
    ayse.save()
    client.force_login(ayse)

    page = parse(client.get("/tr/profile/"))

    with translation.override("tr"):
        legend = translation.gettext("Show me to others as")
        help_text = translation.gettext(
            "How other members see you: in course rosters, attendance lists, the member lists of spaces, "
            "wiki histories and on the timebank board."
        )
        choices = [
            translation.gettext("My name: %(name)s") % {"name": "Ayşe Kaya"},
            translation.gettext("My initials: %(initials)s") % {"initials": "A. K."},
            translation.gettext("A pseudonym, made for you once and kept (like “%(example)s”)")
            % {"example": "member 8f3a"},
        ]
    assert html_lang(page) == "tr"
    fieldset = page.find("legend", string=legend).find_parent("fieldset")
    assert text(fieldset.select_one(".help")) == help_text
    assert [text(label) for label in fieldset.select("label")] == choices

    response = client.post("/tr/profile/", profile_form(ayse, shown_as="initials", language="tr"))
    assert response.status_code == 302
    assert User.objects.get(pk=ayse.pk).shown_as == "initials"


# --- What other members read -----------------------------------------------------------------------


def assert_named(response, member) -> None:
    """The page names ``member`` as they chose, and gives away nothing else of them."""
    shown = visible(response)
    assert seen_as(member) in shown
    hidden = {"name": ["akaya77", "ayse.kaya@"], "initials": ["Ayşe", "Kaya", "akaya77", "ayse.kaya@"]}
    hidden["pseudonym"] = hidden["initials"] + ["A. K."]
    for clue in hidden[member.shown_as]:
        assert clue not in shown, f"{clue!r} on a page others read, with {member.shown_as!r} chosen"


@pytest.mark.parametrize("shown_as", CHOICES)
def test_the_wiki_history_names_the_author_as_they_chose(client, ayse, shown_as):
    page = page_create(title="Organising online", language="en", text="Our first notes.\n", author=ayse)
    ayse = choose(client, ayse, shown_as)

    client.force_login(UserFactory())
    response = client.get(f"/en/wiki/{page.slug}/history/")

    assert_named(response, ayse)
    assert seen_as(ayse) in text(parse(response).select_one(".wiki-history tbody tr"))


@pytest.mark.parametrize("shown_as", CHOICES)
def test_the_timebank_board_names_the_poster_as_they_chose(client, ayse, shown_as):
    offer_create(author=ayse, kind="offer", category="translation", title="Leaflet translation", language="en")
    ayse = choose(client, ayse, shown_as)

    client.force_login(UserFactory())
    response = client.get("/en/timebank/offers/")

    assert_named(response, ayse)
    [card] = parse(response).select("li.offer")
    assert text(card.select("p.meta")[-1]).startswith(f"{seen_as(ayse)} · ")


def test_the_board_markup_does_not_hold_the_username_of_a_pseudonymous_poster(client, ayse):
    offer_create(author=ayse, kind="offer", category="translation", title="Leaflet translation", language="en")
    choose(client, ayse, "pseudonym")

    client.force_login(UserFactory())
    assert "akaya77" not in client.get("/en/timebank/offers/").content.decode()


@pytest.mark.parametrize("shown_as", CHOICES)
def test_a_spaces_member_list_names_the_member_as_they_chose(client, ayse, shown_as):
    founder = UserFactory()
    space = space_start(founder=founder, name="Study circle", translations={"name_en": "Study circle"})
    space_join(space=space, member=ayse)
    reader = UserFactory()
    space_join(space=space, member=reader)
    ayse = choose(client, ayse, shown_as)

    client.force_login(reader)
    response = client.get(f"/en/spaces/{space.slug}/members/")

    assert_named(response, ayse)
    assert seen_as(ayse) in [text(item).split(" coordinator")[0] for item in parse(response).select("ul.people li")]


@pytest.fixture
def tutor(db):
    return UserFactory(username="tutor", display_name="Giulia Rossi", language="en")


@pytest.fixture
def module(make_module, tutor, ayse):  # noqa: F811 (the fixture)
    module = make_module(title="Module 1", tutors=[tutor])
    Enrolment.objects.create(module=module, member=ayse, status=Enrolment.Status.ACTIVE)
    return module


@pytest.mark.parametrize("shown_as", CHOICES)
def test_a_sessions_attendance_list_names_the_member_as_they_choose_now(client, ayse, tutor, module, shown_as):
    start = timezone.now().astimezone(datetime.UTC).replace(second=0, microsecond=0, tzinfo=None)
    [webinar] = seminars.webinar_schedule(
        title="Drop-in",
        start_local=start,
        timezone_name="UTC",
        duration_minutes=60,
        tutors=[tutor],
        created_by=tutor,
        module=module,
    )
    # BBB was given her name as it was when she joined; she chooses afterwards.
    now = timezone.now()
    Attendance.objects.create(
        webinar=webinar,
        member=ayse,
        user_key=str(ayse.pk),
        full_name=str(ayse),
        role="VIEWER",
        joined_at=now,
        last_seen_at=now,
    )
    ayse = choose(client, ayse, shown_as)

    client.force_login(tutor)
    response = client.get(f"/en/sessions/{webinar.pk}/attendance/")

    assert_named(response, ayse)
    rows = [[text(cell) for cell in row.select("td")] for row in parse(response).select("tbody tr")]
    assert [row[0] for row in rows] == [seen_as(ayse)]


def test_a_guests_attendance_is_named_by_the_name_they_gave(client, tutor, module):
    start = timezone.now().astimezone(datetime.UTC).replace(second=0, microsecond=0, tzinfo=None)
    [webinar] = seminars.webinar_schedule(
        title="Open talk", start_local=start, timezone_name="UTC", duration_minutes=60, tutors=[tutor],
        created_by=tutor, module=module,
    )  # fmt: skip
    now = timezone.now()
    Attendance.objects.create(
        webinar=webinar, user_key="guest-1", full_name="A visitor", role="VIEWER", joined_at=now, last_seen_at=now
    )

    client.force_login(tutor)
    rows = parse(client.get(f"/en/sessions/{webinar.pk}/attendance/")).select("tbody tr td:first-child")

    assert [text(cell) for cell in rows] == ["A visitor"]


@pytest.mark.parametrize("shown_as", CHOICES)
def test_a_tutors_roster_names_the_member_as_they_chose_and_shows_no_address(client, ayse, tutor, module, shown_as):
    ayse = choose(client, ayse, shown_as)

    client.force_login(tutor)
    response = client.get(page_url(module) + module.reverse_subpage("roster"))

    assert_named(response, ayse)
    assert "ayse.kaya@example.org" not in response.content.decode()
    names = [text(row.select_one("td")) for row in parse(response).select("tbody tr")]
    assert names == [seen_as(ayse)]


@pytest.mark.parametrize("shown_as", CHOICES)
def test_a_closed_account_is_a_former_member_to_everyone_whatever_was_chosen(client, ayse, shown_as):
    page = page_create(title="Organising online", language="en", text="Our first notes.\n", author=ayse)
    ayse = choose(client, ayse, shown_as)
    before = str(ayse)

    account_close(member=ayse)

    client.force_login(UserFactory())
    [row] = parse(client.get(f"/en/wiki/{page.slug}/history/")).select(".wiki-history tbody tr")
    closed = User.objects.get(pk=ayse.pk)
    assert re.fullmatch(r"former member [0-9a-f]{4,}", str(closed))
    assert str(closed) in text(row)
    # "member 8f3a" lives on inside "former member 8f3a" (the code is kept); alone it is gone.
    assert before not in text(row).replace(str(closed), "")
