"""The cache without Redis: Django's file cache, counting its files once a second, not on each write."""

import time

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's ``FileBasedCache``, which lists its whole folder on every ``set`` to see whether it
    is over ``MAX_ENTRIES``. With the sessions in the cache that folder holds a file per signed-in
    member, and listing it was most of the cost of a write (every write moves the page cache's
    generation). Here each cache connection (one per thread: Django's ``caches``) lists it at most
    once per ``CULL_EVERY_SECONDS``; until then a cache over its limit grows by the few files
    written in between.
    """

    CULL_EVERY_SECONDS = 1.0
    _next_cull = 0.0  # the first write counts

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self.CULL_EVERY_SECONDS
        super()._cull()
