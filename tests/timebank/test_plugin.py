"""The timebank is a plugin (DESIGN §4): it knows no other app of the project."""

import ast
from pathlib import Path

import timebank

OTHER_APPS = {"nlu", "courses", "seminars", "wiki"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module)
    return modules


def test_timebank_imports_nothing_from_the_other_apps():
    offending = {
        f"{path.relative_to(Path(timebank.__file__).parent)}: {module}"
        for path in Path(timebank.__file__).parent.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in OTHER_APPS
    }

    assert offending == set()
