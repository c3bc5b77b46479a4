from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    # The role dashboards arrive with their own issue; until then the admin is the console.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
