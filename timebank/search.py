"""How the board's search folds case: in Python, so that SQLite and PostgreSQL find the same posts.

SQLite's LIKE and lower() fold ASCII letters only ("ışık" missed "IŞIK"), and PostgreSQL's
upper() follows the database's collation, which knows no Turkish (under C.UTF-8 upper('i') is
'I' but upper('İ') stays 'İ', so "istanbul" missed "İstanbul" there too). So each offer keeps
its title and description folded here (``Offer.search_text``), the words searched for are folded
the same way, and a plain LIKE compares the two.

The rule: Unicode case folding (``str.casefold``: "STRASSE" finds "Straße", "ΣΟΦΙΑ" finds
"σοφία"), with the four Turkish i's (I, ı, İ, i) taken as one letter. A Turkish reader typing
"istanbul" finds "İstanbul", "ışık" finds "IŞIK" and "Işık", and an English reader's "I" still
finds "i", whichever keyboard wrote the post. The price: "ısı" (heat) also finds "isi"; on a board
of short posts finding a little too much is better than missing one. Other marks stay ("ş" is not
"s", "é" is not "e").
"""  # noqa: RUF002 (the Turkish letters are the point)

import unicodedata

# Upper and lower, dotted and dotless: one letter.
_TURKISH_I = str.maketrans({"I": "i", "İ": "i", "ı": "i"})


def fold(text: str) -> str:
    """``text`` as the search compares it (see the module's docstring)."""
    composed = unicodedata.normalize("NFC", text).translate(_TURKISH_I)
    # A lone combining dot above an i (from a decomposed "İ" typed elsewhere) is the same i too.
    return unicodedata.normalize("NFC", composed.casefold().replace("i\u0307", "i"))


def offer_search_text(title: str, description: str) -> str:
    """What the board's search looks in: the title and the description, folded."""
    return f"{fold(title)}\n{fold(description)}"
