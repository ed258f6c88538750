"""docs/plugins.md, the host contract, names every setting an app reads, with its default."""

import re

import pytest

from seminars.conf import app_settings as seminars_settings
from seminars.conf import bbb_settings
from suite.conf import suite_settings
from tests.nlu.processes import PROJECT_ROOT
from timebank.conf import app_settings as timebank_settings
from wiki.conf import app_settings as wiki_settings

CONTRACT = (PROJECT_ROOT / "docs" / "plugins.md").read_text()
SETTINGS = [
    (settings.prefix + name, default)
    for settings in (suite_settings, seminars_settings, bbb_settings, timebank_settings, wiki_settings)
    for name, default in settings.defaults.items()
]


def ways_to_write(default) -> set[str]:
    """How the contract may write a default: as Python would, and a number with its thousands marked."""
    written = {repr(default).replace("'", '"')}
    if isinstance(default, int):
        written |= {f"{default:_}", f"{default:,}"}
    return written


@pytest.mark.parametrize(("name", "default"), SETTINGS, ids=[name for name, _ in SETTINGS])
def test_every_setting_has_a_row_that_gives_its_default(name, default):
    rows = re.findall(rf"^\| `{name}` *\|([^|]*)\|", CONTRACT, flags=re.MULTILINE)

    assert rows, f"docs/plugins.md has no row for {name}"
    if not name.endswith("SECRET"):  # the stand-in's secret is described, not printed
        assert any(f"`{way}`" in rows[0] for way in ways_to_write(default)), (name, default, rows[0])
