"""The REST API under /api/ (DESIGN.md §5): tickets by number, their actions, reference data,
tokens, the OpenAPI document and its docs (assets from drf-spectacular-sidecar, no CDN)."""

from django.urls import path, re_path
from api.views import auth, reference, tickets
from api.views import guides
from api.views.docs import DocsView, SchemaView
from api.views.fallback import not_found
from api.views import promotions
from api.views import pledges
from api.views import ranking

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
    # service guides (办事指南): public search and detail; units draft, editors publish
    path("public/guides/", guides.PublicGuideListView.as_view(), name="api-public-guides"),
    path("public/guides/<str:id>/", guides.PublicGuideDetailView.as_view(), name="api-public-guide"),
    path("guides/", guides.GuideListView.as_view(), name="api-guides"),
    path("guides/<str:id>/", guides.GuideDetailView.as_view(), name="api-guide"),
    *[
        path(f"guides/<str:id>/{name}/", view.as_view(), name=f"api-guide-{name}")
        for name, view in guides.GUIDE_ACTION_VIEWS.items()
    ],
    # 承诺事项: public reads, staff reads and writes (api.views.pledges); ids as text, checked by the
    # views: a malformed one is a JSON 404 there, not the catch-all's
    path("public/pledges/", pledges.PublicPledgeListView.as_view(), name="api-public-pledges"),
    path("public/pledges/<str:pk>/", pledges.PublicPledgeDetailView.as_view(), name="api-public-pledge"),
    path("pledges/", pledges.PledgeListView.as_view(), name="api-pledges"),
    path("pledges/<str:pk>/", pledges.PledgeDetailView.as_view(), name="api-pledge"),
    path("pledges/<str:pk>/items/<str:item_id>/", pledges.PledgeItemView.as_view(), name="api-pledge-item"),
    *[
        path(f"pledges/<str:pk>/{name}/", view.as_view(), name=f"api-pledge-{name}")
        for name, view in pledges.ACTION_VIEWS.items()
    ],
    # 推广申请: the public's published products; media editors' requests and their actions
    path("public/products/", promotions.PublicProductListView.as_view(), name="api-public-products"),
    path("public/products/<str:id>/", promotions.PublicProductDetailView.as_view(), name="api-public-product"),
    path("promotions/", promotions.PromotionListView.as_view(), name="api-promotions"),
    path("promotions/<str:id>/", promotions.PromotionDetailView.as_view(), name="api-promotion"),
    *[
        path(f"promotions/<str:id>/{name}/", view.as_view(), name=f"api-promotion-{name}")
        for name, view in promotions.ACTION_VIEWS.items()
    ],
    # 单位排名: the months the supervisor published, and one month's table as published
    path("public/ranking/", ranking.PublicRankingListView.as_view(), name="api-public-ranking"),
    path("public/ranking/<str:month>/", ranking.PublicRankingDetailView.as_view(), name="api-public-ranking-month"),
    # anything else under /api/ answers the JSON error shape too, not an HTML page
    re_path(r"^.*$", not_found),
]
