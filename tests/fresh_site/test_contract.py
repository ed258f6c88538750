"""docs/plugins.md's install lines, checked without building a site (fast; runs in make test)."""

import ast
import re

import pytest

from .site import documented_lines, our_packages

# The declared dependencies (tests/hosts/ installs the same).
DECLARED = {"courses": [], "seminars": ["courses"], "wiki": [], "timebank": []}
TRANSLATED = {"courses", "seminars"}  # their pages' fields are translated by django-modeltranslation


@pytest.mark.parametrize("app", sorted(DECLARED))
def test_each_app_has_its_install_lines(app):
    blocks = documented_lines(app)
    # Pasted into a list, as docs/plugins.md says, they are Python.
    for where, lines in blocks.items():
        try:
            ast.parse(f"[\n{lines}]")
        except SyntaxError as error:
            pytest.fail(f"{app}'s {where} lines are not Python in a list: {error}")

    installed = blocks["INSTALLED_APPS"]
    assert our_packages(installed) == [app, *DECLARED[app], "suite"]
    names = re.findall(r'"([\w.]+)"', installed)
    assert "allauth" not in " ".join(names), "no app needs allauth"
    if app in TRANSLATED:
        assert names[: names.index(app)][-1] == "modeltranslation", "modeltranslation comes right before the apps"
        assert names[0] == "wagtail_modeltranslation"

    for package in (app, *DECLARED[app]):
        assert f'include("{package}.urls")' in blocks["urls.py"], f"{app}'s urls.py lines lack {package}.urls"
