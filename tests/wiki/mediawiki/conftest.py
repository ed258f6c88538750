"""The real MediaWiki of the wiki's import, export and sync tests (``tests/mediawiki_peer.py``).

``mediawiki`` is one started peer for the session: tests share it, so each writes under titles of
its own. ``fresh_mediawiki`` is a new, empty peer for one test (an import into an empty wiki),
about two seconds. Without PHP or MediaWiki both skip the test with the reason shown;
``NLU_REQUIRE_MEDIAWIKI=1`` (as in CI) makes that a failure.

Tests needing MediaWiki live in this folder and ask for one of the two fixtures; nothing else
to mark: every test using them is put in xdist group "mediawiki" (below, as tests/e2e does for
the browser), so that ``make test`` (``-n auto --dist loadgroup``) runs them on one worker, with
one session peer. Caveat: pytest-xdist 3.8 under pytest 9.2 ignores the groups (it marks them in
the node id, which pytest 9.2 no longer lets it change: pytest-dev/pytest-xdist#1386), so for now
each worker that gets such a test starts its own peer; the tests are correct either way.

Imports only the wiki's test helpers: tests/wiki/ also runs in the bare wiki host (tests/hosts/).
"""

import pytest

from tests.mediawiki_peer import peer_fixture

PEER_FIXTURES = ("mediawiki", "fresh_mediawiki")

mediawiki = peer_fixture("mediawiki", scope="session")
fresh_mediawiki = peer_fixture("fresh_mediawiki", scope="function")


def pytest_collection_modifyitems(items):
    """Tests using a peer run on one xdist worker, which then starts one session peer."""
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in PEER_FIXTURES):
            item.add_marker(pytest.mark.xdist_group("mediawiki"))
