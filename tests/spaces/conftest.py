"""Spaces built for each test through the app's own services, so these work in any host that installs spaces."""

import pytest
from django.conf import settings
from django.utils import translation

from spaces.models import Space
from spaces.services import space_start
from tests.factories import UserFactory

# The NLU host's layout shows messages and the "Not yet translated" note; a bare host's shows neither.
BARE_HOST = settings.SETTINGS_MODULE.startswith("tests.hosts.")


@pytest.fixture
def founder(db):
    return UserFactory(username="founder")


@pytest.fixture
def make_space(db, founder):
    """``make_space(name=..., visibility=..., joining=..., member_limit=..., waiting_list=..., founder=...)``."""

    def make(name="Study circle", *, by=None, **options):
        translations = {"name_en": name, **options.pop("translations", {})}
        return space_start(founder=by or founder, name=name, translations=translations, **options)

    return make


@pytest.fixture
def members_only(make_space):
    return make_space("Couriers organising", visibility=Space.Visibility.MEMBERS)


def signed_in(client, user):
    """The test client as ``user`` (None: a visitor)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def translated(message: str, language: str) -> str:
    """``message`` as a reader of ``language`` must see it: really translated, not the English."""
    with translation.override(language):
        shown = translation.gettext(message)
    if language != "en":
        assert shown != message, f"no {language} translation of {message!r}"
    return shown


def text(response) -> str:
    return response.content.decode()


def page_text(response) -> str:
    """What a reader sees on the page: its text, entities decoded, whitespace folded."""
    from bs4 import BeautifulSoup

    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


# --- Members and uploads for the tests of what a space holds (pages, files, meetings, activity) -----------


def enrol(space, user=None, *, coordinator: bool = False, **user_fields):
    """``user`` (a new one if None) made an active member of ``space`` through the services, whatever its joining."""
    from spaces import services

    user = user or UserFactory(**user_fields)
    invitation = services.invitation_create(space=space, by=space.founder)
    services.invitation_accept(token=invitation.token, member=user)
    if coordinator:
        services.role_set(space=space, by=space.founder, member=user, role="coordinator")
    return user


def upload(name: str = "minutes.pdf", content: bytes = b"%PDF-1.4 minutes of the meeting\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# Membership helpers (joining, roles, race and admin tests).


def place_of(space, user) -> tuple[str, str] | None:
    """``(role, status)`` of ``user`` in ``space`` as the database has it now, or None."""
    from spaces.models import Membership

    membership = Membership.objects.filter(space=space, member=user).first()
    return None if membership is None else (membership.role, membership.status)


def mails_to(user) -> list:
    """The mails sent so far to ``user`` (django.core.mail.outbox)."""
    from django.core import mail

    return [message for message in mail.outbox if user.email in message.to]


@pytest.fixture
def add_member(db):
    """``add_member(space, user=None, **user_fields)``: a member who joined through the service (a new user if none)."""
    from spaces.services import space_join

    def add(space, user=None, **user_fields):
        user = user or UserFactory(**user_fields)
        space_join(space=Space.objects.get(pk=space.pk), member=user)
        return user

    return add


def space_form(space=None, **fields) -> dict:
    """What the start or edit form posts: ``space``'s values (a new space's blanks when None), ``fields`` changed."""
    data = {"name_en": "", "name_tr": "", "purpose_en": "", "purpose_tr": "", "member_limit": ""}
    data.update(visibility="public", joining="open")
    if space is not None:
        data.update(
            name_en=space.name_en,
            name_tr=space.name_tr or "",
            purpose_en=space.purpose_en or "",
            purpose_tr=space.purpose_tr or "",
            visibility=space.visibility,
            joining=space.joining,
            member_limit=space.member_limit or "",
        )
    return {**data, **fields}
