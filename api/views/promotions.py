"""Promotion requests (推广申请): the public's published products (no login), and the media editors'
requests with the workflow actions. Everything through hotline.promotions and hotline.access."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from api import promotion_serializers as ps
from api.filters import IdFilter
from api.pagination import NewestFirstCursor
from api.views.tickets import ApiView
from hotline import access, promotions
from hotline.errors import InvalidInput
from hotline.models import PromotionRequest

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("推广申请编号"))
_BIGINT_MAX = 2**63 - 1


class MediaEditor(BasePermission):
    """Media editors and supervisors."""

    message = gettext_lazy("只有编辑和督办可以处理推广申请。")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and access.is_media_editor(request.user))


class PromotionTaker(BasePermission):
    """Operators, media editors and supervisors (a request taken on the phone)."""

    message = gettext_lazy("只有话务员、编辑和督办可以登记推广申请。")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and access.may_take_promotions(request.user))


def _pk(value):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= _BIGINT_MAX else None


# --- the public --------------------------------------------------------------------------------


class ProductCursor(CursorPagination):
    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-published_at", "-pk")


class ProductFilter(filters.FilterSet):
    township = IdFilter(method="filter_township", help_text=gettext_lazy("乡镇/街道编号"))
    village = IdFilter(field_name="village_id", help_text=gettext_lazy("村/社区编号"))
    category = filters.ChoiceFilter(choices=PromotionRequest.Category.choices, help_text=ps.CATEGORY_HELP)

    class Meta:
        model = PromotionRequest
        fields = []

    def filter_township(self, queryset, name, value):
        return queryset.filter(village__township_id=value) if value else queryset


@extend_schema(tags=["public products"])
class PublicProductListView(ListAPIView, ApiView):
    permission_classes = [AllowAny]
    serializer_class = ps.PublicProductSerializer
    pagination_class = ProductCursor
    filterset_class = ProductFilter

    def get_queryset(self):
        return promotions.public_products()

    @extend_schema(
        operation_id="public_products_list",
        summary=gettext_lazy("已推广的产品（公开）"),
        description=gettext_lazy(
            "已发布和已完成推广的村民产品，按发布时间倒序，可按乡镇、村和类别筛选；无需登录。"
            "不含村民姓名；电话只在村民同意公开时给出。"
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["public products"], parameters=[ID])
class PublicProductDetailView(ApiView):
    permission_classes = [AllowAny]
    serializer_class = ps.PublicProductSerializer

    @extend_schema(
        operation_id="public_products_retrieve",
        summary=gettext_lazy("产品详情（公开）"),
        description=gettext_lazy("一件已发布的产品；未发布的申请一律 404。"),
    )
    def get(self, request, id):
        req = promotions.public_products().filter(pk=_pk(id)).first() if _pk(id) else None
        if req is None:
            raise NotFound(_("没有这件产品。"))
        return Response(ps.PublicProductSerializer(req, context={"request": request}).data)


# --- media editors -----------------------------------------------------------------------------


class PromotionFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(
        choices=[c for c in PromotionRequest.Status.choices if c[0] != PromotionRequest.Status.UNCONFIRMED],
        help_text=gettext_lazy("可重复：status=submitted&status=accepted"),
    )
    category = filters.ChoiceFilter(choices=PromotionRequest.Category.choices, help_text=ps.CATEGORY_HELP)
    channel = filters.ChoiceFilter(choices=list(promotions.CHANNEL_LABELS.items()), help_text=ps.CHANNEL_HELP)
    township = IdFilter(method="filter_township", help_text=gettext_lazy("乡镇/街道编号"))
    village = IdFilter(field_name="village_id", help_text=gettext_lazy("村/社区编号"))

    class Meta:
        model = PromotionRequest
        fields = []

    def filter_township(self, queryset, name, value):
        return queryset.filter(village__township_id=value) if value else queryset


@extend_schema(tags=["promotions"])
class PromotionListView(ListAPIView, ApiView):
    """Editors list the requests; operators (and editors) record one taken on the phone."""

    serializer_class = ps.PromotionSerializer
    pagination_class = NewestFirstCursor
    filterset_class = PromotionFilter

    def get_permissions(self):
        return [PromotionTaker()] if self.request is not None and self.request.method == "POST" else [MediaEditor()]

    def get_queryset(self):
        return promotions.editor_requests().select_related("reviewed_by")

    @extend_schema(
        operation_id="promotions_list",
        summary=gettext_lazy("推广申请列表（编辑）"),
        description=gettext_lazy("全部推广申请（不含待短信确认的网上申请），按申请时间倒序；仅编辑和督办。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="promotions_create",
        summary=gettext_lazy("登记推广申请（来电）"),
        description=gettext_lazy("话务员、编辑或督办登记群众来电提出的推广申请；群众按电话识别，并收到短信。"),
        request=ps.PromotionCreateInput,
        responses={201: OpenApiResponse(ps.PromotionDetailSerializer, description=gettext_lazy("已登记"))},
    )
    def post(self, request, *args, **kwargs):
        serializer = ps.PromotionCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        req = promotions.create_by_operator(by=request.user, **data)
        return _detail(request, req.pk, status_code=status.HTTP_201_CREATED)


def _detail(request, pk, *, status_code=status.HTTP_200_OK):
    req = promotions.editor_request(pk)
    if req is None:
        raise NotFound(_("没有这件推广申请。"))
    return Response(ps.PromotionDetailSerializer(req, context={"request": request}).data, status=status_code)


@extend_schema(tags=["promotions"], parameters=[ID])
class PromotionDetailView(ApiView):
    permission_classes = [MediaEditor]
    serializer_class = ps.PromotionDetailSerializer

    @extend_schema(
        operation_id="promotions_retrieve",
        summary=gettext_lazy("推广申请详情（编辑）"),
        description=gettext_lazy("申请的全部内容、审核清单、广告法禁用词、各平台的排期、发布和效果，以及图片。"),
    )
    def get(self, request, id):
        return _detail(request, _pk(id) or 0)


# --- the actions -------------------------------------------------------------------------------


def _placement(req, platform):
    placement = req.placements.filter(platform=platform).first()
    if placement is None:
        message = _("这个平台还没有排期。")
        raise InvalidInput(message, field_errors={"platform": [message]})
    return placement


def _edit(req, user, data):
    promotions.edit(request=req, by=user, **data)


def _accept(req, user, data):
    promotions.accept(request=req, by=user, **data)


def _decline(req, user, data):
    promotions.decline(request=req, by=user, reason=data["reason"])


def _schedule(req, user, data):
    pairs = [(item["platform"], item["date"]) for item in data["placements"]]
    try:
        promotions.schedule(request=req, by=user, placements=pairs)
    except InvalidInput as exc:
        # the service names the platforms; the API's field is the list
        fields = {}
        for messages in exc.field_errors.values():
            fields.setdefault("placements", []).extend(messages)
        raise InvalidInput(exc.message, field_errors=fields) from None


def _publish(req, user, data):
    promotions.publish(placement=_placement(req, data["platform"]), by=user, link=data["link"],
                       published_on=data["published_on"])


def _results(req, user, data):
    promotions.enter_results(placement=_placement(req, data["platform"]), by=user, views=data.get("views"),
                             likes=data.get("likes"), orders=data.get("orders"))


def _finish(req, user, data):
    promotions.finish(request=req, by=user)


# name: (input, perform, summary, description)
ACTIONS = {
    "edit": (ps.PromotionDetailsInput, _edit, gettext_lazy("修改产品信息"),
             gettext_lazy("只改给出的字段。通过审核后，公开文字不能再出现广告法禁用词。")),
    "accept": (ps.PromotionAcceptInput, _accept, gettext_lazy("审核通过"),
               gettext_lazy("审核清单须完整（需要证明的已核验、用语已核对），公开文字不得含广告法禁用词；群众收到短信。")),
    "decline": (ps.PromotionDeclineInput, _decline, gettext_lazy("审核不通过"),
                gettext_lazy("须写明原因，短信告知群众。")),
    "schedule": (ps.PromotionScheduleInput, _schedule, gettext_lazy("排期"),
                 gettext_lazy("通过审核后，选择一个或多个平台并各填日期（今天或以后）；可再次排期以增加平台或改期。")),
    "publish": (ps.PromotionPublishInput, _publish, gettext_lazy("记录发布"),
                gettext_lazy("一个已排期平台的发布链接和日期；第一个平台发布后，产品出现在公开页面。")),
    "results": (ps.PromotionResultsInput, _results, gettext_lazy("录入推广效果"),
                gettext_lazy("一个已发布平台的浏览量、点赞数和订单数（不能为负数）。")),
    "finish": (None, _finish, gettext_lazy("完成推广"),
               gettext_lazy("各已发布平台都录入效果后完成；群众收到效果短信。")),
}


class PromotionActionView(ApiView):
    permission_classes = [MediaEditor]
    schema_errors = ("400", "401", "403", "404", "409", "429")
    action_name = None

    def post(self, request, id):
        input_class, perform, _summary, _description = ACTIONS[self.action_name]
        req = promotions.editor_request(_pk(id) or 0)
        if req is None:
            raise NotFound(_("没有这件推广申请。"))
        data = {}
        if input_class is not None:
            serializer = input_class(data=request.data, partial=self.action_name == "edit")
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        perform(req, request.user, data)
        return _detail(request, req.pk)


def _action_view(name):
    input_class, _perform, summary, description = ACTIONS[name]

    @extend_schema(
        tags=["promotion actions"], operation_id=f"promotions_{name}", summary=summary, description=description,
        parameters=[ID], request=input_class,
        responses={200: OpenApiResponse(ps.PromotionDetailSerializer, description=gettext_lazy("更新后的推广申请"))},
    )
    def post(self, request, id):
        return PromotionActionView.post(self, request, id)

    return type(
        f"Promotion{name.title()}View", (PromotionActionView,),
        {"action_name": name, "serializer_class": input_class or ps.PromotionDetailSerializer, "post": post,
         "__doc__": str(summary)},
    )


ACTION_VIEWS = {name: _action_view(name) for name in ACTIONS}

__all__ = ["ACTION_VIEWS", "PromotionDetailView", "PromotionListView", "PublicProductDetailView",
           "PublicProductListView"]
