class Refusal(Exception):
    """A rule said no: a stable ``code`` for programs and a translated ``message`` for people.

    Carries no HTTP status or form field: the view that called the service decides those.
    """

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message, self.code = message, code
