"""The reports' pages and downloads (dashboards.views.reports); included from dashboards/urls.py."""

from django.urls import path

from dashboards.views import reports

urlpatterns = [
    path("supervisor/summary/", reports.summary, name="summary"),
    path("supervisor/summary/summary.docx", reports.summary_docx, name="summary_docx"),
    path("supervisor/hot-topics/", reports.hot_topics_page, name="hot_topics"),
    path("supervisor/hot-topics/brief.docx", reports.hot_topics_docx, name="hot_topics_docx"),
    # before tickets/<str:number>/ in dashboards/urls.py, so the ticket page never takes it
    path("tickets/export.xlsx", reports.ticket_export_xlsx, name="ticket_export"),
]
