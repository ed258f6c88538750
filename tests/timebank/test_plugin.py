"""The timebank is a plugin (DESIGN §4): it knows no other app of the project, and offers the host a
link for its main navigation (the ``main_navigation`` hook)."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from wagtail import hooks

import timebank
from tests.factories import UserFactory

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


def navigation_hook():
    (hook,) = [fn for fn in hooks.get_hooks("main_navigation") if fn.__module__ == "timebank.wagtail_hooks"]
    return hook


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "label"), [("en", "My hours"), ("tr", "Saatlerim")])
def test_the_main_navigation_hook_links_a_signed_in_member_to_their_hours(rf, language, label):
    request = rf.get("/")
    request.user = UserFactory()

    with translation.override(language):
        assert navigation_hook()(request) == (label, f"/{language}/timebank/")


def test_the_main_navigation_hook_has_no_link_for_a_visitor(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    assert navigation_hook()(request) is None
