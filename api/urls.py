"""The REST API under /api/ (DESIGN.md §5): tickets by number, their actions, reference data,
tokens, the OpenAPI document and its docs (assets from drf-spectacular-sidecar, no CDN)."""

from django.urls import path, re_path
from api.views import auth, reference, tickets
from api.views.docs import DocsView, SchemaView
from api.views.fallback import not_found

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="schema"), name="api-docs"),
    path("auth/token/", auth.TokenView.as_view(), name="api-token"),
    path("tickets/", tickets.TicketListView.as_view(), name="api-tickets"),
    path("tickets/<str:number>/", tickets.TicketDetailView.as_view(), name="api-ticket"),
    path("tickets/<str:number>/messages/", tickets.TicketMessagesView.as_view(), name="api-ticket-messages"),
    path("tickets/<str:number>/calls/", tickets.TicketCallsView.as_view(), name="api-ticket-calls"),
    *[
        path(f"tickets/<str:number>/{name}/", view.as_view(), name=f"api-ticket-{name}")
        for name, view in tickets.ACTION_VIEWS.items()
    ],
    path("units/", reference.UnitListView.as_view(), name="api-units"),
    path("villages/", reference.VillageListView.as_view(), name="api-villages"),
    path("residents/", reference.ResidentListView.as_view(), name="api-residents"),
    path("residents/<int:pk>/", reference.ResidentDetailView.as_view(), name="api-resident"),
    path("sla-policies/", reference.SlaPolicyListView.as_view(), name="api-sla-policies"),
    # anything else under /api/ answers the JSON error shape too, not an HTML page
    re_path(r"^.*$", not_found),
]
