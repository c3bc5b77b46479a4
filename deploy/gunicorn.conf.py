"""gunicorn's configuration for the HTTP side of production (docs/deploy.md; DESIGN.md §5).

    gunicorn -c deploy/gunicorn.conf.py                 # hotline.wsgi:application on 127.0.0.1:8000

Every setting can be changed by an environment variable (GUNICORN_*), so the process supervisor, the
prod-smoke script and the benchmark (bench/webhook_load.py, which measures each choice below) start the
same file. The application's own settings come from its usual variables (DATABASE_URL, REDIS_URL, …).

Chosen from bench/webhook_load.py's figures on 2 cores (docs/performance.md): sync workers, and more of
them than cores, because a webhook spends much of its time waiting on PostgreSQL and a sync worker
holds no GIL while it waits. `(2 × cores) + 1` is the default; GUNICORN_WORKERS overrides it.
WebSockets are not served here: they go to daphne or uvicorn (hotline.asgi), split by path at the proxy.
"""

import multiprocessing
import os


def _env(name, default):
    value = os.environ.get(name, "")
    return value if value != "" else default


def _int(name, default):
    return int(_env(name, default))


wsgi_app = _env("GUNICORN_APP", "hotline.wsgi:application")
bind = _env("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = _env("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)  # gthread only
# a worker silent for this long is killed and replaced (a stuck request); the webhooks answer in milliseconds
timeout = _int("GUNICORN_TIMEOUT", 30)
# on SIGTERM (deploys, the supervisor stopping us) requests in progress get this long to finish
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# seconds an idle keep-alive connection from the proxy stays open (sync workers close after each response)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# recycle a worker after this many requests (plus jitter), against slow memory growth; 0 = never
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
backlog = _int("GUNICORN_BACKLOG", 2048)
# heartbeat files in memory, not on a possibly slow or read-only disk
worker_tmp_dir = _env("GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None)
# load the application in the master before forking: faster (re)starts and shared memory pages; off by
# default so `kill -HUP` reloads new code
preload_app = _env("GUNICORN_PRELOAD", "0").lower() in ("1", "true", "yes", "on")

# gunicorn ≥ 25's control socket (`gunicornc`) defaults to one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl or
# ~/.gunicorn/gunicorn.ctl), which two gunicorns on one machine would fight over: off unless given a path
control_socket = _env("GUNICORN_CONTROL_SOCKET", os.path.expanduser("~/.gunicorn/gunicorn.ctl"))
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")

# The proxy in front (docs/deploy.md) sets X-Forwarded-Proto/-For; trust them only from its address.
forwarded_allow_ips = _env("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: errors to stderr (the supervisor's journal); the access log is off by default (the proxy keeps one,
# and a line per request costs throughput). GUNICORN_ACCESS_LOG=- writes it to stdout. Access lines hold
# no phone numbers: webhooks carry them in the POST body, never in the URL.
accesslog = _env("GUNICORN_ACCESS_LOG", None)
errorlog = _env("GUNICORN_ERROR_LOG", "-")
loglevel = _env("GUNICORN_LOG_LEVEL", "info")
capture_output = False
proc_name = _env("GUNICORN_PROC_NAME", "hotline-http")
