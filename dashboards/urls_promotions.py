"""URLs of the promotions pages (staff and public)."""

from django.urls import path

from dashboards.views import promotions

urlpatterns = [
    # media editors and supervisors
    path("editor/promotions/", promotions.queue, name="editor_promotions"),
    path("editor/promotions/<int:pk>/", promotions.detail, name="editor_promotion"),
    path("editor/promotions/<int:pk>/do/<slug:name>/", promotions.action, name="editor_promotion_action"),
    # operators (and editors): a request taken on the phone
    path("promotions/new/", promotions.new, name="promotion_new"),
    path("promotions/lookup/", promotions.lookup, name="promotion_lookup"),
    # the public (no login)
    path("public/products/", promotions.showcase, name="public_products"),
    path("public/products/apply/", promotions.apply, name="public_product_apply"),
    path("public/products/apply/thanks/", promotions.thanks, name="public_product_thanks"),
    path("public/products/<int:pk>/", promotions.product, name="public_product"),
]
