"""考核统计: the KPIs per unit and overall for a period, computed in the database (docs/kpis.md).

Counted from the lead `Assignment` rows (one row per unit per dispatch round), in a fixed number of
queries whatever the number of units: one aggregate query grouped by unit plus one for the units.
Co-units (协办) count for nothing here except the raw `co_received`: they have no deadlines of their own.

Which period decides membership:
- every figure except satisfaction is about the rounds *dispatched* in the period ([start, end) on
  `Assignment.dispatched_at`), so the figures of a month settle as its rounds are signed, replied,
  returned or reopened later on;
- satisfaction is about the rounds *rated* in the period (`Assignment.rated_at`).

Tickets closed as invalid or merged into another (duplicates) count nowhere. Confidential tickets
count like any other. An approved `KpiAppeal` takes that round out of that figure (numerator and
denominator). Durations are the stored `sign_hours`/`reply_hours`, never recomputed.

Besides the DEFINITIONS keys each row carries the raw counts they come from: received, co_received,
signed, sign_missed, signed_on_time, sign_counted, returned, return_counted, replied, reply_missed,
replied_on_time, reply_counted, rated, satisfied, resolved, reopened, reopen_counted, and sign_hours /
reply_hours (= avg_sign_hours / avg_reply_hours). `*_counted` are the rates' denominators after appeals.
"""

import datetime as dt
from collections import namedtuple
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline import clock
from hotline.models import Assignment, Category, KpiAppeal, Ticket, Unit, Village
from hotline.models.tickets import UNCOUNTED_CLOSE_REASONS
from hotline.models.choices import AssignmentRole, Channel, Kind, Outcome, Satisfaction

# kind: "count" (an integer), "percent" (Decimal 0–100, one decimal) or "hours" (Decimal, one decimal)
Definition = namedtuple("Definition", ["label", "help", "kind"], defaults=["count"])

DEFINITIONS = {
    "received": Definition(
        _("受理量"),
        _("期内派给该单位主办的工单轮次数（按派单时间）；重办的新一轮再计一次，退回后改派的每个单位各计一次；"
          "无效件和被合并的重复件不计。"),
    ),
    "signed_on_time_rate": Definition(
        _("及时签收率"),
        _("期内派单中签收期限内签收的件数 ÷（已签收件数 + 已过签收期限仍未签收、也未退回的件数）；申诉获批的不计。"),
        "percent",
    ),
    "return_rate": Definition(
        _("退单率"),
        _("期内派单中退单申请获批的件数 ÷ 受理量；申诉获批的退单不计入分子和分母。"),
        "percent",
    ),
    "replied_on_time_rate": Definition(
        _("按时办结率"),
        _("期内派单中办结期限（含获批的延期）内答复的件数 ÷（已答复件数 + 已过办结期限仍未答复、也未退回的件数）；"
          "被审核退回的答复不算答复；申诉获批的不计。"),
        "percent",
    ),
    "satisfaction_rate": Definition(
        _("满意率"),
        _("期内评价的、该单位主办的答复中（满意 + 基本满意）÷ 已评价件数；按评价时间计入，评价记在被评价的那一轮，"
          "重办不抹去原评价；未评价的不计；申诉获批的不计。"),
        "percent",
    ),
    "resolution_rate": Definition(
        _("解决率"),
        _("期内派单中已答复、且该轮最后一次答复的办理结果为“已解决”的件数 ÷ 已答复件数。"),
        "percent",
    ),
    "reopen_rate": Definition(
        _("重办率"),
        _("期内派单中已答复、之后又被重办（有了新一轮派单）的件数 ÷ 已答复件数；申诉获批的不计。"),
        "percent",
    ),
    "avg_sign_hours": Definition(
        _("平均签收用时（工作小时）"),
        _("期内派单从派单到签收所用工作小时的平均值（签收时记录，只计已签收的）。"),
        "hours",
    ),
    "avg_reply_hours": Definition(
        _("平均答复用时（工作小时）"),
        _("期内派单从派单到答复所用工作小时的平均值（答复时记录，只计已答复的）。"),
        "hours",
    ),
    "urges": Definition(
        _("催办次数"),
        _("期内派单在该单位主办期间群众来电或短信催办的次数。"),
    ),
}

BREAKDOWNS = ("kind", "channel", "village", "category")

# which appeal takes a round out of which figure
APPEALABLE = {
    "signed_on_time_rate": KpiAppeal.Metric.SIGNED_ON_TIME,
    "return_rate": KpiAppeal.Metric.RETURNED,
    "replied_on_time_rate": KpiAppeal.Metric.REPLIED_ON_TIME,
    "satisfaction_rate": KpiAppeal.Metric.SATISFACTION,
    "reopen_rate": KpiAppeal.Metric.REOPENED,
}

ONE_DECIMAL = Decimal("0.1")


# --- periods -------------------------------------------------------------------------


def _local_midnight(day):
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_default_timezone())


def month_bounds(day):
    """The month of `day` (a date, or an aware datetime taken in Asia/Shanghai): [1st 00:00, next 1st 00:00)."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day, timezone.get_default_timezone()).date()
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return _local_midnight(first), _local_midnight(following)


def year_bounds(year):
    """The calendar year in Asia/Shanghai: [1 January 00:00, next 1 January 00:00)."""
    return _local_midnight(dt.date(year, 1, 1)), _local_midnight(dt.date(year + 1, 1, 1))


def day_bounds(first, last):
    """From the start of day `first` to the end of day `last` (both dates, inclusive)."""
    return _local_midnight(first), _local_midnight(last + dt.timedelta(days=1))


# --- the aggregate ---------------------------------------------------------------------


def _appealed(metric):
    # uncorrelated: PostgreSQL hashes the few approved appeals once instead of probing per row
    return Q(pk__in=KpiAppeal.objects.filter(metric=metric, status=KpiAppeal.Status.APPROVED).values("assignment_id"))


def counted_assignments():
    """Assignment rows that may count at all: not of invalid, merged or imported tickets.

    A NOT IN over those few tickets (a partial index holds them) rather than a join of every row to its
    ticket: a year is ~400,000 rows at 1,000,000 tickets (docs/performance.md).
    """
    return Assignment.objects.exclude(
        ticket__in=Ticket.objects.filter(close_reason__in=UNCOUNTED_CLOSE_REASONS).values("pk")
    )


def reopened_round():
    """A replied round that was reopened: a replied round ends only when its ticket is reopened (a return
    is approved only before a reply; merging and marking invalid leave the ticket uncounted)."""
    return Q(replied_at__isnull=False, ended_at__isnull=False, returned_at__isnull=True)


def period_filter(start, end):
    """The rows any figure of the period looks at: dispatched in it, or rated in it."""
    return Q(dispatched_at__gte=start, dispatched_at__lt=end) | Q(rated_at__gte=start, rated_at__lt=end)


def aggregates(start, end, now):
    """Name → aggregate expression of every raw count (usable in .aggregate() or values().annotate())."""
    lead = Q(role=AssignmentRole.LEAD)
    dispatched = lead & Q(dispatched_at__gte=start, dispatched_at__lt=end)
    rated = lead & Q(rated_at__gte=start, rated_at__lt=end)
    # a passed deadline with nothing done counts as late: not acting must not look better than acting late
    open_round = Q(returned_at__isnull=True, ended_at__isnull=True)
    signed = Q(signed_at__isnull=False)
    sign_missed = open_round & Q(signed_at__isnull=True, sign_by__lte=now)
    replied = Q(replied_at__isnull=False)
    reply_missed = open_round & Q(replied_at__isnull=True, reply_by__lte=now)
    returned = Q(returned_at__isnull=False)
    reopened = reopened_round()
    # the stored outcome of the round's reply (a reply sent back at review clears it)
    resolved = replied & Q(outcome=Outcome.RESOLVED)
    ok = {key: ~_appealed(metric) for key, metric in APPEALABLE.items()}
    return {
        "received": Count("pk", filter=dispatched),
        "co_received": Count("pk", filter=Q(role=AssignmentRole.CO, dispatched_at__gte=start, dispatched_at__lt=end)),
        "signed": Count("pk", filter=dispatched & signed),
        "sign_missed": Count("pk", filter=dispatched & sign_missed),
        "signed_on_time": Count("pk", filter=dispatched & signed & Q(signed_on_time=True) & ok["signed_on_time_rate"]),
        "sign_counted": Count("pk", filter=dispatched & (signed | sign_missed) & ok["signed_on_time_rate"]),
        "returned": Count("pk", filter=dispatched & returned & ok["return_rate"]),
        "return_counted": Count("pk", filter=dispatched & ok["return_rate"]),
        "replied": Count("pk", filter=dispatched & replied),
        "reply_missed": Count("pk", filter=dispatched & reply_missed),
        "replied_on_time": Count(
            "pk", filter=dispatched & replied & Q(replied_on_time=True) & ok["replied_on_time_rate"]
        ),
        "reply_counted": Count("pk", filter=dispatched & (replied | reply_missed) & ok["replied_on_time_rate"]),
        "rated": Count("pk", filter=rated & ok["satisfaction_rate"]),
        "satisfied": Count(
            "pk",
            filter=rated & Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY])
            & ok["satisfaction_rate"],
        ),
        "resolved": Count("pk", filter=dispatched & resolved),
        "reopened": Count("pk", filter=dispatched & reopened & ok["reopen_rate"]),
        "reopen_counted": Count("pk", filter=dispatched & replied & ok["reopen_rate"]),
        "sign_hours": Avg("sign_hours", filter=dispatched),
        "reply_hours": Avg("reply_hours", filter=dispatched),
        "urges": Sum("urge_count", filter=dispatched),
    }


def percent(part, whole):
    """part / whole as a percentage with one decimal, or None when nothing was counted."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL)


def _hours(value):
    return None if value is None else Decimal(value).quantize(ONE_DECIMAL)


def finish(raw):
    """Add the DEFINITIONS figures to a dict of raw counts (from `aggregates`)."""
    row = dict(raw)
    row["urges"] = row.get("urges") or 0
    row["signed_on_time_rate"] = percent(row["signed_on_time"], row["sign_counted"])
    row["return_rate"] = percent(row["returned"], row["return_counted"])
    row["replied_on_time_rate"] = percent(row["replied_on_time"], row["reply_counted"])
    row["satisfaction_rate"] = percent(row["satisfied"], row["rated"])
    row["resolution_rate"] = percent(row["resolved"], row["replied"])
    row["reopen_rate"] = percent(row["reopened"], row["reopen_counted"])
    row["sign_hours"] = row["avg_sign_hours"] = _hours(row["sign_hours"])
    row["reply_hours"] = row["avg_reply_hours"] = _hours(row["reply_hours"])
    return row


def _empty():
    return finish({key: (None if key.endswith("hours") else 0) for key in aggregates(None, None, None)})


def _rows(start, end, unit=None):
    rows = counted_assignments().filter(period_filter(start, end))
    if unit is not None:
        rows = rows.filter(unit=unit)
    return rows


# --- the interface ---------------------------------------------------------------------


def unit_table(*, start, end, now=None, unit=None):
    """One dict per active unit (by kind, then name): {"unit": Unit, every DEFINITIONS key, raw counts}.

    Two queries whatever the number of units. With `unit`, only that unit's row (active or not).
    """
    now = now or clock.now()
    got = {
        row.pop("unit"): row
        for row in _rows(start, end, unit).values("unit").order_by().annotate(**aggregates(start, end, now))
    }
    units = [unit] if unit is not None else Unit.objects.filter(is_active=True).order_by("kind", "name")
    return [{"unit": u, **(finish(got[u.pk]) if u.pk in got else _empty())} for u in units]


def unit_row(*, unit, start, end, now=None):
    """The one unit's figures (one query)."""
    return unit_table(start=start, end=end, now=now, unit=unit)[0]


def overall(*, start, end, now=None):
    """The same figures for all units together (two queries).

    Also per ticket (from Ticket.urge_count, tickets received in the period, invalid and merged ones
    excluded): `ticket_urges` (催办 on those tickets, including before dispatch) and `urged_tickets`.
    """
    now = now or clock.now()
    row = finish(_rows(start, end).aggregate(**aggregates(start, end, now)))
    tickets = Ticket.objects.countable().filter(created_at__gte=start, created_at__lt=end).aggregate(
        ticket_urges=Sum("urge_count"), urged_tickets=Count("pk", filter=Q(urge_count__gt=0))
    )
    row["ticket_urges"] = tickets["ticket_urges"] or 0
    row["urged_tickets"] = tickets["urged_tickets"]
    return row


def _category_labels(ids):
    """Full paths (城乡建设 › 道路 › 路灯) for the categories `ids`, from one query over the whole tree."""
    tree = {c["pk"]: c for c in Category.objects.values("pk", "name", "parent")}

    def path(pk):
        names, seen = [], set()
        while pk is not None and pk in tree and pk not in seen:
            seen.add(pk)
            names.append(tree[pk]["name"])
            pk = tree[pk]["parent"]
        return " › ".join(reversed(names))

    return {pk: path(pk) for pk in ids if pk is not None}


def breakdown(*, start, end, by, now=None, unit=None):
    """The figures per kind, channel, village or category of the ticket: a list of dicts with `key`
    (the value, None for none) and `label`, ordered by received then label. With `unit`, that unit only.

    Two queries at most (the aggregate, and the labels for villages or categories).
    """
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown by {by!r}: use one of {BREAKDOWNS}")
    now = now or clock.now()
    field = f"ticket__{by}"
    got = list(_rows(start, end, unit).values(field).order_by().annotate(**aggregates(start, end, now)))
    keys = [row[field] for row in got]
    if by == "kind":
        labels = dict(Kind.choices)
    elif by == "channel":
        labels = dict(Channel.choices)
    elif by == "village":
        labels = {v.pk: str(v) for v in Village.objects.filter(pk__in=[k for k in keys if k]).select_related("township")}
    else:
        labels = _category_labels(keys)
    rows = []
    for raw in got:
        key = raw.pop(field)
        rows.append({"key": key, "label": str(labels.get(key, key)) if key is not None else str(_("未填写")), **finish(raw)})
    rows.sort(key=lambda r: (-r["received"], r["key"] is None, r["label"]))
    return rows
