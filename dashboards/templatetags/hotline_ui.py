from django import template
from django.utils.translation import gettext_lazy as _

from hotline.phones import mask_phone

register = template.Library()


@register.filter
def masked(phone):
    """138****8000: lists show enough to recognise a caller, not the whole number."""
    return mask_phone(str(phone or ""))


# Twilio's call statuses (and the hotline's own: requested, answered, unanswered, dial-*), as people say them
CALL_STATUS = {
    "requested": _("呼叫中"),
    "queued": _("呼叫中"),
    "initiated": _("呼叫中"),
    "ringing": _("振铃中"),
    "in-progress": _("通话中"),
    "answered": _("已接通"),
    "completed": _("已结束"),
    "busy": _("忙线"),
    "no-answer": _("未接听"),
    "unanswered": _("未接听"),
    "failed": _("呼叫失败"),
    "canceled": _("已取消"),
}


@register.filter
def call_status(value):
    if not value:
        return "—"
    if value.startswith("dial-"):
        return CALL_STATUS.get(value[5:], value)
    return CALL_STATUS.get(value, value)
