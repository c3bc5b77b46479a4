"""`manage.py check`: uploaded files must live outside every folder served as static files.

A photo folder under STATIC_ROOT (or a STATICFILES_DIRS entry) would be published by whitenoise or
the proxy's static location with a Content-Type guessed from the file name, bypassing the media
view's own headers (hotline/urls.py, issue 10).
"""

import os

from django.conf import settings
from django.core import checks


def _inside(child, parent):
    child, parent = os.path.realpath(child), os.path.realpath(parent)
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


@checks.register(checks.Tags.security)
def media_outside_static(app_configs=None, **kwargs):
    media = str(settings.MEDIA_ROOT or "")
    if not media:
        return []
    served = [str(settings.STATIC_ROOT or "")] + [
        str(entry[1] if isinstance(entry, (list, tuple)) else entry) for entry in getattr(settings, "STATICFILES_DIRS", [])
    ]
    for folder in filter(None, served):
        if _inside(media, folder) or _inside(folder, media):
            return [checks.Error(
                f"MEDIA_ROOT ({media}) and a static folder ({folder}) overlap: uploads would be served as static files.",
                hint="Keep MEDIA_ROOT outside STATIC_ROOT and STATICFILES_DIRS (e.g. var/media).",
                id="hotline.E101",
            )]
    return []
