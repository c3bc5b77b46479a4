"""KPI labels with their definitions as tooltips, and KPI values as people read them.

    {% load kpi_tags %}
    {% kpi_label "satisfaction_rate" %}   → <abbr class="kpi" title="…definition…">满意率</abbr>
    {{ row.satisfaction_rate|kpi_value:"satisfaction_rate" }}   → 66.7% (— when nothing was counted)
"""

from django import template
from django.utils.html import format_html

from hotline.kpis import DEFINITIONS

register = template.Library()


@register.simple_tag
def kpi_label(key):
    definition = DEFINITIONS[key]
    return format_html('<abbr class="kpi" title="{}">{}</abbr>', definition.help, definition.label)


@register.simple_tag
def kpi_help(key):
    return DEFINITIONS[key].help


@register.filter
def kpi_value(value, key):
    if value is None:
        return "—"
    if DEFINITIONS[key].kind == "percent":
        return f"{value}%"
    return value


@register.simple_tag
def kpi_cell(row, key):
    """The value of figure `key` in a row of hotline.kpis (a dict), as `kpi_value` shows it."""
    return kpi_value(row.get(key), key)
