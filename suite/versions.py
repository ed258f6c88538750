"""Versions of what is kept in the cache: a key's value names the current version, and whatever
was kept under an older one is simply never read again (no list of keys to delete)."""

import uuid

from django.core.cache import cache
from django.db import transaction


def new_version(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, None)


def move_version(key: str) -> None:
    """What was kept under the version of ``key`` is not read again: now, and again at commit.

    Now, for the rest of the transaction; at commit, so that what another request read from the
    old rows in between is not kept either.
    """
    new_version(key)
    transaction.on_commit(lambda: new_version(key), robust=True)


def current_version(key: str) -> str:
    """The version kept under ``key``, started here if the cache has none (after a restart of Redis, say)."""
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key)
    return version
