"""Text as the router reads it: NFKC (full-width → half-width), lower-case, whitespace collapsed.

Chinese has no spaces between words, so nothing here segments words: the classifier reads character
n-grams and the rules match substrings.
"""

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalize(text):
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def bigrams(text):
    """The set of character bigrams of the normalized text, ignoring whitespace."""
    compact = normalize(text).replace(" ", "")
    return {compact[i : i + 2] for i in range(len(compact) - 1)}


def similarity(one, other):
    """Jaccard similarity of two texts' character bigrams, 0..1."""
    a, b = bigrams(one), bigrams(other)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def category_path(category):
    """城乡建设 道路 路灯: the names from the root down (the parents are read from the database)."""
    names, seen = [], set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        names.append(category.name)
        category = category.parent
    return " ".join(reversed(names))


def ticket_document(*, title="", description="", category_text="", kind_label=""):
    """What the classifier reads of a ticket: the title twice (the operator's summary weighs more),
    the text, the category's path and the kind's label."""
    return normalize(" ".join(p for p in (title, title, description, category_text, kind_label) if p))
