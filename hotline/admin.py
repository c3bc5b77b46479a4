"""Admin for every model: how the supervisor sets up units, users, villages, SLA and the calendar.

Ticket state is never edited here: workflow fields are read-only, a ticket
added in the admin goes through workflow.receive, and the actions call the
workflow. The ticket list goes through the one access rule.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hotline import access, workflow
from hotline.errors import WorkflowError
from hotline.models import (
    Assignment,
    CalendarDay,
    CalendarYear,
    Call,
    Category,
    ExtensionRequest,
    Message,
    Reply,
    Resident,
    ReturnRequest,
    SlaPolicy,
    SmsTemplate,
    StaffProfile,
    Ticket,
    TicketEvent,
    Unit,
    Village,
    WorkPeriod,
)
from hotline.phones import mask_phone

admin.site.site_header = _("办实事热线 管理后台")
admin.site.site_title = _("办实事热线")
admin.site.index_title = _("系统设置与数据")


class ReadOnlyMixin:
    """For append-only records (messages, calls, timeline) and workflow-made rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- organisation ---------------------------------------------------------------------


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]

    def get_inlines(self, request, obj):
        return [VillageInline] if obj is not None and obj.kind == Unit.Kind.TOWNSHIP else []


@admin.register(Village)
class VillageAdmin(SimpleHistoryAdmin):
    list_display = ["name", "township"]
    list_filter = ["township"]
    search_fields = ["name", "township__name"]
    autocomplete_fields = ["township"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["unit"]


admin.site.unregister(User)


@admin.register(User)
class HotlineUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "unit", "roles", "is_staff", "is_active"]
    list_filter = ["groups", "staff__unit", "is_staff", "is_active"]
    list_select_related = ["staff__unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("所属单位"))
    def unit(self, obj):
        staff = getattr(obj, "staff", None)
        return staff.unit if staff else "-"

    @admin.display(description=_("角色"))
    def roles(self, obj):
        return "、".join(g.name for g in obj.groups.all())


@admin.register(StaffProfile)
class StaffProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit"]
    list_filter = ["unit"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    list_display = ["masked_phone", "name", "village", "created_at"]
    list_select_related = ["village__township"]
    list_filter = ["village__township"]
    search_fields = ["phone", "name"]
    autocomplete_fields = ["village"]

    @admin.display(description=_("电话"), ordering="phone")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "parent", "is_active"]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent__parent__parent")


# --- calendar and deadlines --------------------------------------------------------------


@admin.register(WorkPeriod)
class WorkPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["start", "end"]


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "note"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "kind", "priority", "sign_limit", "sign_measure", "reply_limit", "reply_measure", "return_window",
        "return_measure", "remind_before_hours",
    ]
    list_editable = [
        "sign_limit", "sign_measure", "reply_limit", "reply_measure", "return_window", "return_measure",
        "remind_before_hours",
    ]
    list_filter = ["kind", "priority"]


class SmsTemplateForm(forms.ModelForm):
    class Meta:
        model = SmsTemplate
        fields = "__all__"

    def clean_text(self):
        from hotline.messaging.templates import wording_problem

        text = self.cleaned_data["text"]
        problem = wording_problem(self.instance.code, text)
        if problem:
            raise forms.ValidationError(problem)
        return text


@admin.register(SmsTemplate)
class SmsTemplateAdmin(SimpleHistoryAdmin):
    form = SmsTemplateForm
    list_display = ["code", "text", "description", "provider_template_id"]
    search_fields = ["code", "text", "description"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False  # the codes are the ones the code sends; only their wording is editable

    def has_delete_permission(self, request, obj=None):
        return False


# --- tickets -------------------------------------------------------------------------------


class AssignmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    fields = [
        "round", "unit", "role", "is_current", "handler", "dispatched_at", "sign_by", "signed_at", "reply_by",
        "replied_at", "returned_at", "sign_hours", "reply_hours",
    ]
    readonly_fields = fields


class TicketEventInline(ReadOnlyMixin, admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ["created_at", "action", "actor", "actor_unit", "note", "public"]
    readonly_fields = fields


class ReplyInline(ReadOnlyMixin, admin.StackedInline):
    model = Reply
    extra = 0
    fields = ["created_at", "replied_by", "outcome", "outcome_reason", "text", "contact_method", "contacted_at",
              "review_status", "reviewed_by", "review_note"]
    readonly_fields = fields


class MessageInline(ReadOnlyMixin, admin.TabularInline):
    """The ticket's SMS in and out, with MMS pictures as links."""

    model = Message
    fk_name = "ticket"
    extra = 0
    fields = ["created_at", "direction", "template", "body", "attachments", "status", "error_code"]
    readonly_fields = fields
    ordering = ["created_at"]

    @admin.display(description=_("彩信附件"))
    def attachments(self, obj):
        return format_html_join(
            " ", '<a href="{}" target="_blank" rel="noopener">{}</a>',
            ((item.get("url", ""), item.get("content_type") or _("附件")) for item in obj.media or []),
        )


class CallInline(ReadOnlyMixin, admin.TabularInline):
    """The ticket's calls: voicemail and masked-call recordings."""

    model = Call
    extra = 0
    fields = ["started_at", "direction", "status", "duration_seconds", "answered_by", "recording"]
    readonly_fields = fields
    ordering = ["started_at"]

    @admin.display(description=_("录音"))
    def recording(self, obj):
        if not obj.recording_url:
            return ""
        return format_html('<a href="{}" target="_blank" rel="noopener">{}（{}秒）</a>', obj.recording_url,
                           _("收听"), obj.recording_seconds or 0)


class TicketAdminForm(forms.ModelForm):
    class Meta:
        model = Ticket
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if data.get("reported_unit") and data.get("kind") not in (None, Ticket.Kind.REPORT):
            self.add_error("reported_unit", _("只有举报件可以指定被举报单位。"))
        return data


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    form = TicketAdminForm
    list_display = ["number", "title", "kind", "channel", "status", "lead_unit", "reply_by", "supervised", "created_at"]
    list_filter = ["status", "kind", "channel", "priority", "supervised", "confidential", "lead_unit", "close_reason"]
    search_fields = ["number", "title", "description", "resident__phone"]
    date_hierarchy = "created_at"
    list_select_related = ["lead_unit"]
    autocomplete_fields = ["resident", "village", "category", "reported_unit"]
    inlines = [AssignmentInline, ReplyInline, TicketEventInline, MessageInline, CallInline]
    actions = ["supervise_selected"]
    history_list_display = ["status", "lead_unit", "reply_by"]

    def get_queryset(self, request):
        return access.visible_tickets(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        workflow_fields = [f.name for f in Ticket._meta.fields if not f.editable] + ["updated_at"]
        if obj is None:
            return workflow_fields
        # after receipt, only descriptive fields may be corrected; who and what kind are on the record.
        # A report's unit may still be named while no unit holds it (workflow.name_reported_unit).
        fixed = workflow_fields + ["kind", "channel", "resident"]
        if not (obj.kind == Ticket.Kind.REPORT and obj.status in (Ticket.Status.NEW, Ticket.Status.RETURNED)):
            fixed.append("reported_unit")
        return fixed

    def save_model(self, request, obj, form, change):
        if change:
            if "reported_unit" in form.changed_data:
                workflow.name_reported_unit(ticket=obj, by=request.user, unit=form.cleaned_data["reported_unit"])
                form.changed_data.remove("reported_unit")
            obj._history_user = request.user
            obj.save(update_fields=[f for f in form.changed_data if f in {x.name for x in Ticket._meta.fields}]
                     + ["updated_at"])
            return
        data = form.cleaned_data
        try:
            ticket = workflow.receive(
                by=request.user, kind=data["kind"], channel=data["channel"], title=data["title"],
                description=data.get("description", ""), resident=data.get("resident"), village=data.get("village"),
                place=data.get("place", ""), priority=data["priority"], confidential=data.get("confidential", False),
                category=data.get("category"), reported_unit=data.get("reported_unit"),
            )
        except WorkflowError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            raise
        obj.pk, obj.number = ticket.pk, ticket.number
        obj._state.adding = False

    @admin.action(description=_("督办所选工单"))
    def supervise_selected(self, request, queryset):
        done = 0
        for ticket in queryset:
            try:
                workflow.supervise(ticket=ticket, by=request.user, note=_("管理员督办"))
                done += 1
            except WorkflowError as exc:
                self.message_user(request, f"{ticket.number}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, _("已督办 %(n)s 件工单。") % {"n": done}, messages.SUCCESS)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["ticket", "unit", "role", "round", "is_current", "dispatched_at", "signed_at", "replied_at",
                    "signed_on_time", "replied_on_time"]
    list_filter = ["role", "is_current", "unit", "signed_on_time", "replied_on_time"]
    search_fields = ["ticket__number"]
    list_select_related = ["ticket", "unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__in=access.visible_tickets(request.user))


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "ticket", "action", "actor", "actor_unit", "public"]
    list_filter = ["action", "public"]
    search_fields = ["ticket__number", "note"]
    list_select_related = ["ticket", "actor", "actor_unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__in=access.visible_tickets(request.user))


class _RequestAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["ticket", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["ticket__number", "reason"]
    list_select_related = ["ticket", "requested_by", "decided_by"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(_RequestAdmin):
    pass


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(_RequestAdmin):
    pass


@admin.register(Reply)
class ReplyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["ticket", "outcome", "review_status", "replied_by", "created_at"]
    list_filter = ["outcome", "review_status"]
    search_fields = ["ticket__number", "text"]
    list_select_related = ["ticket", "replied_by"]


class MessageProblemFilter(admin.SimpleListFilter):
    """Operators' view of SMS that did not reach the resident: failed, undelivered, or waiting for a retry."""

    title = _("发送问题")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("发送失败或未送达")),
            ("retrying", _("等待重发")),
            ("callback", _("待电话告知")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(status__in=[Message.Status.FAILED, Message.Status.UNDELIVERED])
        if self.value() == "retrying":
            return queryset.filter(status=Message.Status.QUEUED, attempts__gt=0)
        if self.value() == "callback":
            return queryset.filter(status=Message.Status.CALLBACK)
        return queryset


def _without_code(message, text):
    if message.template == "confirm_code":
        return re.sub(r"\d{4,}", "******", text or "")
    return text


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at", "direction", "masked_phone", "template", "status", "failure_reason", "attempts",
        "segments", "ticket",
    ]
    list_filter = [MessageProblemFilter, "status", "direction", "provider", "error_code", "template"]
    search_fields = ["ticket__number", "external_id", "phone", "error_code"]
    list_select_related = ["ticket"]
    # a confirmation code is a key to a resident's phone (hotline.confirmations): nobody reads it here
    exclude = ["body", "params"]
    readonly_fields = ["failure_reason", "shown_body", "shown_params"]

    @admin.display(description=_("号码"), ordering="phone")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("内容"))
    def shown_body(self, obj):
        return _without_code(obj, obj.body)

    @admin.display(description=_("模板参数"))
    def shown_params(self, obj):
        if obj.template == "confirm_code":
            return {**(obj.params or {}), "code": "******"}
        return obj.params

    @admin.display(description=_("失败原因"))
    def failure_reason(self, obj):
        """The provider's error code with what it means, and the last delivery error."""
        from hotline.messaging.gateways import error_reason

        if obj.status not in (Message.Status.FAILED, Message.Status.UNDELIVERED, Message.Status.QUEUED):
            return ""
        parts = []
        if obj.error_code:
            # a send that failed before the provider took it has no provider yet: the configured one tried
            meaning = error_reason(obj.provider or settings.SMS_BACKEND, obj.error_code)
            parts.append(f"{obj.error_code} {meaning}".strip())
        if obj.error and obj.error not in parts:
            parts.append(obj.error.splitlines()[-1][:200])
        return "；".join(parts)


@admin.register(Call)
class CallAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["started_at", "direction", "masked_phone", "status", "duration_seconds", "ticket"]
    list_filter = ["direction", "status", "provider"]
    search_fields = ["ticket__number", "external_id", "phone"]
    list_select_related = ["ticket"]

    @admin.display(description=_("号码"), ordering="phone")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


# the integrations' admin pages live beside this module; importing them registers them
from hotline import admin_open311, admin_upstream  # noqa: E402,F401
from hotline import admin_pledges  # noqa: E402,F401  (pledges, issue 6: read only, with history)
from hotline import admin_guides  # noqa: E402,F401  (service guides, issue 6)
from hotline import admin_promotions  # noqa: E402,F401  (promotion requests, issue 6)
from hotline import admin_routing  # noqa: E402,F401  (smart dispatch, issue 8)
from hotline import admin_privacy  # noqa: E402,F401  (records of residents' data requests, issue 10)
