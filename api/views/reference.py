"""Units, villages, residents (hotline staff only) and SLA policies: read only."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from api.filters import IdFilter
from api.pagination import ResidentCursor
from api.permissions import HotlineStaff
from api.serializers import (
    ResidentDetailSerializer,
    ResidentSerializer,
    SlaPolicySerializer,
    UnitSerializer,
    VillageSerializer,
)
from api.views.tickets import ApiView, list_queryset
from hotline import access
from hotline.models import Resident, SlaPolicy, Ticket, Unit, Village
from hotline.phones import normalize_phone

_BIGINT_MAX = 2**63 - 1


class UnitFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Unit.Kind.choices)
    is_active = filters.BooleanFilter()

    class Meta:
        model = Unit
        fields = []


@extend_schema(tags=["reference"])
class UnitListView(ListAPIView, ApiView):
    """All handling units (county departments, townships/subdistricts), by kind and name."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    queryset = Unit.objects.order_by("kind", "name", "pk")

    @extend_schema(
        operation_id="units_list",
        summary=gettext_lazy("承办单位"),
        description=gettext_lazy("承办单位（区直部门、乡镇/街道），全部，按类型和名称排序。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class VillageFilter(filters.FilterSet):
    township = IdFilter(field_name="township_id", help_text=gettext_lazy("乡镇/街道编号"))

    class Meta:
        model = Village
        fields = []


@extend_schema(tags=["reference"])
class VillageListView(ListAPIView, ApiView):
    """All villages/communities, by township and name."""

    serializer_class = VillageSerializer
    filterset_class = VillageFilter
    queryset = Village.objects.select_related("township").order_by("township__name", "name", "pk")

    @extend_schema(
        operation_id="villages_list",
        summary=gettext_lazy("村/社区"),
        description=gettext_lazy("村/社区，全部，按乡镇和名称排序。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ResidentFilter(filters.FilterSet):
    phone = filters.CharFilter(method="filter_phone", max_length=30, help_text=gettext_lazy("电话（任意常见写法）"))
    q = filters.CharFilter(method="filter_text", max_length=50, help_text=gettext_lazy("姓名中的文字，或电话的后几位"))

    class Meta:
        model = Resident
        fields = []

    def filter_phone(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        try:
            return queryset.filter(phone=normalize_phone(value))
        except ValidationError as exc:
            raise ApiValidationError({"phone": exc.messages}) from exc

    def filter_text(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        condition = Q(name__icontains=text)
        if text.isdigit() and len(text) >= 4:
            condition |= Q(phone__endswith=text)
        return queryset.filter(condition)


@extend_schema(tags=["residents"])
class ResidentListView(ListAPIView, ApiView):
    """Residents (operators and supervisors only), most recently registered first."""

    permission_classes = [HotlineStaff]
    serializer_class = ResidentSerializer
    filterset_class = ResidentFilter
    pagination_class = ResidentCursor
    queryset = Resident.objects.select_related("village")

    @extend_schema(
        operation_id="residents_list",
        summary=gettext_lazy("群众"),
        description=gettext_lazy("群众（仅话务员和督办），最近登记的在前。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["residents"])
class ResidentDetailView(RetrieveAPIView, ApiView):
    permission_classes = [HotlineStaff]
    serializer_class = ResidentDetailSerializer
    queryset = Resident.objects.select_related("village")

    @extend_schema(operation_id="residents_retrieve", summary=gettext_lazy("群众及其最近的工单（仅话务员和督办）"))
    def get(self, request, pk):
        if not (isinstance(pk, int) and 1 <= pk <= _BIGINT_MAX):
            raise NotFound(_("没有这位群众。"))
        resident = self.get_queryset().filter(pk=pk).first()
        if resident is None:
            raise NotFound(_("没有这位群众。"))
        tickets = access.visible_tickets(
            request.user, list_queryset(Ticket.objects.filter(resident=resident))
        ).order_by("-created_at", "-pk")[:20]
        context = {"request": request, "now": timezone.now(), "tickets": list(tickets)}
        return Response(ResidentDetailSerializer(resident, context=context).data)


@extend_schema(tags=["reference"])
class SlaPolicyListView(ListAPIView, ApiView):
    """Time limits: sign-for, completion and return limits per kind and priority."""

    serializer_class = SlaPolicySerializer
    queryset = SlaPolicy.objects.order_by("kind", "priority", "pk")

    @extend_schema(
        operation_id="sla_policies_list",
        summary=gettext_lazy("办理时限"),
        description=gettext_lazy("办理时限：每种诉求类型和紧急程度的签收、办结和退单时限。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

