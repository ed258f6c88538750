"""What the wiki refuses, each with a stable ``code`` and a translated ``message``.

No HTTP status and no form field: the views decide those from the code (wiki/views/base.py).
"""

from django.utils.translation import gettext_lazy as _

from suite.errors import Refusal


class WikiError(Refusal):
    """A request the wiki's rules refuse.

    ``page`` is the page the refusal is about when there is one to link to (the page that
    already has the title, the translation that already exists).
    """

    def __init__(self, message, *, code: str, page=None):
        super().__init__(message, code=code)
        self.page = page


class EditConflict(WikiError):
    """Both the editor and someone else changed the same lines: nothing is saved, nothing is lost.

    ``mine`` is the editor's whole text as sent, ``merged`` the text with conflict markers to
    resolve, ``base`` the revision the editor started from and ``theirs`` the current one (the
    base for the next attempt).
    """

    def __init__(self, *, mine: str, merged: str, base, theirs, page):
        super().__init__(
            _(
                "Someone else changed the same part of this page while you were editing. Nothing was saved "
                "and your text is kept: resolve the marked places and save again."
            ),
            code="conflict",
            page=page,
        )
        self.mine, self.merged, self.base, self.theirs = mine, merged, base, theirs
