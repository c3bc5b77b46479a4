"""URLs of the guides pages (staff and public)."""

urlpatterns = []
