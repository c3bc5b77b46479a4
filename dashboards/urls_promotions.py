"""URLs of the promotions pages (staff and public)."""

urlpatterns = []
