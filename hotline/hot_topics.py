"""热线专报: the week's clusters of similar tickets, for the district's leaders.

A cluster is the tickets of one category (the kind, for tickets without one) in one place: the
village, or for tickets without a village the township that leads them. A week runs from Monday
00:00 to the next Monday 00:00 in Asia/Shanghai. Each cluster is compared with the four weeks before:
"new" when none came then and at least 2 came this week; "rising" when this week has at least 3 and
at least twice the weekly average of those four weeks. Invalid tickets and merged duplicates count
nowhere. Samples are ticket titles only, never of confidential tickets or reports.

Everything is read in a fixed number of aggregate queries (GROUP BY category, kind, village, township)
whatever the number of tickets.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import Category, Ticket, Unit, Village
from hotline.models.choices import Kind
from hotline.models.tickets import UNCOUNTED_CLOSE_REASONS
from hotline.report_docs import Document, Paragraph, Run, Section, Subheading, Table, ToFill, fill, rate

NEW, RISING, STEADY = "new", "rising", "steady"
PREVIOUS_WEEKS = 4
SAMPLES = 3


def _midnight(day):
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_default_timezone())


def week_bounds(week_start):
    """[Monday 00:00, next Monday 00:00) in Asia/Shanghai; ValueError unless `week_start` is a Monday."""
    if not isinstance(week_start, dt.date) or isinstance(week_start, dt.datetime):
        raise ValueError(_("请给出一个日期。"))
    if week_start.weekday() != 0:
        raise ValueError(_("每期从星期一开始：%(day)s不是星期一。") % {"day": week_start.isoformat()})
    return _midnight(week_start), _midnight(week_start + dt.timedelta(days=7))


def last_full_week(now=None):
    """The Monday of the last whole week before `now` (Asia/Shanghai)."""
    today = timezone.localtime(now or timezone.now(), timezone.get_default_timezone()).date()
    return today - dt.timedelta(days=today.weekday() + 7)


def issue_number(week_start):
    """专报期号: the ISO week of the year (a week belongs to the year of its Thursday)."""
    year, week, _weekday = week_start.isocalendar()
    return year, week


def weekly_average(previous):
    """The four weeks' count as a weekly average, one decimal (0.25 → 0.3)."""
    return (Decimal(previous) / PREVIOUS_WEEKS).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Cluster:
    category_id: int | None
    kind: str  # the kind for tickets without a category, else ""
    village_id: int | None
    township_id: int | None
    count: int
    previous: int  # in the four weeks before
    topic: str = ""
    place: str = ""
    samples: list = field(default_factory=list)
    units: list = field(default_factory=list)

    @property
    def key(self):
        return (self.category_id, self.kind, self.village_id, self.township_id)

    @property
    def previous_average(self):
        return weekly_average(self.previous)

    @property
    def trend(self):
        if self.previous == 0 and self.count >= 2:
            return NEW
        # this week ≥ 2 × (previous / 4)  ⇔  2 × this week ≥ previous
        if self.previous and self.count >= 3 and 2 * self.count >= self.previous:
            return RISING
        return STEADY

    @property
    def trend_label(self):
        return {NEW: _("新出现"), RISING: _("上升"), STEADY: _("平稳")}[self.trend]


def _clustered(qs):
    """Tickets annotated with their cluster's key: topic kind and township (see module docstring)."""
    return qs.annotate(
        topic_kind=Case(When(category__isnull=True, then=F("kind")), default=Value(""), output_field=CharField()),
        place_township=Coalesce(
            F("village__township"),
            Case(When(lead_unit__kind=Unit.Kind.TOWNSHIP, then=F("lead_unit")), output_field=IntegerField()),
            output_field=IntegerField(),
        ),
    )


KEY = ("category", "topic_kind", "village", "place_township")


def _in_cluster(cluster):
    q = Q(category=cluster.category_id) if cluster.category_id else Q(category__isnull=True, kind=cluster.kind)
    q &= Q(village=cluster.village_id) if cluster.village_id else Q(village__isnull=True)
    q &= Q(place_township=cluster.township_id) if cluster.township_id else Q(place_township__isnull=True)
    return q


def _key(row):
    return (row["category"], row["topic_kind"], row["village"], row["place_township"])


def category_paths():
    """Category id → full path (城乡建设 › 道路 › 路灯), from one query over the (small) tree."""
    tree = {pk: (name, parent) for pk, name, parent in Category.objects.values_list("pk", "name", "parent")}
    paths = {}
    for pk in tree:
        names, node, seen = [], pk, set()
        while node in tree and node not in seen:
            seen.add(node)
            names.append(tree[node][0])
            node = tree[node][1]
        paths[pk] = " › ".join(reversed(names))
    return paths


def weekly(*, week_start, limit=10, min_count=2):
    """The week's brief: {"week_start", "start", "end", "number", "total", "previous_average",
    "clusters" (top `limit` by count this week, ties: new, then rising first), "new", "rising"
    (how many clusters of at least `min_count` tickets are new or rising, shown or not)}.

    Six queries whatever the number of tickets or clusters.
    """
    start, end = week_bounds(week_start)
    since = start - dt.timedelta(days=7 * PREVIOUS_WEEKS)
    this_week = Q(created_at__gte=start, created_at__lt=end)
    tickets = Ticket.objects.filter(created_at__gte=since, created_at__lt=end).exclude(
        close_reason__in=UNCOUNTED_CLOSE_REASONS
    )
    totals = tickets.aggregate(total=Count("pk", filter=this_week), previous=Count("pk", filter=~this_week))
    groups = (
        _clustered(tickets)
        .values(*KEY)
        .order_by()
        .annotate(count=Count("pk", filter=this_week), previous=Count("pk", filter=~this_week))
        .filter(count__gte=min_count)
    )
    found = [
        Cluster(category_id=g["category"], kind=g["topic_kind"], village_id=g["village"],
                township_id=g["place_township"], count=g["count"], previous=g["previous"])
        for g in groups
    ]
    order = {NEW: 0, RISING: 1, STEADY: 2}
    found.sort(key=lambda c: (-c.count, order[c.trend], -c.previous, c.key[0] or 0, c.kind, c.key[2] or 0))
    clusters = found[:limit]
    if clusters:
        _describe(clusters, tickets.filter(this_week))
    year, number = issue_number(week_start)
    return {
        "week_start": week_start,
        "start": start,
        "end": end,
        "year": year,
        "number": number,
        "total": totals["total"],
        "previous_average": weekly_average(totals["previous"]),
        "clusters": clusters,
        "new": sum(1 for c in found if c.trend == NEW),
        "rising": sum(1 for c in found if c.trend == RISING),
    }


def _describe(clusters, week):
    """Names, sample titles and handling units of the clusters shown (four queries)."""
    by_key = {c.key: c for c in clusters}
    wanted = Q()
    for cluster in clusters:
        wanted |= _in_cluster(cluster)
    week = _clustered(week).filter(wanted)
    samples = (
        week.exclude(confidential=True)
        .exclude(kind=Kind.REPORT)
        .annotate(position=Window(
            RowNumber(), partition_by=[F(name) for name in KEY], order_by=[F("created_at").desc(), F("pk").desc()]
        ))
        .filter(position__lte=SAMPLES)
        .values(*KEY, "title")
        .order_by(*KEY, "position")
    )
    for row in samples:
        by_key[_key(row)].samples.append(row["title"])
    handling = week.filter(lead_unit__isnull=False).values(*KEY, "lead_unit__name").order_by().annotate(n=Count("pk"))
    for row in sorted(handling, key=lambda r: (-r["n"], r["lead_unit__name"])):
        by_key[_key(row)].units.append(row["lead_unit__name"])
    paths = category_paths()
    villages = {
        v.pk: str(v) for v in Village.objects.filter(pk__in={c.village_id for c in clusters if c.village_id})
        .select_related("township")
    }
    townships = dict(
        Unit.objects.filter(pk__in={c.township_id for c in clusters if c.township_id}).values_list("pk", "name")
    )
    kinds = dict(Kind.choices)
    for cluster in clusters:
        cluster.topic = paths.get(cluster.category_id, "") if cluster.category_id else str(kinds.get(cluster.kind, ""))
        if cluster.village_id:
            cluster.place = villages.get(cluster.village_id, "")
        elif cluster.township_id:
            cluster.place = townships.get(cluster.township_id, "")
        else:
            cluster.place = _("地点未填写")


# --- the brief ---------------------------------------------------------------------------


def _day(day):
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def document(brief):
    """The brief as a Document: 热线专报 第N期, the period, a summary paragraph, a table per cluster."""
    last = brief["week_start"] + dt.timedelta(days=6)
    period = _("%(first)s至%(last)s") % {"first": _day(brief["week_start"]), "last": _day(last)}
    clusters = brief["clusters"]
    average = brief["previous_average"]
    if average:
        change = rate(abs(Decimal(brief["total"]) - average) * 100 / average)
        if brief["total"] >= average:
            comparison = _("较前四周周均%(average)s件增加%(change)s") % {"average": average, "change": change}
        else:
            comparison = _("较前四周周均%(average)s件减少%(change)s") % {"average": average, "change": change}
    else:
        comparison = _("前四周没有受理群众诉求")
    if clusters:
        summary = fill(
            _("%(period)s，热线共受理群众诉求%(total)s件，%(comparison)s。按事项分类和村（社区）、乡镇归并，"
              "本周集中反映的问题%(shown)s类，其中新出现%(new)s类、明显上升%(rising)s类，详见下表。"),
            period=period, total=brief["total"], comparison=comparison, shown=len(clusters),
            new=brief["new"], rising=brief["rising"],
        )
    else:
        summary = fill(
            _("%(period)s，热线共受理群众诉求%(total)s件，%(comparison)s。本周没有集中反映的问题。"),
            period=period, total=brief["total"], comparison=comparison,
        )
    blocks = []
    for position, cluster in enumerate(clusters, 1):
        heading = _("（%(position)s）%(topic)s · %(place)s") % {
            "position": position, "topic": cluster.topic, "place": cluster.place,
        }
        if cluster.trend != STEADY:
            heading += _("【%(trend)s】") % {"trend": cluster.trend_label}
        blocks.append(Subheading(heading))
        blocks.append(Table("", [_("项目"), _("情况")], [
            [_("本周件数"), cluster.count],
            [_("前四周周均"), str(cluster.previous_average)],
            [_("趋势"), cluster.trend_label],
            [_("承办单位"), "、".join(cluster.units) or _("尚未派单")],
            [_("典型诉求"), "；".join(cluster.samples) or _("（举报件、保密件不列标题）")],
        ]))
    if not clusters:
        blocks.append(Paragraph([Run(_("无。"))]))
    return Document(
        title=_("热线专报 第%(number)s期") % {"number": brief["number"]},
        subtitle=_("%(year)s年 · 统计时段：%(period)s") % {"year": brief["year"], "period": period},
        sections=[
            Section(_("一、本周概况"), [summary]),
            Section(_("二、集中反映的问题"), blocks),
            Section(_("三、工作建议"), [Paragraph([Run(str(ToFill("advice", _("工作建议"))), fill=True)])]),
        ],
    )
