"""承诺事项 in the API: the public board's list and detail under /api/public/pledges/ (no login), and the
staff's under /api/pledges/ (with their drafts) with the writes.

Staff reads go through hotline.pledges.visible_pledges (the public ones, and the drafts and pending ones
of whoever may work on them), writes through the service functions of hotline.pledges. A pledge the user
may not see answers 404; one they see but may not change, 403; a wrong state, 409.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from api import pledge_serializers as io
from api.filters import IdFilter
from api.inputs import EmptyInput
from api.pagination import Cursor
from api.views.tickets import ApiView
from hotline import access, pledges
from hotline.errors import InvalidInput
from hotline.models import Pledge, PledgeItem, PledgeUpdate, PledgeUpdatePhoto, Unit

_BIGINT_MAX = 2**63 - 1
PLEDGE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH,
    description=gettext_lazy("承诺事项编号：群众短信“CN 编号 意见”“YD 编号 1”中的编号"),
)
ITEM_ID = OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("子项编号"))
NOT_FOUND = gettext_lazy("没有这项承诺事项，或您无权查看。")


class PledgeCursor(Cursor):
    ordering = ("-pk",)


class PledgeFilter(filters.FilterSet):
    unit = IdFilter(field_name="unit_id", help_text=gettext_lazy("承诺单位编号"))
    unit_kind = filters.ChoiceFilter(
        field_name="unit__kind", choices=Unit.Kind.choices, help_text=gettext_lazy("乡镇或部门")
    )
    status = filters.MultipleChoiceFilter(
        choices=Pledge.Status.choices, help_text=gettext_lazy("可重复：status=published&status=done")
    )
    overdue = filters.BooleanFilter(method="filter_overdue", help_text=gettext_lazy("true：已发布未完成且已过承诺完成日期"))

    class Meta:
        model = Pledge
        fields = []

    def filter_overdue(self, queryset, name, value):
        return queryset if value is None else queryset.filter(overdue=value)


def _id(value):
    """A path's id as a whole number that fits the database, or None (the URL takes any text)."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= _BIGINT_MAX:
        return None
    return int(text)


def _visible_or_404(user, pk, queryset=None):
    pledge = None
    pk = _id(pk)
    if pk is not None:
        base = queryset if queryset is not None else pledges.visible_pledges(user)
        pledge = base.filter(pk=pk).first()
    if pledge is None:
        raise NotFound(NOT_FOUND)
    return pledge


def detail_response(request, pk, *, status_code=status.HTTP_200_OK, public=False):
    """The pledge with items, timeline, trail and votes: a fixed number of queries."""
    base = pledges.public_pledges().select_related("unit") if public else pledges.visible_pledges(request.user)
    queryset = base.prefetch_related(
        Prefetch("items", queryset=PledgeItem.objects.order_by("position", "pk")),
        Prefetch(
            "updates",
            queryset=PledgeUpdate.objects.order_by("-date", "-pk").prefetch_related(
                Prefetch("photos", queryset=PledgeUpdatePhoto.objects.order_by("pk"))
            ),
        ),
    )
    pledge = _visible_or_404(request.user, pk, queryset)
    context = {
        "request": request, "trail": pledges.trail(pledge), "votes": pledges.vote_summary(pledge),
        "feedback_count": pledges.feedback_count(pledge),
    }
    return Response(io.PledgeDetailSerializer(pledge, context=context).data, status=status_code)


@extend_schema(tags=["pledges"])
class PublicPledgeListView(ListAPIView, ApiView):
    """The public pledge board as a list: no login."""

    permission_classes = [AllowAny]
    serializer_class = io.PledgeSerializer
    pagination_class = PledgeCursor
    filterset_class = PledgeFilter

    def get_queryset(self):
        return pledges.public_pledges().select_related("unit")

    @extend_schema(
        operation_id="public_pledges_list",
        summary=gettext_lazy("承诺事项（公开）"),
        description=gettext_lazy(
            "公开的承诺事项（推进中、已完成、已撤回），按编号倒序，无需登录。"
            "overdue 为已发布未完成且已过承诺完成日期（逾期）。"
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["pledges"], parameters=[PLEDGE_ID])
class PublicPledgeDetailView(ApiView):
    permission_classes = [AllowAny]
    serializer_class = io.PledgeDetailSerializer
    schema_errors = ("401", "403", "404", "429")

    @extend_schema(
        operation_id="public_pledges_retrieve",
        summary=gettext_lazy("承诺事项详情（公开）"),
        description=gettext_lazy(
            "公开的承诺事项及其子项、进展（含图片链接）、发布后的修改记录（trail）、群众验单结果和群众意见条数；"
            "不含任何群众个人信息。草稿和待发布的不公开（404）。"
        ),
        responses={200: io.PledgeDetailSerializer},
    )
    def get(self, request, pk):
        return detail_response(request, pk, public=True)


@extend_schema(tags=["pledges"])
class PledgeListView(ListAPIView, ApiView):
    """承诺事项 for staff: the public ones and those they may work on; drafting a new pledge."""

    permission_classes = [IsAuthenticated]
    serializer_class = io.PledgeSerializer
    pagination_class = PledgeCursor
    filterset_class = PledgeFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Pledge.objects.none()
        return pledges.visible_pledges(self.request.user)

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "POST":
            return io.PledgeCreateInput
        return io.PledgeSerializer

    @extend_schema(
        operation_id="pledges_list",
        summary=gettext_lazy("承诺事项列表"),
        description=gettext_lazy(
            "公开的承诺事项，加上当前用户可以处理的草稿和待发布的：编辑看到全部，单位用户看到本单位的。"
            "按编号倒序；overdue 为已发布未完成且已过承诺完成日期。"
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="pledges_create",
        summary=gettext_lazy("起草承诺事项"),
        description=gettext_lazy("单位联络员或负责人为本单位起草（unit 可不填），编辑为任一单位起草；新建的承诺为草稿。"),
        request=io.PledgeCreateInput,
        responses={201: OpenApiResponse(io.PledgeDetailSerializer, description=gettext_lazy("已保存草稿"))},
    )
    def post(self, request, *args, **kwargs):
        if not (access.is_media_editor(request.user) or access.drafting_unit(request.user) is not None):
            raise PermissionDenied(_("只有单位联络员、负责人和编辑可以起草承诺事项。"))
        serializer = io.PledgeCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = data.pop("unit") or access.drafting_unit(request.user)
        if unit is None:
            message = _("请选择承诺单位。")
            raise InvalidInput(message, field_errors={"unit": [message]})
        pledge = pledges.draft(by=request.user, unit=unit, **data)
        return detail_response(request, pledge.pk, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=["pledges"], parameters=[PLEDGE_ID])
class PledgeDetailView(ApiView):
    permission_classes = [IsAuthenticated]
    serializer_class = io.PledgeDetailSerializer
    schema_errors = {"GET": ("401", "403", "404", "429"), "PATCH": ("400", "401", "403", "404", "409", "429")}

    @extend_schema(
        operation_id="pledges_retrieve",
        summary=gettext_lazy("承诺事项详情"),
        description=gettext_lazy(
            "承诺事项及其子项、进展、修改记录、验单结果和群众意见条数（同公开接口）；"
            "草稿和待发布的只对可以处理它的用户可见，其他人 404。"
        ),
        responses={200: io.PledgeDetailSerializer},
    )
    def get(self, request, pk):
        return detail_response(request, pk)

    @extend_schema(
        operation_id="pledges_partial_update",
        summary=gettext_lazy("修改承诺事项"),
        description=gettext_lazy(
            "修改草稿、待发布或推进中的承诺（只传要改的字段）。已发布的承诺每次修改都公开记录；"
            "修改其承诺完成日期必须填写 reason。"
        ),
        request=io.PledgeEditInput,
        responses={200: io.PledgeDetailSerializer},
    )
    def patch(self, request, pk):
        pledge = _visible_or_404(request.user, pk)
        _check(request.user, pledge, "unit")
        serializer = io.PledgeEditInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        pledges.edit(pledge=pledge, by=request.user, reason=data.pop("reason", ""), **data)
        return detail_response(request, pledge.pk)


def _check(user, pledge, who):
    """403 before the input is looked at: the unit's liaison or head and editors, or editors only."""
    allowed = access.is_media_editor(user) if who == "editor" else access.may_edit_unit_content(user, pledge.unit_id)
    if not allowed:
        raise PermissionDenied(
            _("只有编辑可以发布、退回或撤回承诺事项。") if who == "editor" else _("您无权编辑该单位的承诺事项。")
        )


def _item_or_404(pledge, item_id):
    item = None
    item_id = _id(item_id)
    if item_id is not None:
        item = PledgeItem.objects.filter(pledge=pledge, pk=item_id).select_related("pledge").first()
    if item is None:
        raise NotFound(_("没有这个子项。"))
    return item


def _draft_actions():
    def submit(pledge, user, data):
        pledges.submit(pledge=pledge, by=user)

    def publish(pledge, user, data):
        pledges.publish(pledge=pledge, by=user)

    def send_back(pledge, user, data):
        pledges.send_back(pledge=pledge, by=user, note=data["note"])

    def withdraw(pledge, user, data):
        pledges.withdraw(pledge=pledge, by=user, reason=data["reason"])

    def update(pledge, user, data):
        pledges.add_update(pledge=pledge, by=user, **data)

    def done(pledge, user, data):
        pledges.mark_done(pledge=pledge, by=user, **data)

    def item(pledge, user, data):
        pledges.add_item(pledge=pledge, by=user, title=data["title"])

    return [
        ("submit", "unit", EmptyInput, submit, gettext_lazy("提交发布"),
         gettext_lazy("单位把草稿提交给编辑审核发布。")),
        ("publish", "editor", EmptyInput, publish, gettext_lazy("公开发布"),
         gettext_lazy("编辑审核通过，公开发布（政府接单）；承诺完成日期不能已过。单位联络员收到短信。")),
        ("send-back", "editor", io.PledgeNoteInput, send_back, gettext_lazy("退回修改"),
         gettext_lazy("编辑把待发布的承诺退回单位修改，写明原因；单位联络员收到短信。")),
        ("withdraw", "editor", io.PledgeReasonInput, withdraw, gettext_lazy("撤回"),
         gettext_lazy("编辑撤回已发布或已完成的承诺，写明原因；承诺仍公开显示为已撤回。")),
        ("updates", "unit", io.PledgeUpdateInput, update, gettext_lazy("填报进展"),
         gettext_lazy("在公开时间线上添加一条进展（政府施单），可同时填写进度（仅没有子项的承诺）。图片请在网页上传。")),
        ("done", "unit", io.PledgeDoneInput, done, gettext_lazy("标记完成"),
         gettext_lazy("承诺单位标记完成并公开完成情况（政府晒单），群众随后可以验单。")),
        ("items", "unit", io.PledgeItemInput, item, gettext_lazy("添加子项"),
         gettext_lazy("为承诺添加一个子项；承诺的进度为各子项进度的平均值。")),
    ]


def _action_view(name, who, input_class, perform, summary, description):
    has_input = bool(input_class().fields)

    @extend_schema(
        tags=["pledges"], operation_id="pledges_" + name.replace("-", "_"), summary=summary,
        description=description, parameters=[PLEDGE_ID], request=input_class if has_input else None,
        responses={200: OpenApiResponse(io.PledgeDetailSerializer, description=gettext_lazy("更新后的承诺事项"))},
    )
    def post(self, request, pk):
        pledge = _visible_or_404(request.user, pk)
        _check(request.user, pledge, who)
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        perform(pledge, request.user, dict(serializer.validated_data))
        return detail_response(request, pledge.pk)

    return type(
        "Pledge" + "".join(part.title() for part in name.split("-")) + "View",
        (ApiView,),
        {
            "permission_classes": [IsAuthenticated], "serializer_class": input_class, "post": post,
            "schema_errors": ("400", "401", "403", "404", "409", "429"), "__doc__": str(summary),
        },
    )


ACTION_VIEWS = {name: _action_view(name, *rest) for name, *rest in _draft_actions()}


@extend_schema(tags=["pledges"], parameters=[PLEDGE_ID, ITEM_ID])
class PledgeItemView(ApiView):
    permission_classes = [IsAuthenticated]
    serializer_class = io.PledgeItemChangeInput
    schema_errors = ("400", "401", "403", "404", "409", "429")

    @extend_schema(
        operation_id="pledges_items_partial_update",
        summary=gettext_lazy("修改子项或填报子项进度"),
        description=gettext_lazy("改子项名称（title）或进度（progress，0–100，政府施单）；承诺的进度随之重新计算。"),
        request=io.PledgeItemChangeInput,
        responses={200: io.PledgeDetailSerializer},
    )
    def patch(self, request, pk, item_id):
        pledge = _visible_or_404(request.user, pk)
        _check(request.user, pledge, "unit")
        item = _item_or_404(pledge, item_id)
        serializer = io.PledgeItemChangeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "title" in data:
            pledges.rename_item(item=item, by=request.user, title=data["title"])
        if "progress" in data:
            pledges.set_item_progress(item=item, by=request.user, progress=data["progress"])
        return detail_response(request, pledge.pk)

    @extend_schema(
        operation_id="pledges_items_destroy",
        summary=gettext_lazy("删除子项"),
        description=gettext_lazy("删除一个子项；已发布的承诺的删除会公开记录。"),
        request=None,
        responses={200: io.PledgeDetailSerializer},
    )
    def delete(self, request, pk, item_id):
        pledge = _visible_or_404(request.user, pk)
        _check(request.user, pledge, "unit")
        pledges.remove_item(item=_item_or_404(pledge, item_id), by=request.user)
        return detail_response(request, pledge.pk)
