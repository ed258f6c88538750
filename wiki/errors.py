class WikiError(Exception):
    """A request the rules refuse; ``message`` is translated, ``status`` is the HTTP code.

    ``page`` is the page the refusal is about when there is one to link to (the page that
    already has the title, the translation that already exists).
    """

    def __init__(self, message, *, code: str, status: int = 409, page=None):
        super().__init__(message)
        self.message, self.code, self.status, self.page = message, code, status, page
