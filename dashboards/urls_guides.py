"""URLs of the guides pages (staff and public)."""

from django.urls import path

from dashboards.views import guides

urlpatterns = [
    # the public (no login)
    path("public/guides/", guides.public_list, name="public_guides"),
    path("public/guides/<int:pk>/", guides.public_detail, name="public_guide"),
    # units: their own guides (liaison and head)
    path("unit/guides/", guides.unit_list, name="unit_guides"),
    path("unit/guides/new/", guides.guide_new, name="unit_guide_new"),
    path("unit/guides/<int:pk>/", guides.guide_edit, name="unit_guide"),
    path("unit/guides/<int:pk>/do/<slug:action>/", guides.guide_action, name="unit_guide_action"),
    # media editors: publish, send back, withdraw; the stale list
    path("editor/guides/", guides.editor_list, name="editor_guides"),
    path("editor/guides/new/", guides.guide_new, name="editor_guide_new"),
    path("editor/guides/<int:pk>/", guides.guide_edit, name="editor_guide"),
    path("editor/guides/<int:pk>/do/<slug:action>/", guides.guide_action, name="editor_guide_action"),
    # operators: find a guide to cite in a direct answer (htmx fragments on the ticket page)
    path("tickets/guides/search/", guides.operator_search, name="guide_search"),
    path("tickets/guides/<int:pk>/pick/", guides.operator_pick, name="guide_pick"),
]
