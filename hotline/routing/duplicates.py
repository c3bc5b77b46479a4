"""Possible duplicates (疑似重复): a new ticket that looks like an open one is flagged with the
candidates for merging; an operator merges it (workflow.merge) or dismisses the flag (不是重复).

Candidates of a ticket are OPEN tickets (OPEN_STATUSES), not the ticket itself, received in the last
`HOTLINE["DUPLICATE_DAYS"]` days (env HOTLINE_DUPLICATE_DAYS, default 30), that are either

(a) from the same resident, with similar text (similarity ≥ RESIDENT_SIMILAR) or the same category; or
(b) about the same place — the same village, or the same non-empty place text where the two villages do
    not differ — with the same category or clearly similar text (similarity ≥ PLACE_SIMILAR).

Text similarity is the Sørensen–Dice coefficient of the character bigrams (hotline.routing.text) of
title + description, with the ticket's village name taken out first (the name alone made unrelated
matters of one village look alike). On hand-made pairs: a restatement of the same matter scores
0.4–0.55, different matters of one village 0.1–0.2, the same matter in other words 0.1–0.15 (those
are caught by the category). Hence RESIDENT_SIMILAR = 0.3 (a resident's own second call about it) and
PLACE_SIMILAR = 0.45 (two residents: only clearly the same words count without the same category).

Score, 0..1, like the unit suggestions: the chance that at least one signal is right,
1 − (1 − similarity)(1 − 0.3 resident)(1 − 0.2 place)(1 − 0.2 category); e.g. the same resident and
category with similarity 0.6 → 0.78, the same village and category with dissimilar text → about 0.4.

Cost: one query for the resident's, the village's and the place's open tickets of the window (at most
MAX_COMPARED of the newest, as plain rows; on PostgreSQL it walks ticket_status_created, the open
tickets of the window, or the resident and village indexes), compared in Python, and one more for
the tickets found, if any. Measured at 500,000 tickets (15,000 open in the window) on PostgreSQL,
on a busy 2-core machine: the query runs in about 3 ms, 200 comparisons take 2–6 ms, all of it
10–20 ms per new ticket.

Flags are for hotline staff only (whoever may merge the ticket: operators and supervisors), never for
units, and the reasons name no resident (no name, no phone: "同一来电人"), so a confidential ticket
or a report (举报) leaks nothing through a flag. Flags of a ticket that was merged or closed, and
flags whose candidate is no longer open, stay in the table but are shown nowhere (open_flags).
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from hotline import access, clock
from hotline.models import DuplicateFlag, Ticket
from hotline.models.choices import OPEN_STATUSES
from hotline.routing.text import bigrams, normalize

RESIDENT_SIMILAR = 0.3
PLACE_SIMILAR = 0.45
RESIDENT, PLACE, CATEGORY = 0.3, 0.2, 0.2
MAX_COMPARED = 200
TEXT_CHARS = 1000  # of title + description compared: a long letter's first part says what it is about

_FIELDS = ("pk", "title", "description", "resident_id", "village_id", "place", "category_id", "created_at")


def window_days():
    return settings.HOTLINE.get("DUPLICATE_DAYS", 30)


def _text_bigrams(title, description, drop=()):
    text = normalize(f"{title} {description}"[:TEXT_CHARS])
    for word in drop:
        text = text.replace(word, "")
    return bigrams(text)


def similarity(one, other):
    """Sørensen–Dice coefficient of two bigram sets, 0..1."""
    if not one or not other:
        return 0.0
    return 2 * len(one & other) / (len(one) + len(other))


def _score(sim, *, resident, place, category):
    miss = 1 - sim
    for weight, on in ((RESIDENT, resident), (PLACE, place), (CATEGORY, category)):
        if on:
            miss *= 1 - weight
    return round(1 - miss, 4)


def _reason(ticket, *, sim, resident, village, place, category, similar):
    parts = []
    if resident:
        parts.append(_("同一来电人"))
    if village:
        parts.append(_("同一村（%(village)s）") % {"village": ticket.village.name})
    elif place:
        parts.append(_("同一地点"))  # the place text itself may name a person's home: never repeated here
    if category:
        parts.append(_("同一分类"))
    if similar:
        parts.append(_("内容相似（相似度%(score)s）") % {"score": f"{sim:.2f}"})
    return "，".join(parts)


def _recent_open(ticket):
    """The open tickets received within the window that share the resident, the village or the place,
    newest first, as value rows (no model instances for the up to MAX_COMPARED compared)."""
    where = Q()
    if ticket.resident_id:
        where |= Q(resident_id=ticket.resident_id)
    if ticket.village_id:
        where |= Q(village_id=ticket.village_id)
    if ticket.place.strip():
        where |= Q(place=ticket.place)
    if not where:
        return []
    since = clock.now() - dt.timedelta(days=window_days())
    return list(
        Ticket.objects.filter(where, status__in=OPEN_STATUSES, created_at__gte=since)
        .exclude(pk=ticket.pk)
        .order_by("-created_at", "-pk")
        .values_list(*_FIELDS)[:MAX_COMPARED]
    )


def candidates(ticket, *, limit=5):
    """[(other ticket, score 0..1, reason)], best first, at most `limit`.

    One query for the rows compared, and one more for the tickets found, if any.
    """
    rows = _recent_open(ticket)
    if not rows:
        return []
    drop = [normalize(ticket.village.name)] if ticket.village_id else []
    mine = _text_bigrams(ticket.title, ticket.description, drop)
    my_place = normalize(ticket.place)
    found = []
    for pk, title, description, resident_id, village_id, place, category_id, created_at in rows:
        resident = bool(ticket.resident_id) and resident_id == ticket.resident_id
        village = bool(ticket.village_id) and village_id == ticket.village_id
        # the same words ("村委会门口") in two different villages are two places
        place_ = (
            not village and bool(my_place) and normalize(place) == my_place
            and not (ticket.village_id and village_id)
        )
        category = bool(ticket.category_id) and category_id == ticket.category_id
        sim = similarity(mine, _text_bigrams(title, description, drop))
        by_resident = resident and (sim >= RESIDENT_SIMILAR or category)
        by_place = (village or place_) and (category or sim >= PLACE_SIMILAR)
        if not (by_resident or by_place):
            continue
        similar = sim >= (RESIDENT_SIMILAR if resident else PLACE_SIMILAR)
        score = _score(sim, resident=resident, place=village or place_, category=category)
        reason = _reason(
            ticket, sim=sim, resident=resident, village=village, place=place_, category=category, similar=similar
        )
        found.append((pk, created_at, score, reason))
    found.sort(key=lambda row: (-row[2], -row[1].timestamp(), -row[0]))
    found = found[:limit]
    if not found:
        return []
    tickets = Ticket.objects.in_bulk([pk for pk, *_rest in found])
    return [(tickets[pk], score, reason) for pk, _created, score, reason in found if pk in tickets]


def flag(ticket):
    """Write a DuplicateFlag per candidate of this (open) ticket; returns the flags written.

    Called by workflow.receive inside its transaction; running it again adds only new pairs.
    """
    if ticket.status not in OPEN_STATUSES:
        return []
    now = clock.now()
    rows = [
        DuplicateFlag(ticket=ticket, candidate=other, score=score, reason=reason[:200], created_at=now)
        for other, score, reason in candidates(ticket)
    ]
    if rows:
        DuplicateFlag.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def shown_to(user, ticket):
    """May `user` see this ticket's flags? Hotline staff who may merge it, while it is open; never a unit."""
    return ticket.status in OPEN_STATUSES and access.can(user, "merge", ticket)


def shown_flags():
    """Flags worth showing: not dismissed, candidate still open; best first (for a Prefetch too)."""
    return (
        DuplicateFlag.objects.filter(dismissed_at__isnull=True, candidate__status__in=OPEN_STATUSES)
        .select_related("candidate")
        .order_by("-score", "pk")
    )


def open_flags(ticket):
    """The flags to show on a ticket (check shown_to first: the ticket itself must be open too)."""
    return shown_flags().filter(ticket=ticket)


def dismiss(*, flag, by):
    """不是重复: the operator judged the pair different; the flag is no longer shown (the row stays)."""
    access.check(by, "merge", flag.ticket)
    if flag.dismissed_at is None:
        now = clock.now()
        DuplicateFlag.objects.filter(pk=flag.pk, dismissed_at__isnull=True).update(dismissed_at=now, dismissed_by=by)
        flag.refresh_from_db(fields=["dismissed_at", "dismissed_by"])
    return flag
