from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

urlpatterns = [
    # one login page for everyone, with its throttling
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("twilio/", include("hotline.intake.urls")),
    path("", include("dashboards.urls")),
]



def media(request, path):
    # MEDIA_ROOT read per request, not when the URLs are imported (tests give each run its own folder)
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # uploaded photos, when no proxy serves MEDIA_ROOT (the embedded default)
    urlpatterns.insert(0, re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media))
