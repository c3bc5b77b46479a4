"""Tickets: list (filters, cursor pages), create (受理), detail, the workflow actions, and a
ticket's messages and calls. Everything through hotline.access and hotline.workflow."""

import re

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api import actions, inputs
from api.filters import TicketFilter
from api.pagination import CallCursor, NewestFirstCursor, TicketCursor
from api.permissions import HotlineOrUnit, HotlineStaff
from api.schema import ApiSchema
from api.serializers import CallSerializer, MessageSerializer, TicketDetailSerializer, TicketSerializer
from hotline import access, upstream, workflow
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import (
    Assignment,
    Call,
    ExtensionRequest,
    Message,
    Reply,
    ReturnRequest,
    Ticket,
    TicketEvent,
    UpstreamSystem,
)
from hotline.models.choices import Channel
from hotline.routing import duplicates

NUMBER = OpenApiParameter(
    "number", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^\d{7,8}$",
    description=gettext_lazy("工单号（7或8位数字）：群众和其他系统引用工单时使用的号码"),
)
# What a ticket row shows. Only the resident and the merged-into ticket are joined: every further
# LEFT JOIN multiplies PostgreSQL's search for a join order (with all seven joined, the list's query
# took 60 ms to plan and 1 ms to run at a million tickets, docs/performance.md); the small reference
# tables come by one query each instead, whatever the page size.
LIST_RELATED = ("resident", "merged_into")
LIST_PREFETCHED = ("lead_unit", "village", "category", "reported_unit", "source_system")


def list_queryset(queryset=None):
    """Tickets with what a row of the list shows, in a fixed number of queries."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    return queryset.select_related(*LIST_RELATED).prefetch_related(*LIST_PREFETCHED)


def detail_queryset():
    """One ticket with everything the detail shows, in a fixed number of queries."""
    return list_queryset().prefetch_related("category__parent__parent").prefetch_related(
        Prefetch("events", queryset=TicketEvent.objects.select_related("actor", "actor_unit").order_by("created_at", "pk")),
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit", "handler").order_by("round", "role", "pk")),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("assignment__unit", "replied_by", "reviewed_by").order_by("-created_at", "-pk"),
        ),
        Prefetch(
            "return_requests",
            queryset=ReturnRequest.objects.select_related("suggested_unit", "requested_by").order_by("-requested_at", "-pk"),
        ),
        Prefetch("extension_requests", queryset=ExtensionRequest.objects.select_related("requested_by").order_by("-requested_at", "-pk")),
        # duplicate_candidates (hotline staff only; the serializer decides who sees them)
        Prefetch("duplicate_flags", queryset=duplicates.shown_flags(), to_attr="shown_duplicate_flags"),
    )


def visible_ticket(user, number, queryset=None):
    """The ticket with this number if the user may see it; otherwise 404, so existence does not leak."""
    ticket = None
    if re.fullmatch(r"\d{7,8}", number or ""):
        base = queryset if queryset is not None else Ticket.objects.all()
        ticket = access.visible_tickets(user, base).filter(number=number).first()
    if ticket is None:
        raise NotFound(_("没有这件工单，或您无权查看。"))
    return ticket


def detail_response(request, number, *, status_code=status.HTTP_200_OK):
    ticket = visible_ticket(request.user, number, detail_queryset())
    ticket._page_current_lead = next(
        (a for a in ticket.assignments.all() if a.is_current and a.role == Assignment.Role.LEAD), None
    )
    facts = actions.facts_for(ticket)
    context = {
        "request": request, "now": timezone.now(), "facts": facts,
        "allowed_actions": actions.allowed(request.user, ticket, facts),
    }
    return Response(TicketDetailSerializer(ticket, context=context).data, status=status_code)


class ApiView(GenericAPIView):
    schema = ApiSchema()
    parser_classes = [JSONParser]  # JSON only: a form cannot say null, and one encoding is simpler to document


@extend_schema(tags=["tickets"])
class TicketListView(ListAPIView, ApiView):
    """工单列表（按受理时间倒序，游标分页）和受理。"""

    permission_classes = [HotlineOrUnit]
    serializer_class = TicketSerializer
    pagination_class = TicketCursor
    filterset_class = TicketFilter

    def get_queryset(self):
        return access.visible_tickets(self.request.user, list_queryset())

    def get_serializer_class(self):
        return inputs.TicketCreateInput if self.request is not None and self.request.method == "POST" else TicketSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        operation_id="tickets_list",
        summary=gettext_lazy("工单列表"),
        description=gettext_lazy("当前用户可见的工单，按受理时间倒序；群众姓名和电话只对可以查看的用户显示。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="tickets_create",
        summary=gettext_lazy("受理工单"),
        description=gettext_lazy(
            "话务员或督办受理一件工单（渠道默认 phone，群众按电话识别），群众收到带工单号的短信。\n\n"
            "上级平台（12345）的账号须填写 external_id（可带 upstream_reply_by）：同一 external_id 只建一件工单，"
            "首次 201，重复提交 200 并返回同一件工单。"
        ),
        request=inputs.TicketCreateInput,
        responses={
            201: OpenApiResponse(TicketDetailSerializer, description=gettext_lazy("已受理")),
            200: OpenApiResponse(TicketDetailSerializer, description=gettext_lazy("上级平台重复提交：已有的同一件工单")),
        },
    )
    def post(self, request, *args, **kwargs):
        if not access.can(request.user, "receive"):
            raise PermissionDenied(_("只有话务员和督办可以受理工单。"))
        serializer = inputs.TicketCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        external_id, upstream_reply_by = data.pop("external_id").strip(), data.pop("upstream_reply_by")
        phone = data.pop("phone").strip()
        receive_kwargs = {**data, "phone": phone or None}
        if _is_upstream_login(request.user):
            # idempotent on the platform's id: the same id again answers the existing ticket (200)
            if not external_id:
                message = _("上级平台受理工单须填写上级平台工单号。")
                raise InvalidInput(message, field_errors={"external_id": [message]})
            receive_kwargs["channel"] = Channel.UPSTREAM
            ticket, created = upstream.receive_from_upstream(
                by=request.user, external_id=external_id, upstream_reply_by=upstream_reply_by, **receive_kwargs
            )
        else:
            if external_id or upstream_reply_by is not None:
                message = _("只有上级平台的接口账号可以填写上级平台工单号和期限。")
                field = "external_id" if external_id else "upstream_reply_by"
                raise InvalidInput(message, field_errors={field: [message]})
            ticket, created = workflow.receive(by=request.user, **receive_kwargs), True
        return detail_response(request, ticket.number, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _is_upstream_login(user):
    """Is this the API login of an upstream platform (active or not: a stopped one is refused with 403)?"""
    return UpstreamSystem.objects.filter(user=user).exists()


@extend_schema(tags=["tickets"], parameters=[NUMBER])
class TicketDetailView(ApiView):
    permission_classes = [HotlineOrUnit]
    serializer_class = TicketDetailSerializer

    @extend_schema(
        operation_id="tickets_retrieve",
        summary=gettext_lazy("工单详情"),
        description=gettext_lazy("工单及其办理记录（时间线）、当前派单、答复和待审批的申请；actions 列出当前用户现在可以执行的操作。"),
        responses={200: TicketDetailSerializer},
    )
    def get(self, request, number):
        return detail_response(request, number)


class TicketActionView(ApiView):
    """POST one workflow action on a ticket; answers the updated ticket."""

    permission_classes = [HotlineOrUnit]
    ticket_action = None  # an api.actions.Action
    schema_errors = ("400", "401", "403", "404", "409", "429")

    def post(self, request, number):
        ticket = visible_ticket(request.user, number, Ticket.objects.select_related("resident", "lead_unit"))
        action = self.ticket_action
        # 404 (cannot see) → 403 (may not) → 400 (input) → 409 (state): no need to send a valid body to learn 403
        access.check(request.user, action.permission, ticket)
        serializer = action.input(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            action.perform(ticket, request.user, serializer.validated_data)
        except NotAllowed:
            if not access.can_see(request.user, ticket):
                raise NotFound(_("没有这件工单，或您无权查看。")) from None
            raise
        return detail_response(request, ticket.number)


def action_view(action):
    """A view class of its own per action, so each has its own operation and request type in the schema."""
    has_input = bool(action.input().fields)
    errors = TicketActionView.schema_errors + (("502",) if action.name == "masked-call" else ())

    @extend_schema(
        tags=["ticket actions"],
        operation_id="tickets_" + action.name.replace("-", "_"),
        summary=action.summary,
        description=action.description,
        parameters=[NUMBER],
        request=action.input if has_input else None,
        responses={200: OpenApiResponse(TicketDetailSerializer, description=gettext_lazy("更新后的工单"))},
    )
    def post(self, request, number):
        return TicketActionView.post(self, request, number)

    return type(
        "Ticket" + "".join(part.title() for part in action.name.split("-")) + "View",
        (TicketActionView,),
        {
            "ticket_action": action, "serializer_class": action.input, "schema_errors": errors,
            "__doc__": action.summary, "post": post,
        },
    )


ACTION_VIEWS = {action.name: action_view(action) for action in actions.ACTIONS}


@extend_schema(tags=["tickets"], parameters=[NUMBER])
class TicketMessagesView(ListAPIView, ApiView):
    """A ticket's SMS, newest first: hotline staff only (they carry phone numbers and the resident's words)."""

    permission_classes = [HotlineStaff]
    serializer_class = MessageSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        ticket = visible_ticket(self.request.user, self.kwargs["number"])
        return Message.objects.filter(ticket=ticket)

    @extend_schema(operation_id="tickets_messages_list", summary=gettext_lazy("工单的短信（仅热线人员）"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["tickets"], parameters=[NUMBER])
class TicketCallsView(ListAPIView, ApiView):
    """A ticket's calls, newest first. Units see only bridged (masked) calls, and no numbers."""

    permission_classes = [HotlineOrUnit]
    serializer_class = CallSerializer
    pagination_class = CallCursor

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Call.objects.none()
        ticket = visible_ticket(self.request.user, self.kwargs["number"])
        calls = Call.objects.filter(ticket=ticket).select_related("answered_by", "requested_by")
        if not access.is_hotline_staff(self.request.user):
            calls = calls.filter(direction=Call.Direction.BRIDGED)
        return calls

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": access.is_hotline_staff(self.request.user)}

    @extend_schema(
        operation_id="tickets_calls_list", summary=gettext_lazy("工单的通话"),
        description=gettext_lazy("热线人员看到全部通话；承办单位只看到中转通话，且不显示号码（phone 为 null）。"),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
