import os

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve

from hotline import health

urlpatterns = [
    path("healthz/", health.liveness, name="healthz"),
    path("readyz/", health.readiness, name="readyz"),
    # one login page for everyone, with its throttling
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("twilio/", include("hotline.intake.urls")),
    path("", include("dashboards.urls")),
]



# what MEDIA_ROOT holds: photos re-encoded as JPEG by hotline.images under random names (the
# models' upload_to); the Content-Type is ours, never guessed from the file (issue 10)
MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def media(request, path):
    """An uploaded photo from MEDIA_ROOT, and nothing else: other kinds of file are 404, and so is any
    path leaving MEDIA_ROOT (django.views.static.serve joins it safely: "../" is refused)."""
    content_type = MEDIA_TYPES.get(os.path.splitext(path)[1].lower())
    if content_type is None:
        raise Http404
    # MEDIA_ROOT read per request, not when the URLs are imported (tests give each run its own folder)
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="photo.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"  # even if opened as a page
    return response


if settings.SERVE_MEDIA:
    # uploaded photos, when no proxy serves MEDIA_ROOT (the embedded default)
    urlpatterns.insert(0, re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media))
