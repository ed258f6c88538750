"""Run one app's tests in its bare host: ``python -m tests.hosts.run APP [pytest arguments]``.

The host's folder (``var/hosts/APP/``) holds links to the app, its declared dependencies
(``PLUGINS`` below), the shared test helpers and the app's tests, and nothing
else: Python started there cannot import ``nlu`` or an undeclared app.
"""

import os
import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Each host's packages of this repository: the app, its declared dependencies and the suite kit.
PLUGINS = {
    "suite": ["suite"],
    "courses": ["suite", "courses"],
    "seminars": ["suite", "courses", "seminars"],
    "timebank": ["suite", "timebank"],
    "wiki": ["suite", "wiki"],
    "spaces": ["suite", "courses", "seminars", "wiki", "spaces"],
}
APPS = tuple(PLUGINS)
SHARED_TEST_FILES = (
    "__init__.py",
    "conftest.py",
    "factories.py",
    "threads.py",
    "plans.py",
    "mediawiki_peer.py",
    "hosts",
)


def pytest_ini(app: str) -> str:
    """The project's pytest options, with the host's settings and the app's tests."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    options = {
        **options,
        "DJANGO_SETTINGS_MODULE": f"tests.hosts.{app}",
        "testpaths": [f"tests/{app}"],
        # pytest-django would otherwise find manage.py beside the linked tests and put the whole
        # repository on sys.path.
        "django_find_project": "false",
    }
    lines = ["[pytest]"]
    for name, value in options.items():
        items = value if isinstance(value, list) else [value]
        lines.append(f"{name} =" + "".join(f"\n    {item}" for item in items))
    return "\n".join(lines) + "\n"


def stage(app: str, folder: Path | None = None) -> Path:
    """The host's folder (``var/hosts/APP/`` unless given), made afresh."""
    plugins = PLUGINS[app]
    folder = folder or ROOT / "var" / "hosts" / app
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "tests").mkdir(parents=True)
    for package in plugins:
        (folder / package).symlink_to(ROOT / package, target_is_directory=True)
    # The tests of a declared dependency are linked for their fixtures; only the app's own are run.
    for name in (*SHARED_TEST_FILES, *(package for package in plugins if package in APPS)):
        (folder / "tests" / name).symlink_to(ROOT / "tests" / name)
    (folder / "pytest.ini").write_text(pytest_ini(app))
    return folder


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in APPS:
        sys.exit(f"usage: python -m tests.hosts.run {{{','.join(APPS)}}} [pytest arguments]")
    app, pytest_args = argv[0], argv[1:]
    folder = stage(app)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": f"tests.hosts.{app}", "NLU_VAR_DIR": str(folder / "var")}
    env.pop("PYTHONPATH", None)
    os.chdir(folder)
    os.execve(sys.executable, [sys.executable, "-m", "pytest", *pytest_args], env)


if __name__ == "__main__":
    main(sys.argv[1:])
