"""Admin for the upstream 12345 platforms (issue 5 point 6): the platforms, and their state webhooks.

Supervisors set a platform up: its code and name, its API login (a dedicated account with the
operator role only: the platform receives tickets as an operator would, see hotline.upstream), the
URL its state webhooks go to, and the signing secret. The secret is generated when the platform is
added (or when asked to regenerate) and shown once, on the page after saving; it can also be set
to a value agreed with the platform. It is never shown again, nor kept in the history.

The webhook list shows every row with its status, attempts and last error. Rows are retried
automatically until the platform accepts them; "retry now" sends the selected pending or failed
rows at once (a failed row, given up after HOTLINE["WEBHOOK_MAX_ATTEMPTS"] if that cap is set, or
of a platform deactivated meanwhile, gets a fresh count of attempts). A failed row holds back the
later rows of its ticket, so the platform hears one ticket's changes in order.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hotline import access, roles, upstream
from hotline.models import UpstreamSystem, WebhookDelivery


class _SupervisorsManage:
    """Supervisors set the hotline up (DESIGN.md §2), also these models added after the role
    permissions were seeded; other staff need the model permissions as usual."""

    def has_view_permission(self, request, obj=None):
        return access.is_supervisor(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return access.is_supervisor(request.user) or super().has_module_permission(request)


# --- platforms -------------------------------------------------------------------------------------


class UpstreamSystemForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=_("状态回传地址"), required=False, max_length=200, assume_scheme="https",
        help_text=_("工单每次状态变化都以签名的 JSON POST 到此地址，2xx 即为接收；留空则不回传。"),
    )
    new_secret = forms.CharField(
        label=_("设置签名密钥"), required=False, strip=True, min_length=16, max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("与该平台约定的密钥（至少16个字符）。留空：新建时自动生成，保存后只显示一次；修改时保持不变。"),
    )
    regenerate_secret = forms.BooleanField(
        label=_("重新生成签名密钥"), required=False,
        help_text=_("生成新密钥并只显示一次；旧密钥立即失效，请同时通知该平台更换。"),
    )

    class Meta:
        model = UpstreamSystem
        fields = ["code", "name", "user", "webhook_url", "is_active"]
        help_texts = {
            "user": _("该平台调用接口时使用的专用账号：只能有“话务员”角色（平台像话务员一样受理工单），"
                      "不能是管理员、督办或单位账号。"),
        }

    def clean_user(self):
        user = self.cleaned_data["user"]
        user_roles = access.roles_of(user)
        if (
            not user.is_active or user.is_superuser or access.is_system(user)
            or roles.OPERATOR not in user_roles or user_roles - {roles.OPERATOR}
        ):
            raise forms.ValidationError(_("接口账号须为启用的专用账号，只有“话务员”角色。"))
        return user

    def clean(self):
        data = super().clean()
        if data.get("new_secret") and data.get("regenerate_secret"):
            self.add_error("new_secret", _("设置密钥和重新生成只能选一个。"))
        return data




@admin.register(UpstreamSystem)
class UpstreamSystemAdmin(_SupervisorsManage, SimpleHistoryAdmin):
    form = UpstreamSystemForm
    list_display = ["name", "code", "user", "webhook_url", "is_active", "pending_deliveries", "failed_deliveries"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "user__username"]
    autocomplete_fields = ["user"]
    readonly_fields = ["secret_hint", "created_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return access.is_supervisor(request.user) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return access.is_supervisor(request.user) or super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            pending_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
        )

    def get_fields(self, request, obj=None):
        fields = ["code", "name", "user", "webhook_url", "is_active", "new_secret"]
        return fields + ["regenerate_secret", "secret_hint", "created_at"] if obj is not None else fields

    @admin.display(description=_("签名密钥"))
    def secret_hint(self, obj):
        return f"{obj.secret[:4]}…（{len(obj.secret)}位）" if obj and obj.secret else "-"

    def _deliveries_link(self, obj, status, count):
        url = reverse("admin:hotline_webhookdelivery_changelist") + f"?system__id__exact={obj.pk}&status__exact={status}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("待发送回传"), ordering="pending_count")
    def pending_deliveries(self, obj):
        return self._deliveries_link(obj, WebhookDelivery.Status.PENDING, obj.pending_count)

    @admin.display(description=_("已放弃回传"), ordering="failed_count")
    def failed_deliveries(self, obj):
        return self._deliveries_link(obj, WebhookDelivery.Status.FAILED, obj.failed_count)

    def save_model(self, request, obj, form, change):
        chosen = form.cleaned_data.get("new_secret")
        request._upstream_new_secret = None
        if chosen:
            obj.secret = chosen
        elif not change or form.cleaned_data.get("regenerate_secret"):
            obj.secret = upstream.generate_secret()
            request._upstream_new_secret = obj.secret
        super().save_model(request, obj, form, change)

    def _show_secret_once(self, request, obj, continue_url):
        context = {
            **self.admin_site.each_context(request), "title": _("签名密钥"), "platform": obj,
            "secret": request._upstream_new_secret, "continue_url": continue_url, "opts": self.opts,
        }
        response = render(request, "admin/hotline/upstreamsystem_secret_once.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_upstream_new_secret", None):
            return self._show_secret_once(request, obj, reverse("admin:hotline_upstreamsystem_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "_upstream_new_secret", None):
            return self._show_secret_once(request, obj, reverse("admin:hotline_upstreamsystem_change", args=[obj.pk]))
        return super().response_change(request, obj)


# --- webhook rows ------------------------------------------------------------------------------------


class DeliveryProblemFilter(admin.SimpleListFilter):
    title = _("回传问题")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("retrying", _("重试中")), ("failed", _("已放弃")), ("waiting", _("排队等待前一条"))]

    def queryset(self, request, queryset):
        if self.value() == "retrying":
            return queryset.filter(status=WebhookDelivery.Status.PENDING, attempts__gt=0)
        if self.value() == "failed":
            return queryset.filter(status=WebhookDelivery.Status.FAILED)
        if self.value() == "waiting":
            return queryset.filter(status=WebhookDelivery.Status.PENDING, attempts=0).filter(upstream.earlier_undelivered())
        return queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_SupervisorsManage, admin.ModelAdmin):
    list_display = [
        "created_at", "system", "ticket_number", "event", "status", "attempts", "next_attempt_at",
        "response_status", "short_error", "delivered_at",
    ]
    list_filter = [DeliveryProblemFilter, "status", "system", "event"]
    search_fields = ["ticket__number", "ticket__external_id"]
    list_select_related = ["ticket", "system"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = [
        "system", "ticket", "event", "status", "attempts", "next_attempt_at", "lease_until", "response_status",
        "last_error", "created_at", "delivered_at", "payload_json",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # rows come from the workflow only

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return access.is_supervisor(request.user)

    @admin.display(description=_("工单"), ordering="ticket__number")
    def ticket_number(self, obj):
        return f"{obj.ticket.number}（{obj.ticket.external_id}）" if obj.ticket.external_id else obj.ticket.number

    @admin.display(description=_("错误"))
    def short_error(self, obj):
        return obj.last_error.splitlines()[-1][:120] if obj.last_error else ""

    @admin.display(description=_("内容"))
    def payload_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=2))

    @admin.action(description=_("立即重发所选回传"), permissions=["retry"])
    def retry_now(self, request, queryset):
        done = upstream.retry_now(queryset)
        skipped = queryset.count() - done
        self.message_user(request, _("已安排立即重发 %(n)s 条回传。") % {"n": done}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request, _("%(n)s 条已送达或正在发送，未重发。") % {"n": skipped}, messages.WARNING
            )
