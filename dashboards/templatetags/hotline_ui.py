from django import template

from hotline.phones import mask_phone

register = template.Library()


@register.filter
def masked(phone):
    """138****8000: lists show enough to recognise a caller, not the whole number."""
    return mask_phone(str(phone or ""))
