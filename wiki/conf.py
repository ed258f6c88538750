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
)
