"""Health checks for the proxy, the process supervisor and the benchmarks (docs/deploy.md).

- `/healthz/` (liveness): the process answers; no database, no cache, no template. It is also the
  bench's "bare Django view", the ceiling a webhook's throughput is compared with (bench/webhook_load.py).
- `/readyz/` (readiness): the database answers a query; Redis, when configured, is reported but does
  not fail readiness, because webhooks and operators keep working without it (only live events wait).
"""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def liveness(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readiness(request):
    checks = {"database": _database_ok()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ok()
    ready = checks["database"]
    return JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _redis_ok():
    from django.core.cache import caches

    try:
        client = caches["default"]._cache.get_client()
        return bool(client.ping())
    except Exception:
        return False
