"""Charts as SVG rendered on the server with pygal: nothing is loaded by the browser, no script runs.

`volume` reads the month's ticket counts (four aggregate queries whatever the number of tickets or
units); the chart functions turn figures into SVG text to put inline in a page.

pygal's SVG carries a <script> with its config, and one loading its tooltip script from a CDN: the
config sets `js=[]` (no CDN) and `render` strips the inline one (and pygal's comments) as well.
"""

import datetime as dt
import re

import pygal
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from pygal.style import Style

from hotline.models import Ticket
from hotline.models.choices import Channel, Kind

FONT = '"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif'
STYLE = Style(
    font_family=FONT, background="transparent", plot_background="#ffffff", foreground="#1f2933",
    foreground_strong="#1f2933", foreground_subtle="#9aa5b1", opacity=".85", opacity_hover=".95",
    colors=("#1d4ed8", "#b91c1c", "#15803d", "#b45309", "#7c3aed", "#0f766e", "#be185d", "#4b5563",
            "#0369a1", "#a16207", "#4d7c0f", "#9f1239"),
    title_font_size=18, label_font_size=13, major_label_font_size=13, legend_font_size=14,
    value_font_size=13, tooltip_font_size=13,
)
CONFIG = dict(
    js=[],  # pygal's default loads its tooltip script from a CDN: nothing from outside
    disable_xml_declaration=True, style=STYLE, truncate_label=-1, truncate_legend=-1,
    no_data_text="", show_y_guides=True, margin=12,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _wide_label_room(labels, font_size):
    """Extra left margin for labels in Chinese: pygal reserves 0.6 em a character, a CJK one needs a whole em."""
    widest = max((sum(1 for ch in label if ord(ch) >= 0x2E80) for label in labels), default=0)
    return 8 + int(widest * 0.45 * font_size)


def _count_ticks(values):
    """Whole-number ticks for an axis of counts (pygal would put 0.2, 0.4 … on a small one)."""
    top = max(values, default=0)
    step = max(1, -(-top // 5))
    return list(range(0, top + step, step)) if top else [0, 1]


def render(chart):
    """The chart as SVG text (no XML declaration, no script, no comments) for inline use."""
    svg = chart.render(is_unicode=True)
    # the hidden tooltip's style="opacity: 0" as an attribute: the CSP allows no inline style attribute
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    return _COMMENT.sub("", _SCRIPT.sub("", svg))


# --- data ---------------------------------------------------------------------------------


def _local_date(value):
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else timezone.localdate(value)


def volume(*, start, end):
    """Tickets received in [start, end) (invalid and merged ones not counted): four aggregate queries.

    {"total", "by_day": [(date, n)] every day of the period, "by_kind", "by_channel", "by_unit":
    [(label, n)] largest first; tickets without a lead unit (answered on the spot, not yet dispatched)
    are one entry "未派单".}
    """
    tickets = Ticket.objects.countable().filter(created_at__gte=start, created_at__lt=end).order_by()
    tz = timezone.get_default_timezone()
    per_day = {
        row["day"]: row["n"]
        for row in tickets.annotate(day=TruncDate("created_at", tzinfo=tz)).values("day").annotate(n=Count("pk"))
    }
    first, last = _local_date(start), _local_date(end - dt.timedelta(microseconds=1))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    by_day = [(day, per_day.get(day, 0)) for day in days]

    def grouped(field, labels):
        rows = tickets.values(field).annotate(n=Count("pk")).order_by("-n", field)
        return [(str(labels.get(row[field], row[field])), row["n"]) for row in rows]

    by_unit = [
        (row["lead_unit__name"] or _("未派单"), row["n"])
        for row in tickets.values("lead_unit__name").annotate(n=Count("pk")).order_by("-n", "lead_unit__name")
    ]
    return {
        "total": sum(n for _day, n in by_day),
        "by_day": by_day,
        "by_kind": grouped("kind", dict(Kind.choices)),
        "by_channel": grouped("channel", dict(Channel.choices)),
        "by_unit": by_unit,
    }


# --- charts ---------------------------------------------------------------------------------


def daily_chart(by_day, *, title):
    chart = pygal.Bar(**CONFIG, title=title, show_legend=False, width=600, height=300, x_label_rotation=0,
                      show_minor_x_labels=False, x_labels_major_every=5, y_labels=_count_ticks([n for _d, n in by_day]))
    chart.x_labels = [str(day.day) for day, _n in by_day]
    chart.add(_("工单"), [n for _day, n in by_day])
    return render(chart)


def bar_chart(pairs, *, title, horizontal=False):
    labels = [label for label, _n in pairs]
    if horizontal:
        chart = pygal.HorizontalBar(**{**CONFIG, "margin_left": _wide_label_room(labels, STYLE.label_font_size)},
                                    title=title, show_legend=False, print_values=True, width=600,
                                    height=max(200, 60 + 34 * len(pairs)), y_labels=_count_ticks([n for _l, n in pairs]))
    else:
        chart = pygal.Bar(**CONFIG, title=title, show_legend=False, print_values=True, height=360,
                          y_labels=_count_ticks([n for _l, n in pairs]))
    chart.x_labels = labels
    chart.add(_("工单"), [n for _label, n in pairs])
    return render(chart)


def pie_chart(pairs, *, title):
    # legend on the side: pygal's bottom legend under-estimates its height and gets cut off
    chart = pygal.Pie(**CONFIG, title=title, inner_radius=.45, width=480, height=320, print_values=True)
    for label, n in pairs:
        chart.add(label, n)
    return render(chart)


def score_trend_chart(rows, *, title):
    """Scores over the months of `rows` from `ranking.trend` (one line per row; a gap where unranked)."""
    months = [point["month"] for point in rows[0]["points"]] if rows else []
    chart = pygal.Line(**CONFIG, title=title, width=600, height=340, legend_at_bottom=True, legend_at_bottom_columns=2,
                       range=(0, 100), allow_interruptions=True)
    chart.x_labels = [month.strftime("%Y-%m") for month in months]
    for row in rows:
        chart.add(row["unit"].name, [float(p["score"]) if p["score"] is not None else None for p in row["points"]])
    return render(chart)


def score_bars(rows, *, title):
    """A small horizontal bar per ranked unit of a published table (dicts with "unit" and "score" as text)."""
    ranked = [row for row in rows if row.get("rank") and row.get("score") is not None]
    labels = [row["unit"] for row in ranked][::-1]
    chart = pygal.HorizontalBar(**{**CONFIG, "margin_left": _wide_label_room(labels, STYLE.label_font_size)},
                                title=title, show_legend=False, print_values=True, range=(0, 100),
                                height=max(160, 60 + 34 * len(ranked)), width=420)
    chart.x_labels = labels
    chart.add(_("得分"), [float(row["score"]) for row in ranked][::-1])
    return render(chart)
