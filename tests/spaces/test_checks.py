"""A host that installs spaces without the hooks it needs is told at start (docs/plugins.md)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def test_a_host_with_the_hooks_set_passes():
    call_command("check")  # raises SystemCheckError on any error


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("WIKI_SCOPES", None, "spaces.E001"),
        ("SEMINARS_AUDIENCES", "seminars.audiences.Audiences", "spaces.E002"),
        ("WIKI_REVISION_HOOKS", (), "spaces.E003"),
        ("SEMINARS_SETTLEMENT_HOOKS", ["timebank.services.tutoring_award"], "spaces.E004"),
        ("SEMINARS_RECORDING_HOOKS", (), "spaces.E005"),
    ],
)
def test_a_missing_hook_stops_the_site_and_names_the_setting(settings, setting, value, error):
    setattr(settings, setting, value)
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert error in str(raised.value) and setting in str(raised.value)
