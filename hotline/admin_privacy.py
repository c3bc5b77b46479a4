"""Admin of the records of residents' data requests (issue 10), registered from hotline.admin:
read only, for supervisors (the access rule). Exports and erasures are made at /supervisor/residents/."""

from django.contrib import admin

from hotline.admin_access import SupervisorReadOnly
from hotline.models import ErasureRecord, ResidentExport


@admin.register(ErasureRecord)
class ErasureRecordAdmin(SupervisorReadOnly, admin.ModelAdmin):
    list_display = ["at", "kind", "by", "resident", "reason"]
    list_filter = ["kind"]
    list_select_related = ["by", "resident"]


@admin.register(ResidentExport)
class ResidentExportAdmin(SupervisorReadOnly, admin.ModelAdmin):
    list_display = ["at", "by", "resident"]
    list_select_related = ["by", "resident"]
