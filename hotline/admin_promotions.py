"""Admin of the promotion requests (推广申请), registered from hotline.admin: read only, with history.

The workflow runs on the editors' pages (/editor/promotions/) through hotline.promotions; here
editors and supervisors look things up. Who may look follows the access rule, not model permissions.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hotline import access
from hotline.models import PromotionPhoto, PromotionPlacement, PromotionRequest


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access.is_media_editor(request.user)


class PlacementInline(_ReadOnly, admin.TabularInline):
    model = PromotionPlacement
    extra = 0
    fields = ["platform", "scheduled_for", "published_on", "link", "views", "likes", "orders", "results_at"]
    readonly_fields = fields


class PhotoInline(_ReadOnly, admin.TabularInline):
    model = PromotionPhoto
    extra = 0
    fields = ["image", "source_url", "fetch_error", "created_at"]
    readonly_fields = fields


@admin.register(PromotionRequest)
class PromotionRequestAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["id", "product", "category", "village", "channel", "status", "created_at", "workflow_page"]
    list_filter = ["status", "category", "channel"]
    search_fields = ["product", "text"]
    list_select_related = ["village__township"]
    readonly_fields = [
        "status", "resident", "channel", "text", "product", "category", "village", "description", "price",
        "price_unit", "availability", "quantity", "contact_public", "needs_papers", "papers_checked",
        "wording_checked", "review_note", "decline_reason", "reviewed_by", "reviewed_at", "published_at", "done_at",
        "created_by", "created_at", "source_message", "workflow_page",
    ]
    fields = readonly_fields
    inlines = [PlacementInline, PhotoInline]
    history_list_display = ["status"]

    def has_module_permission(self, request):
        return access.is_media_editor(request.user)

    @admin.display(description=_("办理页面"))
    def workflow_page(self, obj):
        if obj.pk is None or obj.status == PromotionRequest.Status.UNCONFIRMED:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("editor_promotion", args=[obj.pk]), _("去办理"))
