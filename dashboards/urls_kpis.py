from django.urls import path

from dashboards.views import kpis

urlpatterns = [
    path("supervisor/kpis/", kpis.supervisor_kpis, name="supervisor_kpis"),
    path("supervisor/kpis/export.xlsx", kpis.export_xlsx, name="kpis_export"),
    path("supervisor/kpis/appeals/", kpis.supervisor_appeals, name="supervisor_appeals"),
    path("supervisor/kpis/appeals/<int:pk>/decide/", kpis.decide_appeal, name="decide_appeal"),
    path("unit/kpis/", kpis.unit_kpis, name="unit_kpis"),
    path("unit/kpis/appeal/", kpis.unit_appeal, name="unit_appeal"),
]
