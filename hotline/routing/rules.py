"""Keyword rules (关键词规则): words in a ticket that point to a unit.

A rule's keywords match as substrings of the normalized title and text (see text.normalize), so
"路灯" matches "村口路灯不亮". Two units' rules conflict when one's keyword contains the other's (or
they are equal): every ticket matching the longer one also matches the shorter, and both units are
suggested for the same words. The admin refuses such a rule until the editor confirms it.
"""

import re
from collections import defaultdict, namedtuple

from django.db.models import Count, Max

from hotline.models import RoutingRule
from hotline.routing.text import normalize

_SEPARATORS = re.compile(r"[\n\r,，、;；|/]+")
MIN_KEYWORD_LENGTH = 2  # one character (水, 路) matches far too much

Rule = namedtuple("Rule", ["pk", "unit_id", "keywords", "weight"])
Conflict = namedtuple("Conflict", ["keyword", "other_keyword", "rule"])


def parse_keywords(text):
    """The keywords of a rule's text, normalized, in order, without repeats."""
    seen, keywords = set(), []
    for part in _SEPARATORS.split(text or ""):
        for word in normalize(part).split(" "):
            if word and word not in seen:
                seen.add(word)
                keywords.append(word)
    return keywords


def too_short(keywords):
    return [word for word in keywords if len(word) < MIN_KEYWORD_LENGTH]


def conflicts(*, keywords, unit, exclude_pk=None):
    """Active rules of other units whose keywords equal, contain or are contained in `keywords`."""
    found = []
    others = RoutingRule.objects.filter(is_active=True).exclude(unit=unit).select_related("unit")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for rule in others:
        for other in parse_keywords(rule.keywords):
            for word in keywords:
                if word in other or other in word:
                    found.append(Conflict(word, other, rule))
    return found


_cache = {"stamp": None, "rules": []}


def active_rules():
    """The active rules, read again only when a rule was added, changed or deleted (one small query)."""
    stamp = tuple(RoutingRule.objects.aggregate(n=Count("pk"), last=Max("updated_at")).values())
    if stamp != _cache["stamp"]:
        _cache["rules"] = [
            Rule(pk, unit_id, parse_keywords(keywords), float(weight))
            for pk, unit_id, keywords, weight in RoutingRule.objects.filter(is_active=True).values_list(
                "pk", "unit_id", "keywords", "weight"
            )
        ]
        _cache["stamp"] = stamp
    return _cache["rules"]


def matches(document, rules):
    """{unit_id: [(keyword, weight), …]} of the rules whose keywords occur in the normalized `document`."""
    hits = defaultdict(list)
    for rule in rules:
        for word in rule.keywords:
            if word in document:
                hits[rule.unit_id].append((word, rule.weight))
    return hits
