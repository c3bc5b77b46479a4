"""URLs of residents' personal data (docs/privacy.md): the supervisor's pages and the public notice."""

from django.urls import path

from dashboards.views import privacy

urlpatterns = [
    path("supervisor/residents/", privacy.resident_search, name="resident_search"),
    path("supervisor/residents/<int:resident_id>/privacy/", privacy.resident_privacy, name="resident_privacy"),
    path("supervisor/residents/<int:resident_id>/privacy/export/", privacy.resident_export, name="resident_export"),
    path("supervisor/residents/<int:resident_id>/privacy/erase/", privacy.resident_erase, name="resident_erase"),
    path("public/privacy/", privacy.public_notice, name="public_privacy"),
]
