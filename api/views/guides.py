"""Service guides (办事指南): the public search, list and detail (no login), and the staff endpoints
where units draft their guides and editors publish them. Every change goes through hotline.guides."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from api.filters import IdFilter
from api.guide_serializers import (
    GuideDetailSerializer,
    GuideInput,
    GuideListSerializer,
    GuideStaffSerializer,
    SendBackInput,
    WithdrawInput,
)
from api.inputs import EmptyInput
from api.views.tickets import ApiView
from hotline import access, guides
from hotline.errors import InvalidInput
from hotline.models import ServiceGuide

_BIGINT_MAX = 2**63 - 1

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("办事指南编号"))


class GuidePage(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class GuideDrafter(BasePermission):
    """A unit's liaison or head (their unit's guides), or a media editor (every guide)."""

    message = gettext_lazy("只有单位联络员、单位负责人和编辑可以使用此接口。")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (
            access.drafting_unit(user) is not None or access.is_media_editor(user)
        ))


def _by_id(queryset, raw):
    """The guide with this id (the path takes any text, so a malformed id is a JSON 404 like an unknown one)."""
    pk = int(raw) if raw.isascii() and raw.isdigit() else 0
    guide = queryset.filter(pk=pk).first() if 1 <= pk <= _BIGINT_MAX else None
    if guide is None:
        raise NotFound(_("没有这项办事指南。"))
    return guide


# --- public (no login) -----------------------------------------------------------------------------------


class PublicGuideFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q", max_length=100,
        help_text=gettext_lazy("关键词，中文可不分词（如“办身份证”），空格分隔多个词；按相关程度排序"),
    )
    category = filters.CharFilter(
        method="filter_category", max_length=20,
        help_text=gettext_lazy("类别：certificate（办证）、affairs（办事）、payment（缴费）、other（其他）"),
    )
    unit = IdFilter(field_name="unit_id", help_text=gettext_lazy("主管单位编号"))

    class Meta:
        model = ServiceGuide
        fields = []

    def filter_q(self, queryset, name, value):
        return guides.search(value, queryset) if value.strip() else queryset

    def filter_category(self, queryset, name, value):
        if value not in ServiceGuide.Category.values:
            message = _("没有这个类别。")
            raise InvalidInput(message, field_errors={"category": [message]})
        return queryset.filter(category=value)


@extend_schema(tags=["guides"])
class PublicGuideListView(ListAPIView, ApiView):
    permission_classes = [AllowAny]
    serializer_class = GuideListSerializer
    pagination_class = GuidePage
    filterset_class = PublicGuideFilter

    def get_queryset(self):
        return guides.public_list()

    @extend_schema(
        operation_id="public_guides_list",
        summary=gettext_lazy("办事指南：查询和列表（公开）"),
        description=gettext_lazy(
            "已发布的办事指南，无需登录。带 q 时按相关程度排序（事项名称中出现的在前，其次关键词，再次其他内容）；"
            "不带 q 时按类别、主管单位和名称排序。分页：page、page_size（最大 100）。"
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["guides"], parameters=[ID])
class PublicGuideDetailView(ApiView):
    permission_classes = [AllowAny]
    serializer_class = GuideDetailSerializer

    @extend_schema(
        operation_id="public_guides_retrieve",
        summary=gettext_lazy("办事指南详情（公开）"),
        description=gettext_lazy("一项已发布的办事指南的全部内容；未发布或已下线的得到 404。"),
        responses={200: GuideDetailSerializer},
    )
    def get(self, request, id):
        guide = _by_id(guides.published().select_related("unit"), id)
        return Response(GuideDetailSerializer(guide, context={"request": request}).data)


# --- staff: units draft, editors publish ------------------------------------------------------------------


class StaffGuideFilter(filters.FilterSet):
    status = filters.CharFilter(
        method="filter_status", max_length=20,
        help_text=gettext_lazy("状态：draft（草稿）、pending（待发布）、published（已发布）、withdrawn（已下线）"),
    )
    unit = IdFilter(field_name="unit_id", help_text=gettext_lazy("主管单位编号"))
    stale = filters.BooleanFilter(method="filter_stale", help_text=gettext_lazy("true：已发布且超过核对期限的"))

    class Meta:
        model = ServiceGuide
        fields = []

    def filter_status(self, queryset, name, value):
        if value not in ServiceGuide.Status.values:
            message = _("没有这个状态。")
            raise InvalidInput(message, field_errors={"status": [message]})
        return queryset.filter(status=value)

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        stale = guides.stale(queryset)
        return stale if value else queryset.exclude(pk__in=stale.values("pk"))


def _staff_queryset(user):
    return access.editable_by(user, ServiceGuide.objects.select_related("unit")).order_by("unit__name", "title", "pk")


def _staff_response(request, guide, status_code=status.HTTP_200_OK):
    guide = ServiceGuide.objects.select_related("unit").get(pk=guide.pk)
    return Response(GuideStaffSerializer(guide, context={"request": request}).data, status=status_code)


def _content(data):
    return {name: value for name, value in data.items() if name in guides.CONTENT_FIELDS}


@extend_schema(tags=["guides"])
class GuideListView(ListAPIView, ApiView):
    permission_classes = [GuideDrafter]
    serializer_class = GuideStaffSerializer
    pagination_class = GuidePage
    filterset_class = StaffGuideFilter

    def get_queryset(self):
        return _staff_queryset(self.request.user)

    def get_serializer_class(self):
        return GuideInput if self.request is not None and self.request.method == "POST" else GuideStaffSerializer

    @extend_schema(
        operation_id="guides_list",
        summary=gettext_lazy("办事指南（单位和编辑）"),
        description=gettext_lazy("单位联络员和负责人看到本单位的全部指南（各状态），编辑看到全部单位的。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="guides_create",
        summary=gettext_lazy("起草办事指南"),
        description=gettext_lazy("新建一项草稿：单位账号为本单位起草（不填 unit），编辑须填写 unit。"),
        request=GuideInput,
        responses={201: OpenApiResponse(GuideStaffSerializer, description=gettext_lazy("已保存为草稿"))},
    )
    def post(self, request, *args, **kwargs):
        serializer = GuideInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = data.pop("unit")
        own = access.drafting_unit(request.user)
        if access.is_media_editor(request.user):
            if unit is None:
                message = _("请填写主管单位。")
                raise InvalidInput(message, field_errors={"unit": [message]})
        elif unit is not None and unit.pk != own.pk:
            message = _("只能为本单位起草办事指南。")
            raise InvalidInput(message, field_errors={"unit": [message]})
        else:
            unit = own
        guide = guides.draft(by=request.user, unit=unit, **_content(data))
        return _staff_response(request, guide, status.HTTP_201_CREATED)


@extend_schema(tags=["guides"], parameters=[ID])
class GuideDetailView(ApiView):
    permission_classes = [GuideDrafter]
    serializer_class = GuideStaffSerializer

    @extend_schema(
        operation_id="guides_retrieve",
        summary=gettext_lazy("办事指南（任意状态）"),
        description=gettext_lazy("本单位的（编辑：任一单位的）一项指南；别的单位的得到 404。"),
        responses={200: GuideStaffSerializer},
    )
    def get(self, request, id):
        return _staff_response(request, _by_id(_staff_queryset(request.user), id))

    @extend_schema(
        operation_id="guides_update",
        summary=gettext_lazy("修改办事指南"),
        description=gettext_lazy(
            "只提交要改的字段。已下线的指南修改后成为草稿；已发布的指南只有编辑可以修改（单位得到 409：请先下线）。"
        ),
        request=GuideInput,
        responses={200: GuideStaffSerializer},
    )
    def patch(self, request, id):
        guide = _by_id(_staff_queryset(request.user), id)
        serializer = GuideInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = data.pop("unit", None)
        if unit is not None and unit.pk != guide.unit_id:
            message = _("不能更改指南的主管单位。")
            raise InvalidInput(message, field_errors={"unit": [message]})
        guides.edit(guide=guide, by=request.user, **_content(data))
        return _staff_response(request, guide)


GUIDE_ACTIONS = {
    "submit": (
        EmptyInput, lambda g, u, d: guides.submit(guide=g, by=u), gettext_lazy("提交编辑发布"),
        gettext_lazy("草稿 → 待发布；须已填写事项名称、所需材料、办理流程、办理地点、办理时间和咨询电话。"),
    ),
    "publish": (
        EmptyInput, lambda g, u, d: guides.publish(guide=g, by=u), gettext_lazy("发布"),
        gettext_lazy("待发布 → 已发布（仅编辑；单位得到 403）。"),
    ),
    "send-back": (
        SendBackInput, lambda g, u, d: guides.send_back(guide=g, by=u, note=d["note"]), gettext_lazy("退回修改"),
        gettext_lazy("待发布 → 草稿，附退回意见（仅编辑）。"),
    ),
    "withdraw": (
        WithdrawInput, lambda g, u, d: guides.withdraw(guide=g, by=u, reason=d["reason"]), gettext_lazy("下线"),
        gettext_lazy("已发布或待发布 → 已下线；单位或编辑。"),
    ),
    "check": (
        EmptyInput, lambda g, u, d: guides.mark_checked(guide=g, by=u), gettext_lazy("标记已核对"),
        gettext_lazy("单位确认内容仍然有效：最近核对日期记为今天，重新开始计算核对期限。"),
    ),
}


class GuideActionView(ApiView):
    permission_classes = [GuideDrafter]
    schema_errors = ("400", "401", "403", "404", "409", "429")
    guide_action = None  # (input, perform, summary, description)

    def post(self, request, id):
        guide = _by_id(_staff_queryset(request.user), id)
        input_class, perform = self.guide_action[:2]
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        perform(guide, request.user, serializer.validated_data)
        return _staff_response(request, guide)


def _action_view(name, spec):
    input_class, _perform, summary, description = spec
    has_input = bool(input_class().fields)

    @extend_schema(
        tags=["guides"], operation_id="guides_" + name.replace("-", "_"), summary=summary, description=description,
        parameters=[ID], request=input_class if has_input else None,
        responses={200: OpenApiResponse(GuideStaffSerializer, description=gettext_lazy("更新后的办事指南"))},
    )
    def post(self, request, id):
        return GuideActionView.post(self, request, id)

    return type(
        "Guide" + "".join(part.title() for part in name.split("-")) + "View",
        (GuideActionView,),
        {"guide_action": spec, "serializer_class": input_class, "post": post, "__doc__": str(summary)},
    )


GUIDE_ACTION_VIEWS = {name: _action_view(name, spec) for name, spec in GUIDE_ACTIONS.items()}

