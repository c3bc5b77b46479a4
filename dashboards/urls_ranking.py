"""URLs of the ranking (考核排名): the staff pages and the public ranking."""

from django.urls import path

from dashboards.views import ranking

urlpatterns = [
    path("supervisor/ranking/", ranking.ranking_page, name="ranking"),
    path("supervisor/ranking/export.xlsx", ranking.export_xlsx, name="ranking_export"),
    path("supervisor/ranking/weights/", ranking.weights, name="ranking_weights"),
    path("public/ranking/", ranking.public_index, name="public_ranking"),
    path("public/ranking/<str:month>/", ranking.public_month, name="public_ranking_month"),
]
