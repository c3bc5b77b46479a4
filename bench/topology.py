"""The production topology on one machine: Redis, the HTTP server, ASGI servers, task workers, the scheduler.

Used by `make prod-smoke` (scripts/prod_smoke.py) and the benchmarks that need real servers
(bench/fanout.py). PostgreSQL is not started here: pass the DATABASE_URL of a database that is
migrated (and holds whatever data the caller needs; `topology.manage("migrate")` works).

    with Topology(workdir="/tmp/x", database_url="postgres://...", redis_port=18290, http_port=18200,
                  asgi_ports=(18201, 18202), workers=2, scheduler=True) as topology:
        requests.get(topology.http_url + "/healthz/")
        ... topology.asgi_urls[0] + "/ws/events/" ...
        topology.stop_redis(); topology.start_redis(); topology.wait_for_redis()
        topology.pause_redis(); topology.resume_redis()      # SIGSTOP / SIGCONT: a hung Redis
        topology.kill_worker(0); topology.start_worker(0)

Every process gets `topology.env`: production settings (DEBUG=0, a random SECRET_KEY, a bench Twilio
token, Redis for the channel layer and the cache) made to work over plain HTTP on loopback (no HTTPS
redirect, no Secure cookies, no HSTS), with TWILIO_PUBLIC_BASE_URL = the HTTP server's URL, so a
webhook signed for `http_url + path` validates. With `twilio_api_url` the SMS go through the twilio
gateway to that (fake) API; otherwise through the console gateway.

Processes, one process group each (so a gunicorn master goes with its workers), logs in
`workdir/<name>.log`:

- `redis` — redis-server on `redis_port`, no persistence (`--save ""`), unless `own_redis=False`;
- `http` — gunicorn `-c deploy/gunicorn.conf.py` when that file exists, else plain gunicorn sync
  workers; bound to 127.0.0.1:`http_port` either way;
- `asgi-<port>` — one uvicorn process per port in `asgi_ports` (`hotline.asgi:application`);
- `worker-<i>` — `manage.py db_worker --queue-name '*' --no-reload --worker-id <id>`, as scripts/run.sh
  starts it (`worker_ids[i]` is the id the worker records on the tasks it claims);
- `scheduler` — `manage.py run_scheduler --interval <scheduler_interval>`.

Stopping sends SIGTERM to each group, then SIGKILL after `grace` seconds. Children also get SIGTERM
if the process that started them dies (Linux PR_SET_PDEATHSIG), so a killed smoke run leaves nothing
behind; start a Topology from the main thread (the signal follows the thread that forked).
"""

import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

try:  # run as a script (bench/x.py) or imported as bench.topology
    from bench.common import ROOT, VENV_BIN, wait_for_port
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import ROOT, VENV_BIN, wait_for_port

PYTHON = str(VENV_BIN / "python")
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"

# bench values: DEBUG=0 refuses the published development ones
BENCH_TWILIO_ACCOUNT_SID = "AC" + "7" * 32
BENCH_TWILIO_AUTH_TOKEN = "bench-twilio-auth-token-" + "5" * 16
BENCH_TWILIO_FROM_NUMBER = "+15005550006"

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """preexec_fn: SIGTERM this child when its parent goes (no orphans after a SIGKILL of the runner)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class Topology:
    """Starts (on `__enter__`) and stops (on `__exit__`) the production processes on loopback."""

    def __init__(self, *, workdir, database_url, redis_port, http_port, asgi_ports=(), workers=0,
                 scheduler=False, extra_env=None, twilio_api_url=None, scheduler_interval=60.0,
                 http_workers=None, own_redis=True, redis_db=0, collectstatic=True, grace=10.0,
                 start_timeout=60.0, worker_interval=1.0):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.redis_port = int(redis_port)
        self.http_port = int(http_port)
        self.asgi_ports = [int(p) for p in asgi_ports]
        self.worker_count = int(workers)
        self.scheduler = scheduler
        self.scheduler_interval = float(scheduler_interval)
        self.worker_interval = float(worker_interval)
        self.http_workers = http_workers
        self.own_redis = own_redis
        self.collectstatic = collectstatic
        self.grace = grace
        self.start_timeout = start_timeout
        self.http_url = f"http://127.0.0.1:{self.http_port}"
        self.asgi_urls = [f"ws://127.0.0.1:{port}" for port in self.asgi_ports]
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/{redis_db}"
        self.worker_ids = [None] * self.worker_count
        self.processes = {}  # name -> Popen
        self._logs = {}
        self.env = self._environment(extra_env or {}, twilio_api_url)

    # --- environment ------------------------------------------------------------------------

    def _environment(self, extra, twilio_api_url):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOTLINE_", "TWILIO_"))}
        env.pop("SQLITE_PATH", None)
        env.update({
            "DJANGO_SETTINGS_MODULE": "hotline.settings",
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # production settings over plain HTTP on loopback: no proxy sets X-Forwarded-Proto here
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "TRUSTED_PROXY_COUNT": "0",
            "TWILIO_ACCOUNT_SID": BENCH_TWILIO_ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": BENCH_TWILIO_AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": BENCH_TWILIO_FROM_NUMBER,
            "TWILIO_PUBLIC_BASE_URL": self.http_url,
            "SMS_BACKEND": "twilio" if twilio_api_url else "console",
            "LOG_LEVEL": "INFO",
        })
        if twilio_api_url:
            env["TWILIO_API_BASE_URL"] = twilio_api_url
        env.update({k: str(v) for k, v in extra.items()})
        return env

    # --- the context manager -------------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        if self.own_redis:
            self.start_redis()
        if self.collectstatic and static_files_stale():  # DEBUG=0 serves the manifest's hashed names (whitenoise)
            self.manage("collectstatic", "--noinput", "-v0", check=True)
        self.start_http()
        for port in self.asgi_ports:
            self.start_asgi(port)
        for index in range(self.worker_count):
            self.start_worker(index)
        if self.scheduler:
            self.start_scheduler()
        self.wait_until_listening()

    def stop(self):
        """SIGTERM every process group, then SIGKILL what is still there after the grace period."""
        running = [(name, p) for name, p in self.processes.items() if p.poll() is None]
        for _name, process in running:
            _signal_group(process, signal.SIGTERM)
            _signal_group(process, signal.SIGCONT)  # a paused one (pause_redis) would not act on it
        deadline = time.monotonic() + self.grace
        for _name, process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=5)
        for _name, process in running:  # whatever the leader left in its group (gunicorn's workers)
            _signal_group(process, signal.SIGKILL)
        self.processes.clear()
        for log in self._logs.values():
            log.close()
        self._logs.clear()

    # --- processes ----------------------------------------------------------------------------

    def _spawn(self, name, argv, *, env=None):
        old = self.processes.get(name)
        if old is not None and old.poll() is None:
            raise RuntimeError(f"{name} is already running")
        log = self._logs.get(name)
        if log is None or log.closed:
            log = self._logs[name] = open(self.workdir / f"{name}.log", "ab", buffering=0)
        log.write(f"\n=== {time.strftime('%H:%M:%S')} start {' '.join(argv)}\n".encode())
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=_die_with_parent,
        )
        self.processes[name] = process
        return process

    def log_path(self, name):
        return self.workdir / f"{name}.log"

    def start_redis(self):
        return self._spawn("redis", [
            "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--dir", str(self.workdir), "--logfile", "",
        ])

    def stop_redis(self, sig=signal.SIGTERM):
        """Stop our redis-server (SIGTERM: a clean shutdown; SIGKILL: a crash) and wait until it is gone."""
        self._stop_one("redis", sig)

    def pause_redis(self):
        """SIGSTOP our redis-server: connections are accepted by the kernel but never answered (a hung Redis)."""
        _signal_group(self.processes["redis"], signal.SIGSTOP)

    def resume_redis(self):
        _signal_group(self.processes["redis"], signal.SIGCONT)

    def wait_for_redis(self, timeout=None):
        process = self.processes.get("redis")
        wait_for_port(self.redis_port, timeout=timeout or self.start_timeout, process=process)

    def start_http(self):
        argv = [str(VENV_BIN / "gunicorn")]
        if GUNICORN_CONF.exists():
            argv += ["-c", str(GUNICORN_CONF)]
        elif self.http_workers is None:
            argv += ["--workers", "3"]
        if self.http_workers is not None:
            argv += ["--workers", str(self.http_workers)]
        # the command line wins over the config file: our port; no shared control socket in ~/.gunicorn
        argv += ["--bind", f"127.0.0.1:{self.http_port}", "--no-control-socket", "hotline.wsgi:application"]
        return self._spawn("http", argv)

    def start_asgi(self, port):
        return self._spawn(f"asgi-{port}", [
            str(VENV_BIN / "uvicorn"), "hotline.asgi:application", "--host", "127.0.0.1", "--port", str(port),
            "--lifespan", "off", "--no-access-log",
        ])

    def start_worker(self, index):
        self.worker_ids[index] = f"w{index}-{uuid.uuid4().hex[:8]}"
        return self._spawn(f"worker-{index}", [
            PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--interval", str(self.worker_interval),
            "--worker-id", self.worker_ids[index],
        ])

    def kill_worker(self, index, sig=signal.SIGKILL):
        """Kill task worker `index` (SIGKILL: it dies mid-task, as on a crash or an OOM kill)."""
        self._stop_one(f"worker-{index}", sig)

    def worker_pid(self, index):
        process = self.processes.get(f"worker-{index}")
        return process.pid if process is not None and process.poll() is None else None

    def start_scheduler(self):
        return self._spawn("scheduler", [
            PYTHON, "manage.py", "run_scheduler", "--interval", str(self.scheduler_interval),
        ])

    def _stop_one(self, name, sig):
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        _signal_group(process, sig)
        _signal_group(process, signal.SIGCONT)  # a paused one would not act on SIGTERM
        try:
            process.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout=5)
        _signal_group(process, signal.SIGKILL)

    def wait_until_listening(self, timeout=None):
        timeout = timeout or self.start_timeout
        if self.own_redis:
            self.wait_for_redis(timeout)
        wait_for_port(self.http_port, timeout=timeout, process=self.processes.get("http"))
        self.wait_for_http(timeout)
        for port in self.asgi_ports:
            wait_for_port(port, timeout=timeout, process=self.processes.get(f"asgi-{port}"))
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}; see {self.log_path(name)}")

    def wait_for_http(self, timeout=None):
        """Wait until a gunicorn worker answers /healthz/ (the master listens before its workers have booted)."""
        import http.client

        deadline = time.monotonic() + (timeout or self.start_timeout)
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
            try:
                connection.request("GET", "/healthz/", headers={"Host": "localhost"})
                if connection.getresponse().status < 500:  # 200, or a redirect to https
                    return
            except OSError:
                pass
            finally:
                connection.close()
            if self.processes["http"].poll() is not None:
                raise RuntimeError(f"the HTTP server exited; see {self.log_path('http')}")
            time.sleep(0.2)
        raise TimeoutError(f"no gunicorn worker answers on {self.http_url} after {timeout} s")

    def alive(self):
        """{name: True/False} for every process started."""
        return {name: p.poll() is None for name, p in self.processes.items()}

    # --- manage.py --------------------------------------------------------------------------------

    def manage(self, *args, check=False, timeout=None, input=None):
        """Run `manage.py *args` with the topology's environment; returns the CompletedProcess."""
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=timeout, input=input,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
        return result


def static_files_stale():
    """True when STATIC_ROOT's manifest is missing or older than our static files or the last `make setup`
    (which brings the packages' static files): then collectstatic must run (it takes seconds even when
    nothing changed, as it post-processes every file)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [VENV_BIN.parent / ".installed"]
    for app in ("hotline", "api", "dashboards"):
        folder = ROOT / app / "static"
        if folder.is_dir():
            sources += [path for path in folder.rglob("*") if path.is_file()]
    return any(path.exists() and path.stat().st_mtime > built for path in sources)


def _signal_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
