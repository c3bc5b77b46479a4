"""Admin of the pledges (承诺事项), registered from hotline.admin: read only, with the history.

Who may open it follows the access rule (media editors and supervisors). Every change goes
through hotline.pledges from the editors' and units' pages, so nothing is changed here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hotline import access
from hotline.models import Pledge, PledgeItem, PledgeUpdate


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access.is_media_editor(request.user)


class PledgeItemInline(_ReadOnly, admin.TabularInline):
    model = PledgeItem
    fields = ["title", "progress", "position"]
    extra = 0


class PledgeUpdateInline(_ReadOnly, admin.TabularInline):
    model = PledgeUpdate
    fields = ["date", "text", "by", "created_at"]
    extra = 0


@admin.register(Pledge)
class PledgeAdmin(_ReadOnly, SimpleHistoryAdmin):
    list_display = ["id", "title", "unit", "status", "progress", "target_date", "published_at"]
    list_filter = ["status", "unit__kind", "unit"]
    search_fields = ["title"]
    list_select_related = ["unit"]
    inlines = [PledgeItemInline, PledgeUpdateInline]
    history_list_display = ["status", "target_date", "progress"]

    def has_module_permission(self, request):
        return access.is_media_editor(request.user)

