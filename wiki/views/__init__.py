"""The wiki's pages, one module per concern: reading, editing, history. Thin: reads come from selectors,
every change goes through a service, and who may do what is a decorator (``base``).

The URL's language is the language of the content: /tr/wiki/<slug>/ is the Turkish page. A link
that arrives in a language where the page is not written (the site's language switcher, a
course unit naming an English title) is sent on to the translation when there is one.
"""
