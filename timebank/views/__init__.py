"""The timebank's pages, one module per concern: ``account`` (a member's own hours, statement and
gifts), ``exchanges`` (recording hours given, answering requests), ``board`` (offers and requests),
``community``, ``coordinate`` (the coordinators' desk); ``statements`` and ``common`` hold what
several of them show or check.

Views stay thin: the rules live in ``services``, and each refusal there (``timebank.errors``)
comes back as the same page, with its translated message, at the form field it is about, and the
4xx status its code maps to (``refusals``).
"""
