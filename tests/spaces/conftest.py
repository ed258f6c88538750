"""Spaces built for each test through the app's own services, so these work in any host that installs spaces."""

import pytest

from spaces.models import Space
from spaces.services import space_start
from tests.factories import UserFactory


@pytest.fixture
def founder(db):
    return UserFactory(username="founder")


@pytest.fixture
def make_space(db, founder):
    """``make_space(name=..., visibility=..., joining=..., member_limit=..., waiting_list=..., founder=...)``."""

    def make(name="Study circle", *, by=None, **options):
        return space_start(founder=by or founder, name=name, translations={"name_en": name}, **options)

    return make


@pytest.fixture
def members_only(make_space):
    return make_space("Couriers organising", visibility=Space.Visibility.MEMBERS)
