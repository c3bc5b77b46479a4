"""Admin of the records of residents' data requests (issue 10), registered from hotline.admin:
read only, for supervisors (the access rule). Exports and erasures are made at /supervisor/residents/."""

from django.contrib import admin

from hotline import access
from hotline.models import ErasureRecord, ResidentExport


class _SupervisorReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return access.is_supervisor(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_supervisor(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ErasureRecord)
class ErasureRecordAdmin(_SupervisorReadOnly):
    list_display = ["at", "kind", "by", "resident", "reason"]
    list_filter = ["kind"]
    list_select_related = ["by", "resident"]


@admin.register(ResidentExport)
class ResidentExportAdmin(_SupervisorReadOnly):
    list_display = ["at", "by", "resident"]
    list_select_related = ["by", "resident"]
