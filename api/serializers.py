"""Output serializers: what the API shows. Inputs are in api/inputs.py.

Nothing here queries per row: the views select_related/prefetch what these read,
so a list costs the same number of queries whatever its length. The resident's
name and phone appear only for users who may see them (access.sees_resident):
units never see a confidential resident or a reporter.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hotline import access
from hotline.routing import duplicates, suggest
from hotline.models.choices import CloseReason, EmergencyService, Satisfaction, Status
from hotline.models import (
    Assignment,
    Call,
    ExtensionRequest,
    Message,
    Reply,
    Resident,
    ReturnRequest,
    SlaPolicy,
    Ticket,
    TicketEvent,
    Unit,
    Village,
)


def _user_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ResidentRefSerializer(serializers.Serializer):
    """The resident as a ticket shows them (only to users who may see them)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text=_("E.164，如 +8613800138000"))


class TicketSerializer(serializers.ModelSerializer):
    """A ticket in a list."""

    number = serializers.CharField(read_only=True, help_text=_("工单号（7或8位数字）：群众和其他系统引用工单的号码，也是接口路径中的标识"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    lead_unit = UnitRefSerializer(read_only=True, allow_null=True)
    village = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    resident = serializers.SerializerMethodField()
    resident_hidden = serializers.SerializerMethodField()
    reported_unit = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    merged_into = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    source_system = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # "" until the ticket closes / is rated
    close_reason = serializers.ChoiceField(choices=CloseReason.choices, allow_blank=True, read_only=True)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "number", "title", "kind", "kind_display", "status", "status_display", "channel", "channel_display",
            "priority", "confidential", "category", "village", "place", "resident", "resident_hidden", "reported_unit",
            "lead_unit", "created_at", "updated_at", "dispatched_at", "sign_by", "signed_at", "reply_by", "replied_at",
            "reply_accepted_at", "closed_at", "close_reason", "satisfaction", "supervised", "overdue",
            "extension_count", "reopen_count", "merged_into", "source_system", "external_id", "upstream_reply_by",
            "public",
        ]
        read_only_fields = fields

    @property
    def _user(self):
        return self.context["request"].user

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_village(self, ticket):
        return {"id": ticket.village_id, "name": ticket.village.name} if ticket.village_id else None

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_category(self, ticket):
        return {"id": ticket.category_id, "name": ticket.category.name} if ticket.category_id else None

    @extend_schema_field(ResidentRefSerializer(allow_null=True))
    def get_resident(self, ticket):
        if ticket.resident_id is None or not access.sees_resident(self._user, ticket):
            return None
        resident = ticket.resident
        return {"id": resident.pk, "name": resident.name, "phone": resident.phone}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_resident_hidden(self, ticket):
        """True when the ticket has a resident this user may not see (confidential, or a report)."""
        return ticket.resident_id is not None and not access.sees_resident(self._user, ticket)

    @extend_schema_field(UnitRefSerializer(allow_null=True))
    def get_reported_unit(self, ticket):
        # hotline staff only, as on the ticket page
        if ticket.reported_unit_id is None or not access.is_hotline_staff(self._user):
            return None
        return {"id": ticket.reported_unit_id, "name": ticket.reported_unit.name}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, ticket):
        return ticket.is_overdue(self.context.get("now") or timezone.now())


class EventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    actor = serializers.SerializerMethodField()
    actor_unit = UnitRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TicketEvent
        fields = ["id", "action", "action_display", "note", "public", "created_at", "actor", "actor_unit"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_actor(self, event):
        return _user_name(event.actor)


class AssignmentSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    handler = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id", "unit", "role", "round", "handler", "dispatched_at", "sign_by", "signed_at", "reply_by",
            "original_reply_by", "return_by", "replied_at", "signed_on_time", "replied_on_time",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_handler(self, assignment):
        return _user_name(assignment.handler)


class ReplySerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    replied_by = serializers.SerializerMethodField()
    reviewed_by = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "id", "text", "outcome", "outcome_reason", "contact_method", "contacted_at", "call", "unit", "replied_by",
            "created_at", "review_status", "reviewed_by", "reviewed_at", "review_note",
        ]
        read_only_fields = fields

    @extend_schema_field(UnitRefSerializer)
    def get_unit(self, reply):
        unit = reply.assignment.unit
        return {"id": unit.pk, "name": unit.name}

    @extend_schema_field(OpenApiTypes.STR)
    def get_replied_by(self, reply):
        return _user_name(reply.replied_by)

    @extend_schema_field(OpenApiTypes.STR)
    def get_reviewed_by(self, reply):
        return _user_name(reply.reviewed_by)


class ReturnRequestSerializer(serializers.ModelSerializer):
    suggested_unit = UnitRefSerializer(read_only=True, allow_null=True)
    requested_by = serializers.SerializerMethodField()
    disputed = serializers.SerializerMethodField()

    class Meta:
        model = ReturnRequest
        fields = [
            "id", "status", "reason", "suggested_unit", "requested_by", "requested_at", "escalated_at",
            "escalation_note", "disputed",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_by(self, request):
        return _user_name(request.requested_by)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_disputed(self, request):
        """Disputed returns are decided by a supervisor only."""
        from hotline import workflow

        return workflow.return_disputed(request)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    requested_by = serializers.SerializerMethodField()

    class Meta:
        model = ExtensionRequest
        fields = ["id", "status", "reason", "requested_reply_by", "requested_by", "requested_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_by(self, request):
        return _user_name(request.requested_by)


class SuggestedUnitSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text=_("单位 id"))
    name = serializers.CharField()
    score = serializers.FloatField(min_value=0, max_value=1, help_text=_("0–1，越大越可能"))
    reason = serializers.CharField(help_text=_("理由，如“关键词：路灯”“石门村属本乡镇”"))


class DuplicateCandidateSerializer(serializers.Serializer):
    """An open ticket that looks like this one (hotline.routing.duplicates)."""

    id = serializers.IntegerField(help_text=_("疑似重复标记的 id"))
    number = serializers.CharField(help_text=_("疑似重复的工单号"))
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    score = serializers.FloatField(min_value=0, max_value=1, help_text=_("0–1，越大越可能是同一诉求"))
    reason = serializers.CharField(help_text=_("理由，如“同一来电人，内容相似（相似度0.62）”“同一村（石门村），同一分类”"))


class TicketDetailSerializer(TicketSerializer):
    """A ticket with its timeline, current assignments, replies and pending requests."""

    category = serializers.SerializerMethodField()
    events = EventSerializer(many=True, read_only=True, help_text=_("办理记录（时间线），按时间先后"))
    assignments = serializers.SerializerMethodField()
    replies = ReplySerializer(many=True, read_only=True)
    pending_return = serializers.SerializerMethodField()
    pending_extension = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    emergency_service = serializers.ChoiceField(choices=EmergencyService.choices, allow_blank=True, read_only=True)
    suggested_units = serializers.SerializerMethodField(
        help_text=_("建议承办单位，最可能的在前（仅热线工作人员可见，工单办结后为空）：关键词规则、村所属乡镇和用本系统历史工单训练的模型")
    )
    duplicate_candidates = serializers.SerializerMethodField(
        help_text=_("疑似重复：与本件相似的未办结工单，最可能的在前，可合并（merge）到其中一件；仅话务员和督办可见，工单办结后为空")
    )

    class Meta(TicketSerializer.Meta):
        fields = TicketSerializer.Meta.fields + [
            "description", "answer", "answer_source", "emergency_service", "satisfaction_reason", "satisfaction_at",
            "supervised_at", "public_summary", "events", "assignments", "replies", "pending_return", "pending_extension", "actions",
            "suggested_units", "duplicate_candidates",
        ]
        read_only_fields = fields

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_category(self, ticket):
        # the full path here (城乡建设 › 道路 › 路灯); lists show the leaf name only
        return {"id": ticket.category_id, "name": str(ticket.category)} if ticket.category_id else None

    @extend_schema_field(SuggestedUnitSerializer(many=True))
    def get_suggested_units(self, ticket):
        if ticket.status == Status.CLOSED or not access.is_hotline_staff(self._user):
            return []
        return [
            {"unit": s["unit"].pk, "name": s["unit"].name, "score": s["score"], "reason": s["reason"]}
            for s in suggest.for_ticket(ticket)
        ]

    @extend_schema_field(DuplicateCandidateSerializer(many=True))
    def get_duplicate_candidates(self, ticket):
        if not duplicates.shown_to(self._user, ticket):
            return []  # units never see flags, nor does anyone on a closed ticket
        flags = getattr(ticket, "shown_duplicate_flags", None)  # prefetched by api.views.tickets.detail_queryset
        if flags is None:
            flags = duplicates.open_flags(ticket)
        return [
            {
                "id": flag.pk, "number": flag.candidate.number, "title": flag.candidate.title,
                "status": flag.candidate.status, "score": flag.score, "reason": flag.reason,
            }
            for flag in flags
        ]

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, ticket):
        """The current dispatch round: the lead unit first, then any co-units."""
        rows = sorted((a for a in ticket.assignments.all() if a.is_current), key=lambda a: (a.role != "lead", a.pk))
        return AssignmentSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(ReturnRequestSerializer(allow_null=True))
    def get_pending_return(self, ticket):
        request = self.context["facts"]["pending_return"]
        return ReturnRequestSerializer(request, context=self.context).data if request else None

    @extend_schema_field(ExtensionRequestSerializer(allow_null=True))
    def get_pending_extension(self, ticket):
        request = self.context["facts"]["pending_extension"]
        return ExtensionRequestSerializer(request, context=self.context).data if request else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, ticket):
        """The actions this user may take now (POST /api/tickets/{number}/{action}/); a hint, the action decides."""
        return self.context["allowed_actions"]


class MessageSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Message
        fields = [
            "id", "direction", "phone", "template", "body", "segments", "status", "status_display", "error_code",
            "attempts", "created_at", "sent_at", "called_at",
        ]
        read_only_fields = fields


class CallSerializer(serializers.ModelSerializer):
    """A call of the ticket. `phone` is null for unit users: they see only bridged calls, never numbers."""

    phone = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id", "direction", "phone", "status", "started_at", "answered_at", "ended_at", "duration_seconds",
            "recording_seconds", "requested_by", "answered_by",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, call):
        return call.phone if self.context.get("staff") else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_requested_by(self, call):
        return _user_name(call.requested_by)

    @extend_schema_field(OpenApiTypes.STR)
    def get_answered_by(self, call):
        return _user_name(call.answered_by)


class UnitSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "phone", "description", "is_active"]
        read_only_fields = fields


class VillageSerializer(serializers.ModelSerializer):
    township = UnitRefSerializer(read_only=True)

    class Meta:
        model = Village
        fields = ["id", "name", "township"]
        read_only_fields = fields


class ResidentSerializer(serializers.ModelSerializer):
    village = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = ["id", "phone", "name", "village", "sms_opt_out", "created_at"]
        read_only_fields = fields

    @extend_schema_field(NamedRefSerializer(allow_null=True))
    def get_village(self, resident):
        return {"id": resident.village_id, "name": resident.village.name} if resident.village_id else None


class ResidentDetailSerializer(ResidentSerializer):
    tickets = serializers.SerializerMethodField()

    class Meta(ResidentSerializer.Meta):
        fields = ResidentSerializer.Meta.fields + ["tickets"]
        read_only_fields = fields

    @extend_schema_field(TicketSerializer(many=True))
    def get_tickets(self, resident):
        """The resident's latest tickets (at most 20), newest first."""
        return TicketSerializer(self.context["tickets"], many=True, context=self.context).data


class SlaPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = [
            "id", "kind", "priority", "sign_limit", "sign_measure", "reply_limit", "reply_measure", "return_window",
            "return_measure", "remind_before_hours",
        ]
        read_only_fields = fields
