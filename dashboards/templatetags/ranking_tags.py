"""Small helpers of the ranking pages: a row's rate by key, the 红榜/黑榜 badge, the move since last month.

    {% load ranking_tags %}
    {{ row|rate:"satisfaction_rate" }}   → 66.7% (— when nothing was counted)
    {% mark_badge row.mark %}            → <span class="badge mark-red">红榜</span>
    {% rank_change row.change %}         → <span class="up" title="…">↑2</span>
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def rate(row, key):
    value = row.get(key) if hasattr(row, "get") else None
    return "—" if value in (None, "") else f"{value}%"


@register.simple_tag
def mark_badge(mark):
    if mark == "red":
        return format_html('<span class="badge mark-red">{}</span>', _("红榜"))
    if mark == "black":
        return format_html('<span class="badge mark-black">{}</span>', _("黑榜"))
    return ""


@register.simple_tag
def rank_change(change):
    if change is None:
        return ""
    if change > 0:
        return format_html('<span class="move up" title="{}">↑{}</span>', _("比上月上升"), change)
    if change < 0:
        return format_html('<span class="move down" title="{}">↓{}</span>', _("比上月下降"), -change)
    return format_html('<span class="move same" title="{}">→</span>', _("与上月持平"))
