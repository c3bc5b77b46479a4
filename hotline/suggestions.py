"""Suggested units for a new ticket: a first guess for the operator, never a decision.

Three plain signals, each with a reason the operator can judge:
- the village's township, for local matters;
- the units that finally handled tickets of the same category (lead, never returned);
- the overlap between the ticket's words and each unit's stated duties (职责),
  by character bigrams, so Chinese needs no word segmentation.
"""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from hotline.models import Assignment, Unit
from hotline.models.choices import AssignmentRole

HISTORY_WEIGHT, TOWNSHIP_WEIGHT, DUTIES_WEIGHT = 0.5, 0.3, 0.4


def _bigrams(text):
    text = "".join(ch for ch in text if not ch.isspace())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def suggest_units(*, text="", village=None, category=None, exclude=(), limit=5):
    """[{"unit": Unit, "score": 0..1, "reason": str}], best first."""
    scores, reasons = defaultdict(float), defaultdict(list)
    units = {u.pk: u for u in Unit.objects.filter(is_active=True).exclude(pk__in=[u.pk for u in exclude if u])}

    if category is not None:
        handled = (
            Assignment.objects.filter(
                role=AssignmentRole.LEAD, returned_at__isnull=True, replied_at__isnull=False,
                ticket__category=category, unit__in=list(units),
            )
            .values("unit")
            .annotate(n=Count("id"))
            .order_by("-n")[:limit]
        )
        handled = list(handled)
        total = sum(row["n"] for row in handled)
        for row in handled:
            scores[row["unit"]] += HISTORY_WEIGHT * row["n"] / total
            reasons[row["unit"]].append(
                _("以往办理“%(category)s”%(n)d件") % {"category": category.name, "n": row["n"]}
            )

    if village is not None and village.township_id in units:
        scores[village.township_id] += TOWNSHIP_WEIGHT
        reasons[village.township_id].append(_("%(village)s属本乡镇") % {"village": village.name})

    words = _bigrams(text)
    if words:
        for unit in units.values():
            duties = _bigrams(unit.description)
            common = words & duties
            if len(common) >= 2:
                scores[unit.pk] += DUTIES_WEIGHT * min(1.0, len(common) / 6)
                reasons[unit.pk].append(_("职责相关：%(words)s") % {"words": "、".join(sorted(common)[:4])})

    ranked = sorted(scores, key=lambda pk: (-scores[pk], units[pk].name))[:limit]
    return [
        {"unit": units[pk], "score": round(min(scores[pk], 1.0), 2), "reason": "；".join(reasons[pk])} for pk in ranked
    ]
