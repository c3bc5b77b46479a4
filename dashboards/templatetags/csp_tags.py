"""Inline SVG charts under the Content-Security-Policy.

pygal puts each chart's stylesheet in a <style> inside the SVG; `style-src` allows no inline style
but one carrying the response's nonce (django-csp adds it to the header once `request.csp_nonce` is
read). Only the chart's own <style> gets it: the SVG comes from hotline.charts, built from our figures.

    {% load csp_tags %}
    {% chart_svg charts.days %}
"""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

_STYLE = re.compile(r'<style type="text/css">')


@register.simple_tag(takes_context=True)
def chart_svg(context, svg):
    if not svg:
        return ""
    if not isinstance(svg, SafeData):  # not marked safe by the view: shown as text, never as markup
        return conditional_escape(svg)
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", None)  # lazy: reading it puts the nonce in the header
    if nonce is None:  # no CSP middleware (a request built by hand)
        return svg
    return mark_safe(_STYLE.sub(f'<style type="text/css" nonce="{conditional_escape(str(nonce))}">', svg, count=1))
