import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
application = get_wsgi_application()

# Import the URLconf, and with it every view, now rather than on each worker's first request: after a
# deploy, a reload or a worker recycled by GUNICORN_MAX_REQUESTS, that request (a resident's SMS webhook,
# say) would otherwise wait seconds for the imports. A gunicorn worker loads this module before it
# accepts connections; with GUNICORN_PRELOAD the master loads it once for all its workers.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns
