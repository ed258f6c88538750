"""Bare Wagtail hosts, one per app: that app, its declared dependencies and nothing of ours.

``python -m tests.hosts.run APP`` (``make test-plugin APP=...``) runs the app's tests in its host,
from a folder that holds only those packages, so an import of ``nlu`` or of an undeclared app
fails there as it would in someone else's site.
"""
