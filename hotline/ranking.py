"""考核排名 (红黑榜): the monthly ranking of units by a composite score of their KPIs (docs/ranking.md).

The figures come from `hotline.kpis.unit_table` (never recomputed here); this module only weighs
them (`score`), orders the units (`rank_rows`), marks the top and bottom ones, follows them over the
months (`trend`), and publishes a month's table on the public site as a snapshot (`publish`).
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock, kpis
from hotline.errors import InvalidInput
from hotline.models import RankingPublication, RankingScheme

# (RankingScheme weight field, kpis key, counted as 100 − rate)
COMPONENTS = (
    ("signed_on_time", "signed_on_time_rate", False),
    ("replied_on_time", "replied_on_time_rate", False),
    ("satisfaction", "satisfaction_rate", False),
    ("resolution", "resolution_rate", False),
    ("not_returned", "return_rate", True),
    ("not_reopened", "reopen_rate", True),
)
WEIGHT_FIELDS = tuple(field for field, _key, _inverted in COMPONENTS)
RATE_KEYS = tuple(key for _field, key, _inverted in COMPONENTS)
RED, BLACK = "red", "black"
TWO_DECIMALS = Decimal("0.01")
MAX_TREND_MONTHS = 12  # one unit_table call per month: the number of queries must stay small and fixed

# The public nav shows "单位排名" only when a month is published: a flag in the cache (no query on public
# pages), written whenever publications change and re-read by the ranking pages (see has_public_months).
PUBLIC_FLAG = "ranking:has-public-months"


# --- months --------------------------------------------------------------------------------


def parse_month(text):
    """"2026-10" → date(2026, 10, 1); InvalidInput for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise InvalidInput(_("月份格式应为“年-月”，如 2026-10。"), field_errors={"month": [_("月份无效。")]})


def this_month(now=None):
    return timezone.localtime(now or clock.now()).date().replace(day=1)


def add_months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


# --- the score -----------------------------------------------------------------------------


def weights(scheme):
    return {field: Decimal(getattr(scheme, field) or 0) for field in WEIGHT_FIELDS}


def score(row, scheme):
    """The composite score (0–100, two decimals) of one unit row, or None when no weighted rate was counted.

    Σ(rate × weight) / Σ(weight) over the weighted rates, with 100 − return_rate and 100 − reopen_rate.
    A rate that is None (nothing counted) drops out together with its weight: the others are renormalised.
    """
    total = weight_sum = Decimal(0)
    for field, key, inverted in COMPONENTS:
        weight = Decimal(getattr(scheme, field) or 0)
        rate = row.get(key)
        if weight <= 0 or rate is None:
            continue
        value = Decimal(100) - Decimal(rate) if inverted else Decimal(rate)
        total += value * weight
        weight_sum += weight
    if not weight_sum:
        return None
    return (total / weight_sum).quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


def rank_rows(rows, scheme):
    """Add `score`, `rank` and `mark` to each row (a dict with "unit", "received" and the rates); returns
    them ranked first, best first, then the unranked ones.

    Ranked: received ≥ scheme.min_received and a score. Competition ranking (1, 1, 3); equal scores are
    listed by received (more first), then unit name. Marks: k = min(scheme.marked, ranked // 2); red for a
    rank ≤ k, black for a rank counted from the bottom ≤ k; a unit that would get both (ties across the
    middle) gets neither.
    """
    rows = [dict(row) for row in rows]
    ranked, unranked = [], []
    for row in rows:
        row["score"] = score(row, scheme)
        row["rank"] = row["mark"] = None
        eligible = row["score"] is not None and (row.get("received") or 0) >= scheme.min_received
        (ranked if eligible else unranked).append(row)
    ranked.sort(key=lambda r: (-r["score"], -(r.get("received") or 0), r["unit"].name))
    unranked.sort(key=lambda r: (-(r.get("received") or 0), r["unit"].name))
    for position, row in enumerate(ranked):
        same = position > 0 and row["score"] == ranked[position - 1]["score"]
        row["rank"] = ranked[position - 1]["rank"] if same else position + 1
    count = len(ranked)
    k = min(scheme.marked, count // 2)
    for row in ranked:
        from_bottom = sum(1 for other in ranked if other["score"] < row["score"]) + 1
        red, black = row["rank"] <= k, from_bottom <= k
        if red != black:
            row["mark"] = RED if red else BLACK
    return ranked + unranked


def monthly(*, month, scheme=None, now=None):
    """Every active unit's row of kpis.unit_table for the month of `month` (a date), with score, rank, mark."""
    scheme = scheme or RankingScheme.current()
    start, end = kpis.month_bounds(month)
    return rank_rows(kpis.unit_table(start=start, end=end, now=now), scheme)


def trend(*, months, end_month, scheme=None, now=None):
    """The end month's ranking (as `monthly`), each row with `points`: its score, rank and mark in each of the
    `months` months up to `end_month`, oldest first, and `change`: last month's rank − this month's (positive:
    moved up; None unless ranked in both). One kpis.unit_table call per month (months ≤ 12)."""
    if not 1 <= months <= MAX_TREND_MONTHS:
        raise ValueError(f"trend over {months} months: 1 to {MAX_TREND_MONTHS}")
    scheme = scheme or RankingScheme.current()
    end_month = end_month.replace(day=1)
    firsts = [add_months(end_month, n) for n in range(1 - months, 1)]
    tables = {first: {row["unit"].pk: row for row in monthly(month=first, scheme=scheme, now=now)} for first in firsts}
    rows = list(tables[end_month].values())
    for row in rows:
        row["points"] = []
        for first in firsts:
            past = tables[first].get(row["unit"].pk, {})
            row["points"].append(
                {"month": first, "score": past.get("score"), "rank": past.get("rank"), "mark": past.get("mark")}
            )
        previous = row["points"][-2]["rank"] if months > 1 else None
        row["change"] = previous - row["rank"] if previous is not None and row["rank"] is not None else None
    return rows


# --- publication -----------------------------------------------------------------------------

PUBLIC_FIELDS = ("received", *RATE_KEYS)


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def snapshot(rows):
    """What the public table shows of each row: names, rank, score, mark and the rates (no personal data)."""
    return [
        {
            "unit": row["unit"].name, "unit_kind": row["unit"].kind, "rank": row["rank"], "mark": row["mark"] or "",
            "score": _plain(row["score"]), **{key: _plain(row.get(key)) for key in PUBLIC_FIELDS},
        }
        for row in rows
    ]


def publish(*, month, by, now=None):
    """Publish the month's ranking as it is now; publishing again replaces the snapshot."""
    month = month.replace(day=1)
    if month > this_month(now):
        raise InvalidInput(_("不能公开尚未开始的月份。"))
    rows = snapshot(monthly(month=month, now=now))
    with transaction.atomic():
        publication = RankingPublication.objects.filter(month=month).select_for_update().first()
        publication = publication or RankingPublication(month=month)
        publication.rows = rows
        publication.published = True
        publication.published_by = by
        publication.published_at = now or clock.now()
        publication._history_user = by
        publication.save()
    cache.set(PUBLIC_FLAG, True, None)
    return publication


def withdraw(*, month, by):
    """Take the month off the public site (the row and its history stay)."""
    publication = RankingPublication.objects.filter(month=month.replace(day=1), published=True).first()
    if publication is None:
        raise InvalidInput(_("这个月的排名没有公开。"))
    publication.published = False
    publication._history_user = by
    publication.save()
    refresh_public_flag()
    return publication


def public_months():
    return RankingPublication.objects.filter(published=True).order_by("-month")


def public_index():
    """The published months, newest first ([{"month", "published_at"}]); also refreshes the nav's flag."""
    months = list(public_months().values("month", "published_at"))
    cache.set(PUBLIC_FLAG, bool(months), None)
    return months


def refresh_public_flag():
    """Read from the database whether a month is public, and remember it for the nav (one query)."""
    exists = public_months().exists()
    cache.set(PUBLIC_FLAG, exists, None)
    return exists


def has_public_months():
    """For the public nav: no query. Unknown (cache emptied by a restart) counts as no until the ranking pages
    or a publication write the flag again; with Redis the flag survives restarts."""
    return bool(cache.get(PUBLIC_FLAG))
