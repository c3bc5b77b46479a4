"""Suggested units for a ticket: the operator's first guess, never a decision.

Each signal gives a unit a strength between 0 and 1 and a reason the operator can judge; a unit's
score is the chance that at least one signal is right, 1 − Π(1 − strength), so agreeing signals add
up and the score stays within 0..1:

- the trained classifier (hotline/routing/classifier.py): its probability for the unit;
- keyword rules: 1 − 0.55^w over the matched keywords' weights w (one keyword of weight 1 gives 0.45);
- the village's township, for local matters: 0.35;
- for a returned ticket, the unit the returning unit suggested: 0.4; the units that returned it are
  left out, and so is the unit a report (举报) is about;
- without a trained model (too little history) also the units that handled the same category before
  and the unit's stated duties (character bigrams), the first guesses of issue 4.
"""

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from hotline.models import Assignment, ReturnRequest, Unit, Village
from hotline.models.choices import AssignmentRole, Kind
from hotline.routing import classifier, rules
from hotline.routing.text import bigrams, category_path, ticket_document

RULE_BASE = 0.55
TOWNSHIP = 0.35
RETURN_SUGGESTION = 0.4
HISTORY, DUTIES = 0.5, 0.4  # rules-only fallback
MODEL_FLOOR = 0.03  # classifier probabilities below this are noise, not a reason


def _rule_strength(hits):
    return 1 - RULE_BASE ** sum(weight for _word, weight in hits)


def combine_rules_and_township(document, township_id, active_rules):
    """[(unit_id, score)] from the rules and the township alone, best first (training compares this)."""
    strengths = defaultdict(list)
    for unit_id, hits in rules.matches(document, active_rules).items():
        strengths[unit_id].append(_rule_strength(hits))
    if township_id is not None:
        strengths[township_id].append(TOWNSHIP)
    scored = [(unit_id, _noisy_or(values)) for unit_id, values in strengths.items()]
    return sorted(scored, key=lambda pair: -pair[1])


def _noisy_or(values):
    miss = 1.0
    for value in values:
        miss *= 1 - value
    return 1 - miss


def suggest_units(
    *, title="", description="", village=None, category=None, kind="", exclude=(), limit=5,
    suggested_by_return=None, use_model=True,
):
    """[{"unit": Unit, "score": 0..1, "reason": str}], best first, at most `limit`."""
    excluded = {unit.pk for unit in exclude if unit is not None}
    document = ticket_document(
        title=title, description=description, category_text=category_path(category) if category else "",
        kind_label=str(dict(Kind.choices).get(kind, "")) if kind else "",
    )
    strengths, reasons = defaultdict(list), defaultdict(list)

    def add(unit_id, strength, reason):
        if unit_id is not None and unit_id not in excluded and strength > 0:
            strengths[unit_id].append(strength)
            reasons[unit_id].append(reason)

    version, model = classifier.active() if use_model else (None, None)
    if model is not None and document:
        for unit_id, probability in classifier.ranked(model, [document], top=limit + len(excluded))[0]:
            if probability >= MODEL_FLOOR:
                add(unit_id, probability, _("相似的历史工单多由该单位办理（模型v%(version)d，%(p)d%%）") % {
                    "version": version, "p": round(probability * 100),
                })

    for unit_id, hits in rules.matches(document, rules.active_rules()).items():
        add(unit_id, _rule_strength(hits), _("关键词：%(words)s") % {"words": "、".join(word for word, _w in hits[:4])})

    if village is not None:
        add(village.township_id, TOWNSHIP, _("%(village)s属本乡镇") % {"village": village.name})

    if suggested_by_return is not None:
        add(suggested_by_return.pk, RETURN_SUGGESTION, _("退单单位建议改派至此"))

    if model is None:
        _fallback_signals(document, category, add)

    units = Unit.objects.filter(pk__in=list(strengths), is_active=True).in_bulk()
    ranked = sorted(
        (pk for pk in strengths if pk in units), key=lambda pk: (-_noisy_or(strengths[pk]), units[pk].name)
    )[:limit]
    return [
        {"unit": units[pk], "score": round(min(_noisy_or(strengths[pk]), 1.0), 2), "reason": "；".join(reasons[pk])}
        for pk in ranked
    ]


def _fallback_signals(document, category, add):
    """Before there is a model: who handled this category before, and whose stated duties match."""
    if category is not None:
        handled = list(
            Assignment.objects.filter(
                role=AssignmentRole.LEAD, returned_at__isnull=True, replied_at__isnull=False, ticket__category=category,
            )
            .values("unit")
            .annotate(n=Count("id"))
            .order_by("-n")[:5]
        )
        total = sum(row["n"] for row in handled)
        for row in handled:
            add(row["unit"], HISTORY * row["n"] / total,
                _("以往办理“%(category)s”%(n)d件") % {"category": category.name, "n": row["n"]})
    words = bigrams(document)
    if words:
        for pk, duties in Unit.objects.filter(is_active=True).exclude(description="").values_list("pk", "description"):
            common = words & bigrams(duties)
            if len(common) >= 2:
                add(pk, DUTIES * min(1.0, len(common) / 6), _("职责相关：%(words)s") % {"words": "、".join(sorted(common)[:4])})


def for_ticket(ticket, *, limit=5):
    """The suggestions for a saved ticket: never the unit a report is about, nor a unit that returned it."""
    returned = list(
        ReturnRequest.objects.filter(ticket=ticket, status="approved")
        .select_related("assignment__unit", "suggested_unit")
        .order_by("-decided_at")
    )
    exclude = [ticket.reported_unit] + [request.assignment.unit for request in returned]
    village = ticket.village
    if village is None and ticket.village_id:
        village = Village.objects.get(pk=ticket.village_id)
    return suggest_units(
        title=ticket.title, description=ticket.description, village=village, category=ticket.category,
        kind=ticket.kind, exclude=exclude, limit=limit,
        suggested_by_return=returned[0].suggested_unit if returned else None,
    )
