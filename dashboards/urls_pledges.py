"""URLs of the pledges pages (staff and public)."""

urlpatterns = []
