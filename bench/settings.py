"""Settings of ``bench/run``: the site as production serves it (debug off), plus the /bench/ views.

Production's own settings cannot be used as they are: they redirect plain HTTP to HTTPS and need
a real BigBlueButton. The database comes from ``DATABASE_URL``, set by ``bench/run`` to the
scaled copy it measures; cache and broker stay the defaults (local memory, file system under
``NLU_VAR_DIR``) unless ``REDIS_URL`` is set, as for ``make run``.
"""

from nlu.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-insecure-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
