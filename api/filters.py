"""The ticket list's filters (django-filter), on top of access.visible_tickets; the rules
(overdue, queues, text search) are the dashboards' too (hotline.queues).

`resident_phone` is for hotline staff only, as phone search is on the ticket page:
units may not look residents up. For anyone else the filter is refused with 400
(rather than silently ignored, which would return every visible ticket and let a
client believe it had filtered).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError as ApiValidationError

from hotline import access
from hotline.models import Ticket
from hotline.models.choices import Channel, Kind, Status
from hotline.phones import normalize_phone
from hotline.queues import QUEUE_NAMES, overdue_q, queue_filter, search

_BIGINT_MAX = 2**63 - 1


class _DateTimeField(filters.IsoDateTimeFilter.field_class):
    def clean(self, value):
        result = super().clean(value)
        if result is not None and not 2000 <= result.year <= 2100:
            raise ValidationError(_("日期须在2000年至2100年之间。"), code="out_of_range")
        return result


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": _BIGINT_MAX})
class IdFilter(filters.NumberFilter):
    """A record's id: a whole number that fits the database (no 500 for id=10**30)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", _BIGINT_MAX)
        super().__init__(*args, **kwargs)


class DateTimeFilter(filters.IsoDateTimeFilter):
    """ISO 8601, e.g. 2026-03-02T10:00:00+08:00; years 2000–2100 (no overflow at the edges of time)."""

    field_class = _DateTimeField


class TicketFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Status.choices, help_text=_("可重复：status=new&status=returned"))
    kind = filters.MultipleChoiceFilter(choices=Kind.choices)
    channel = filters.MultipleChoiceFilter(choices=Channel.choices)
    unit = IdFilter(field_name="lead_unit_id", help_text=_("主办单位编号"))
    overdue = filters.BooleanFilter(method="filter_overdue", help_text=_("true：已超过签收或办结期限的在办工单"))
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = DateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = DateTimeFilter(field_name="updated_at", lookup_expr="lt")
    resident_phone = filters.CharFilter(
        method="filter_resident_phone", max_length=30,
        help_text=_("群众电话（仅话务员和督办；其他用户使用此参数得到 400）"),
    )
    q = filters.CharFilter(
        method="filter_text", max_length=100,
        help_text=_("工单号、标题/内容/地点中的文字；话务员和督办还可输入群众电话或其后几位"),
    )
    queue = filters.ChoiceFilter(
        choices=[(name, name) for name in QUEUE_NAMES], method="filter_queue", help_text=_("控制台的队列，如 review、overdue"),
    )

    class Meta:
        model = Ticket
        fields = []

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_resident_phone(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if not access.is_hotline_staff(self.request.user):
            raise ApiValidationError({"resident_phone": [_("只有话务员和督办可以按群众电话查询。")]})
        try:
            phone = normalize_phone(value)
        except ValidationError as exc:
            raise ApiValidationError({"resident_phone": exc.messages}) from exc
        return queryset.filter(resident__phone=phone)

    def filter_text(self, queryset, name, value):
        # the ticket page's search: by phone only for hotline staff
        return search(queryset, value, user=self.request.user)

    def filter_queue(self, queryset, name, value):
        apply = queue_filter(value or "", timezone.now())
        return apply(queryset) if apply is not None else queryset
