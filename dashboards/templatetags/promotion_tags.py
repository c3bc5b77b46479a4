"""Template helpers of the promotion pages: forbidden advertising terms marked in a text, channel names."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from hotline.promotions import CHANNEL_LABELS, forbidden_spans

register = template.Library()


@register.filter
def mark_forbidden(text):
    """`text`, escaped, with each forbidden advertising term in <mark>."""
    text, parts, last = text or "", [], 0
    for start, end, _term in forbidden_spans(text):
        parts += [escape(text[last:start]), '<mark class="forbidden">', escape(text[start:end]), "</mark>"]
        last = end
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


@register.filter
def channel_label(value):
    return CHANNEL_LABELS.get(value, value)
