"""The bare hosts of make test-plugin really lack what an app has not declared (tests/hosts/).

Each runs Python in the staged folder of a host, after django.setup() with that host's settings,
as `make test-plugin` does: the app and its declared dependencies import, nlu and the rest do not.
"""

import pytest

from tests.hosts.run import stage
from tests.nlu.processes import fresh_environ, run

DECLARED = {
    "suite": [],
    "courses": ["courses"],
    "seminars": ["seminars", "courses"],
    "wiki": ["wiki"],
    "spaces": ["spaces", "seminars", "courses", "wiki"],
    "timebank": ["timebank"],
}
OURS = {"nlu", "courses", "seminars", "wiki", "timebank", "suite", "spaces"}


def imports_in_host(app: str, tmp_path, modules: list[str]) -> dict[str, str]:
    """For each module, "ok" or the name Python could not find, imported inside the app's bare host."""
    folder = stage(app, tmp_path / "host")
    code = (
        "import django, importlib\ndjango.setup()\n"
        f"for name in {modules!r}:\n"
        "    try:\n        importlib.import_module(name); print(name, 'ok')\n"
        "    except ModuleNotFoundError as error: print(name, error.name)\n"
    )
    env = {**fresh_environ(tmp_path / "var", f"tests.hosts.{app}"), "NLU_VAR_DIR": str(tmp_path / "var")}
    env.pop("PYTHONPATH", None)
    result = run(["-c", code], env, cwd=folder)
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


@pytest.mark.parametrize("app", DECLARED)
def test_an_app_reaches_only_the_suite_and_its_declared_dependencies(app, tmp_path):
    reachable = {"suite", *DECLARED[app]}
    modules = sorted(OURS) + [f"{name}.models" for name in sorted(reachable - {"suite"})]

    found = imports_in_host(app, tmp_path, modules)

    assert found == {name: "ok" if name.split(".")[0] in reachable else name for name in modules}
