"""The wiki's settings, each with its default; read at every use, so a host's value and override_settings win."""

from suite.conf import AppSettings

app_settings = AppSettings(
    "WIKI_",
    # Rows on a page of a list: the pages of a language, recent changes, a page's history, search results,
    # the pages that link to a page.
    PAGE_SIZE=50,
    # The most a page's text may hold, in bytes of UTF-8 (a save or a preview above it is refused, 413).
    MAX_TEXT_BYTES=1_000_000,
    # The most one diagram (a ```mermaid block) may hold, in bytes of UTF-8: each is drawn in the reader's
    # browser (a save or a preview above it is refused, 413).
    MAX_DIAGRAM_BYTES=50_000,
    # New revisions a member may save in any 60 seconds (counted in the database), else 429.
    EDITS_PER_MINUTE=30,
    # Dotted path to an instance of wiki.scopes.Scopes: the groups that own pages and who may read the
    # private ones. None: no groups, every page is public.
    SCOPES=None,
    # Dotted paths of callables hook(*, revision), run in the transaction of every new revision.
    REVISION_HOOKS=(),
    # MediaWiki import, export and sync (docs/mediawiki.md).
    # Namespaces of a MediaWiki whose pages are imported (0: the main one); pages of others are skipped
    # and counted in the report. A page of another namespace keeps its prefix in its title ("Talk:…").
    MEDIAWIKI_NAMESPACES=(0,),
    # The most one imported revision may hold, in bytes of UTF-8; a longer one is refused with its page.
    MEDIAWIKI_MAX_REVISION_BYTES=10_000_000,
    # Minutes between two passes of the sync of pages kept in step (the Celery beat task).
    MEDIAWIKI_SYNC_MINUTES=60,
    # Seconds a request to a remote wiki may take, and how often one that is refused with 429, 503 or
    # maxlag is tried again (waiting as the wiki asks, or 2, 4, 8… seconds).
    MEDIAWIKI_TIMEOUT=20,
    MEDIAWIKI_RETRIES=3,
    # Remote wikis on loopback or private addresses: refused unless True (tests, a wiki on the same LAN).
    MEDIAWIKI_ALLOW_PRIVATE_ADDRESSES=False,
    # The account the sync pushes with: a bot password's user ("Name@bot") and password (environment).
    MEDIAWIKI_USER="",
    MEDIAWIKI_PASSWORD="",
)
