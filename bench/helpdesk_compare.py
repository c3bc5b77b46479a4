"""Side by side with django-helpdesk 2.6.1 (issue 9, scenario e): ticket creation through each system's
API, and the ticket list through each system's API and staff page, both at N tickets (default 100,000)
on the same PostgreSQL server, each served by gunicorn with the same sync workers, one after the other.

    .venv/bin/python bench/helpdesk_compare.py                      # 100,000 tickets each
    .venv/bin/python bench/helpdesk_compare.py --quick              # 10,000 tickets each, shorter runs
    .venv/bin/python bench/helpdesk_compare.py --tickets 100000 --out helpdesk_compare

What it does (every step is idempotent: a second run reuses the virtualenv, the project and the
databases when they already hold the tickets):

1. django-helpdesk in its own virtualenv, var/helpdesk-venv (var/ is git-ignored): `pip install
   django-helpdesk==2.6.1` with the same psycopg and gunicorn as ours (read from requirements.txt); its
   Django is whatever it accepts (`django>=5.2`: pip takes 5.2.x on Python 3.11). A minimal project,
   var/helpdesk-project/ (hdbench/settings.py …), written by this script: helpdesk's INSTALLED_APPS
   (teams mode off, so no pinax-teams), its REST API on (HELPDESK_API_ENABLED, 2.6.1's switch; older
   docs call it HELPDESK_ACTIVATE_API_ENDPOINT), DRF token authentication (its docs leave
   DEFAULT_AUTHENTICATION_CLASSES to the project; token, as ours, rather than Basic, which would hash
   the password on every request), DEBUG off, persistent connections (CONN_MAX_AGE 60 with health
   checks, as ours), e-mail to the dummy backend (ours sends its SMS from a task, not in the request).
   Database helpdesk_bench (helpdesk_bench_<N> for another N): migrate, a staff user with a token,
   8 queues, N tickets by set-based SQL (titles and descriptions of hotline calls, the 5 statuses,
   5 priorities, 3 years of dates, owners, due dates) and 1–4 follow-ups each (its API list nests them,
   its list page shows the last one), then ANALYZE (this server runs with autovacuum off).
2. Ours: database hotline_helpdesk (hotline_helpdesk_<N>): migrate, `gen_load --tickets N --if-missing`,
   collectstatic (DEBUG off serves hashed static names); the demo login `operator` (sees every ticket),
   its token from POST /api/auth/token/, its session from the login page. Production-like env: DEBUG
   off, Redis (db 7) for the cache and channel layer, plain HTTP on loopback (no SSL redirect, no
   secure-only cookies), the API's per-user throttle raised out of the way.
3. Each system in turn under gunicorn (same version, same `--workers`, sync worker class), on ports
   18301 (ours) and 18302 (theirs); never both at once. Stopped (process group) on exit, Ctrl-C or error.
4. Measured for each:
   - the ticket list through the API (first page, default page size and ordering of each: ours
     /api/tickets/ 25 newest by cursor; theirs /helpdesk/api/tickets/ 25 by id with a COUNT), the staff
     list page (ours /tickets/ 工单查询, 25 a page; theirs /helpdesk/tickets/, whose rows come from an
     AJAX datatables request, timed as its own row and summed as "page+data"), and ours' operator
     console /console/ (its queues) for information: sequential requests after warm-up, p50/p95; a list
     whose repeats would take over 2 minutes (quick: 30 s) gets fewer, at least 3 (quick: 2), `capped`;
   - ticket creation through the API (ours POST /api/tickets/, theirs POST /helpdesk/api/tickets/):
     `--connections` client threads, each with its own http.client connection (gunicorn's sync workers
     close it after each answer: each request reconnects), for `--duration` seconds after a few seconds
     of the same load not counted; requests/s and p50/p99; the tickets created (counted in the database) must
     equal the 201s; the created rows are deleted afterwards, so a second run starts from N again;
   - SQL queries per request of each list request (in-process, the Django test client, counted with
     an execute wrapper), and for ours, when a list is slower than the lists goal (p95 100 ms), the
     EXPLAIN (ANALYZE, BUFFERS) of its slowest query in bench/results/NAME.<case>.explain.txt.
5. The ratios against the goals (issue 9): ours ≥ 10× faster on list latency (p50; p95 shown too) and
   ≥ 3× on creation throughput. JSON on stdout and in bench/results/NAME.json (bench.common.write_result).

The script calls itself as a helper (`--tool ours|theirs COMMAND`) inside each system's own Python and
settings: the helpdesk side never imports our code, nor ours theirs.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import RESULTS, summary_ms, wait_for_port, write_result  # noqa: E402

HELPDESK_VERSION = "2.6.1"
VAR = ROOT / "var"
HD_VENV = VAR / "helpdesk-venv"
HD_PROJECT = VAR / "helpdesk-project"
HD_PY = HD_VENV / "bin" / "python"
OUR_PY = ROOT / ".venv" / "bin" / "python"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_URL = "redis://127.0.0.1:6379/7"
PORT_OURS, PORT_THEIRS = 18301, 18302
OUR_USER, OUR_PASSWORD = "operator", "hotline-demo"  # load_demo's published demo login
HD_USER, HD_PASSWORD = "bench_staff", "bench-staff-not-secret-9"
HD_QUEUES = 8
RESULT_MARK = "@@RESULT "
# worker heartbeats in memory, as deploy/gunicorn.conf.py does; gunicorn >= 25's per-user control socket off
# (another gunicorn on this machine would fight over its path)
GUNICORN_TMP = ["--worker-tmp-dir", "/dev/shm"] if os.path.isdir("/dev/shm") else []
GOALS = {"list_latency_ratio": 10.0, "create_throughput_ratio": 3.0}
LIST_GOAL_P95_MS = 100.0  # issue 9 (b): lists p95 < 100 ms; slower lists of ours get an EXPLAIN
SLOW_REQUEST_S = 20.0

# the same calls for both systems: title, description (what an operator types while on the phone)
CALLS = [
    ("路灯不亮", "{v}村口到小学一段路灯已经坏了一个多星期，晚上学生放学路过很危险，请尽快修理。"),
    ("自来水停水", "{v}从昨天下午开始停水，没有接到任何通知，家里有老人，请问什么时候恢复供水？"),
    ("道路坑洼积水", "{v}通往镇上的水泥路有好几个大坑，下雨后积水很深，摩托车已经摔倒过两次。"),
    ("噪音扰民", "{v}附近的工地晚上十一点以后还在施工，搅拌机声音很大，影响休息，希望有关部门管一管。"),
    ("垃圾清运不及时", "{v}垃圾池已经满了三天没有人清运，气味很大，苍蝇很多，请安排清运。"),
    ("拖欠工资", "在{v}附近的工地干了三个月，老板一直拖欠工资共一万二千元，多次讨要无果。"),
    ("低保申请咨询", "家住{v}，家里老人生病，想咨询低保需要准备什么材料，到哪里办理。"),
    ("医保报销咨询", "{v}村民，去年在县医院住院，想问新农合报销比例和需要的材料。"),
    ("占道经营", "{v}菜市场门口摊贩占道经营，早上车辆无法通行，经常堵车。"),
    ("污水直排", "{v}养猪场的污水直接排到河沟里，河水发黑发臭，下游还有人在用水灌溉。"),
    ("电力故障", "{v}昨晚开始停电，已经十几个小时了，冰箱里的东西都坏了，请尽快抢修。"),
    ("农业补贴未发放", "{v}的耕地地力保护补贴今年还没有收到，别的村都已经发了，请帮忙查一下。"),
    ("学校周边安全", "{v}小学门口的路口没有减速带和斑马线，车速很快，家长很担心孩子安全。"),
    ("表扬镇干部", "感谢{v}驻村干部帮我们协调解决了灌溉用水的问题，办事认真负责。"),
    ("宅基地审批", "{v}村民，宅基地申请交上去两个月了还没有批下来，想问问进度。"),
    ("犬只伤人", "{v}有人养的大狗不拴绳，已经咬伤了两个小孩，请有关部门处理。"),
]
VILLAGE_WORDS = ["青山村", "龙潭村", "白水社区", "大河村", "松林村", "新街社区", "团结村", "石坝村"]


def log(message):
    print(f"[helpdesk_compare {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pinned(name):
    """The requirement line of `name` in our requirements.txt (psycopg, gunicorn: the same versions on both sides)."""
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if re.match(rf"^{re.escape(name)}(\[[^\]]*\])?==", line, re.IGNORECASE):
            return line
    raise SystemExit(f"{name} is not pinned in requirements.txt")


# --------------------------------------------------------------------------------------------
# databases


def pg_connect(dbname="postgres", autocommit=True):
    import psycopg

    return psycopg.connect(dbname=dbname, autocommit=autocommit, **PG)


def ensure_database(name):
    with pg_connect() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")
    return not exists


def sql_value(dbname, sql, params=()):
    with pg_connect(dbname) as conn:
        return conn.execute(sql, params).fetchone()[0]


def run(cmd, *, env=None, cwd=ROOT, capture=False, check=True):
    result = subprocess.run(
        [str(c) for c in cmd], env=env, cwd=cwd, text=True, check=False,
        stdout=subprocess.PIPE if capture else None, stderr=subprocess.PIPE if capture else None,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or "")[-3000:] if capture else ""
        raise RuntimeError(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}\n{detail}")
    return result


def tool(side, command, env, **kwargs):
    """Run this script as a helper inside one side's Python and settings; returns its JSON result."""
    python = OUR_PY if side == "ours" else HD_PY
    cmd = [python, Path(__file__).resolve(), "--tool", side, command, json.dumps(kwargs)]
    result = run(cmd, env=env, capture=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"tool {side} {command} failed:\n{result.stderr[-4000:]}")
    for line in reversed(result.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK):])
    raise RuntimeError(f"tool {side} {command} printed no result:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


# --------------------------------------------------------------------------------------------
# their side: virtualenv, project, data

HD_SETTINGS = '''\
"""A minimal project for django-helpdesk {version}, written by bench/helpdesk_compare.py (do not edit)."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ.get("HDB_SECRET_KEY", "bench-only-helpdesk-key-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",  # helpdesk: domain for e-mail links
    "django.contrib.humanize",  # helpdesk: elapsed times
    "rest_framework",  # helpdesk: the API
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdbench.urls"
WSGI_APPLICATION = "hdbench.wsgi.application"
TEMPLATES = [
    {{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {{
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        }},
    }},
]
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("HDB_DATABASE", "helpdesk_bench"),
        "USER": "{user}",
        "HOST": "{host}",
        "PORT": "{port}",
        "CONN_MAX_AGE": 60,  # persistent connections, as ours
        "CONN_HEALTH_CHECKS": True,
    }}
}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.invalid"

# django-helpdesk (its docs: settings.rst, teams.rst, api.rst)
HELPDESK_TEAMS_MODE_ENABLED = False  # no pinax-teams
HELPDESK_API_ENABLED = True  # 2.6.1's switch for /api/ (the default; older docs: HELPDESK_ACTIVATE_API_ENDPOINT)
HELPDESK_ACTIVATE_API_ENDPOINT = True
REST_FRAMEWORK = {{
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}}
LOGGING = {{
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
    "root": {{"handlers": ["console"], "level": "WARNING"}},
}}
'''

HD_URLS = '''\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls")),
]
'''

HD_WSGI = '''\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")
application = get_wsgi_application()
'''

HD_MANAGE = '''\
#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
'''


def ensure_helpdesk_venv():
    """var/helpdesk-venv with django-helpdesk and our psycopg and gunicorn; reused when already made."""
    wanted = [f"django-helpdesk=={HELPDESK_VERSION}", pinned("psycopg"), pinned("gunicorn")]
    marker = HD_VENV / ".bench-requirements"
    if HD_PY.exists() and marker.exists() and marker.read_text().split() == wanted:
        return
    if not HD_PY.exists():
        log(f"creating {HD_VENV.relative_to(ROOT)}")
        run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", HD_VENV])
    log(f"pip install {' '.join(wanted)}")
    run([HD_PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted])
    marker.write_text("\n".join(wanted) + "\n")


def write_helpdesk_project():
    package = HD_PROJECT / "hdbench"
    package.mkdir(parents=True, exist_ok=True)
    files = {
        package / "__init__.py": "",
        package / "settings.py": HD_SETTINGS.format(version=HELPDESK_VERSION, **PG),
        package / "urls.py": HD_URLS,
        package / "wsgi.py": HD_WSGI,
        HD_PROJECT / "manage.py": HD_MANAGE,
    }
    for path, text in files.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def theirs_env(database):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "hdbench.settings", "HDB_DATABASE": database, "PYTHONPATH": str(HD_PROJECT)})
    return env


def versions_theirs():
    out = run([HD_PY, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"], capture=True).stdout
    wanted = {"django-helpdesk", "django", "djangorestframework", "gunicorn", "psycopg"}
    return {p["name"].lower(): p["version"] for p in json.loads(out) if p["name"].lower() in wanted}


def setup_theirs(database, tickets, seed):
    ensure_helpdesk_venv()
    write_helpdesk_project()
    ensure_database(database)
    env = theirs_env(database)
    log(f"theirs: migrate {database}")
    run([HD_PY, HD_PROJECT / "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=HD_PROJECT)
    started = time.monotonic()
    info = tool("theirs", "setup", env, tickets=tickets, seed=seed)
    log(f"theirs: {info['tickets']:,} tickets, {info['followups']:,} follow-ups "
        f"({'made in %.1f s' % (time.monotonic() - started) if info['generated'] else 'already there'})")
    return info


# --------------------------------------------------------------------------------------------
# our side


def ours_env(database):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HDB_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "hotline.settings",
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        "REDIS_URL": REDIS_URL,
        "DEBUG": "false",
        "SECRET_KEY": "bench-helpdesk-compare-not-a-secret-0123456789abcdef",
        "TWILIO_AUTH_TOKEN": "bench-helpdesk-compare-twilio-token",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # plain HTTP on loopback: no redirect to https, cookies not https-only
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # the per-user API throttle (1,200/min) would cap the creation run: a policy, not a cost
        "API_THROTTLE_USER": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    })
    return env


def setup_ours(database, tickets):
    ensure_database(database)
    env = ours_env(database)
    log(f"ours: migrate {database}")
    run([OUR_PY, "manage.py", "migrate", "--noinput", "-v0"], env=env)
    started = time.monotonic()
    run([OUR_PY, "manage.py", "gen_load", "--tickets", tickets, "--if-missing", "--with-debug-off"], env=env)
    held = sql_value(database, "SELECT count(*) FROM hotline_ticket")
    log(f"ours: {held:,} tickets ({time.monotonic() - started:.1f} s)")
    # DEBUG off: templates name the hashed static files of the manifest
    run([OUR_PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env)
    return {"tickets": held}


def versions_ours():
    out = run([OUR_PY, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"], capture=True).stdout
    wanted = {"django", "djangorestframework", "gunicorn", "psycopg"}
    return {p["name"].lower(): p["version"] for p in json.loads(out) if p["name"].lower() in wanted}


# --------------------------------------------------------------------------------------------
# helpers run inside each side's Python (--tool SIDE COMMAND JSON)

HD_QUEUE_NAMES = [
    ("water", "供水与排水"), ("roads", "道路交通"), ("power", "供电"), ("environment", "环境卫生"),
    ("labour", "劳动保障"), ("social", "民政与社保"), ("farming", "农业农村"), ("town", "乡镇街道"),
]

HD_TICKETS_SQL = """
WITH params AS (SELECT %(titles)s::text[] AS titles, %(texts)s::text[] AS texts, %(villages)s::text[] AS villages,
                       %(queues)s::int[] AS queues, %(owners)s::int[] AS owners),
drawn AS (
    SELECT now() - random() * interval '3 years' AS created, floor(random() * %(calls)s)::int + 1 AS call,
           floor(random() * %(nvillages)s)::int + 1 AS village, random() AS r_status, random() AS r_priority,
           random() AS r_owner, random() AS r_due, random() AS r_modified, floor(random() * 25000)::int + 1 AS resident
    FROM generate_series(1, %(count)s)
),
shaped AS (
    SELECT d.*, CASE
        WHEN d.created > now() - interval '10 days' THEN
            CASE WHEN d.r_status < 0.70 THEN 1 WHEN d.r_status < 0.75 THEN 2 ELSE 3 END
        ELSE
            CASE WHEN d.r_status < 0.015 THEN 1 WHEN d.r_status < 0.02 THEN 2 WHEN d.r_status < 0.08 THEN 3
                 WHEN d.r_status < 0.98 THEN 4 ELSE 5 END
        END AS status
    FROM drawn d
)
INSERT INTO helpdesk_ticket (title, created, modified, submitter_email, status, on_hold, description, resolution,
                             priority, due_date, last_escalation, assigned_to_id, queue_id, secret_key, kbitem_id,
                             merged_to_id)
SELECT p.titles[s.call],
       s.created,
       LEAST(now(), s.created + s.r_modified * interval '20 days'),
       'resident' || s.resident || '@example.cn',
       s.status,
       false,
       replace(p.texts[s.call], '{v}', p.villages[s.village]),
       CASE WHEN s.status IN (3, 4) THEN '已联系来电人并处理完毕，来电人表示满意。' END,
       CASE WHEN s.r_priority < 0.02 THEN 1 WHEN s.r_priority < 0.10 THEN 2 WHEN s.r_priority < 0.80 THEN 3
            WHEN s.r_priority < 0.95 THEN 4 ELSE 5 END,
       CASE WHEN s.r_due < 0.3 THEN s.created + interval '7 days' END,
       NULL,
       CASE WHEN s.r_owner < 0.8 THEN p.owners[1 + (s.resident %% array_length(p.owners, 1))] END,
       p.queues[1 + ((s.call + s.village) %% array_length(p.queues, 1))],
       gen_random_uuid()::text,
       NULL,
       NULL
FROM shaped s CROSS JOIN params p
ORDER BY s.created
"""

HD_FOLLOWUPS_SQL = """
INSERT INTO helpdesk_followup (date, title, comment, public, new_status, ticket_id, user_id, message_id, time_spent,
                               email_recipients)
SELECT t.created, 'Ticket Opened', t.description, true, NULL::int, t.id, %(staff)s::int, NULL::varchar,
       NULL::interval, NULL::jsonb
FROM helpdesk_ticket t WHERE t.id > %(after)s
UNION ALL
SELECT t.created + k * (t.modified - t.created) / 4, '跟进', '已转' || q.title || '核实处理，正在办理中。', k = 1, NULL,
       t.id, t.assigned_to_id, NULL, interval '10 minutes' * k, NULL
FROM helpdesk_ticket t JOIN helpdesk_queue q ON q.id = t.queue_id, generate_series(1, 2) k
WHERE t.id > %(after)s AND random() < 0.45
UNION ALL
SELECT t.modified, CASE t.status WHEN 3 THEN 'Resolved' WHEN 4 THEN 'Closed' ELSE 'Duplicate' END,
       coalesce(t.resolution, '与已有工单重复。'), true, t.status, t.id, t.assigned_to_id, NULL, interval '15 minutes',
       NULL
FROM helpdesk_ticket t WHERE t.id > %(after)s AND t.status IN (3, 4, 5)
"""


def tool_theirs_setup(args):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from helpdesk.models import FollowUp, Queue, Ticket
    from rest_framework.authtoken.models import Token

    User = get_user_model()
    staff = User.objects.filter(username=HD_USER).first()
    if staff is None:
        staff = User.objects.create_user(HD_USER, email="staff@example.invalid", password=HD_PASSWORD, is_staff=True,
                                         first_name="Bench", last_name="Staff")
    owners = [staff.pk]
    for i in range(1, 5):
        owner, _ = User.objects.get_or_create(username=f"bench_owner{i}", defaults={
            "is_staff": True, "first_name": f"Owner{i}", "email": f"owner{i}@example.invalid"})
        owners.append(owner.pk)
    token, _ = Token.objects.get_or_create(user=staff)
    queues = []
    for slug, title in HD_QUEUE_NAMES:
        queue, _ = Queue.objects.get_or_create(slug=slug, defaults={"title": title, "allow_public_submission": False})
        queues.append(queue.pk)
    held = Ticket.objects.count()
    generated = False
    if held < args["tickets"]:
        generated = True
        rnd = random.Random(args.get("seed", 1))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [rnd.uniform(-1, 1)])
            after = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            cursor.execute(HD_TICKETS_SQL, {
                "titles": [t for t, _ in CALLS], "texts": [d for _, d in CALLS], "villages": VILLAGE_WORDS,
                "queues": queues, "owners": owners, "calls": len(CALLS), "nvillages": len(VILLAGE_WORDS),
                "count": args["tickets"] - held,
            })
            cursor.execute(HD_FOLLOWUPS_SQL, {"staff": staff.pk, "after": after})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # autovacuum is off on this server: fresh tables would look empty
    return {
        "token": token.key, "queues": queues, "tickets": Ticket.objects.count(), "followups": FollowUp.objects.count(),
        "generated": generated,
        "open_tickets": Ticket.objects.filter(status__in=[1, 2]).count(),
    }


def tool_theirs_cleanup(args):
    from helpdesk.models import Ticket

    deleted, _ = Ticket.objects.filter(pk__gt=args["after"]).delete()
    return {"deleted_rows": deleted, "tickets": Ticket.objects.count()}


def tool_ours_cleanup(args):
    """Delete the tickets the creation run made (and their SMS rows, queued tasks, new residents, history)."""
    import datetime as dt

    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from hotline.models import Message, Resident, Ticket

    since = dt.datetime.fromisoformat(args["since"])
    with transaction.atomic():
        new = Ticket.objects.filter(pk__gt=args["after"])
        Message.objects.filter(ticket__in=new).delete()
        deleted, _ = new.delete()
        Ticket.history.filter(id__gt=args["after"]).delete()
        residents = Resident.objects.filter(pk__gt=args["after_resident"], tickets__isnull=True)
        Resident.history.filter(id__in=list(residents.values_list("pk", flat=True))).delete()
        residents.delete()
        Resident.history.filter(id__gt=args["after_resident"]).delete()
        DBTaskResult.objects.filter(enqueued_at__gte=since).delete()
    return {"deleted_rows": deleted, "tickets": Ticket.objects.count()}


def tool_queries(side, args):
    """Each list request once through the test client: SQL queries, time in process, the slowest queries;
    for the cases named in `explain`, EXPLAIN (ANALYZE, BUFFERS) of the slowest query."""
    import heapq

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    user = get_user_model().objects.get(username=args["username"])
    out = {}
    for case in args["cases"]:
        client = Client()
        headers = {}
        if case["auth"] == "session":
            client.force_login(user)
        else:
            headers["HTTP_AUTHORIZATION"] = f"Token {args['token']}"
        for warm in (True, False):  # once to warm the process (templates, caches), once counted
            stats = {"n": 0, "ms": 0.0, "slowest": []}

            def wrapper(execute, sql, params, many, context, stats=stats):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    ms = (time.perf_counter() - started) * 1000
                    stats["n"] += 1
                    stats["ms"] += ms
                    item = (ms, stats["n"], sql, params)
                    if len(stats["slowest"]) < 3:
                        heapq.heappush(stats["slowest"], item)
                    elif ms > stats["slowest"][0][0]:
                        heapq.heapreplace(stats["slowest"], item)

            started = time.perf_counter()
            with connection.execute_wrapper(wrapper):
                response = client.get(case["url"], **headers)
            total_ms = (time.perf_counter() - started) * 1000
            if warm and total_ms > 5000:
                break  # a request this slow is not worth a second run: its first run is counted
        slowest = sorted(stats["slowest"], reverse=True)
        entry = {
            "status": response.status_code, "queries": stats["n"], "request_ms": round(total_ms, 1),
            "sql_ms": round(stats["ms"], 1),
            "slowest": [{"ms": round(ms, 2), "sql": sql[:400]} for ms, _, sql, _ in slowest],
        }
        if case["name"] in args.get("explain", []) and slowest:
            _, _, sql, params = slowest[0]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                entry["explain"] = "\n".join(row[0] for row in cursor.fetchall())
                entry["explain_sql"] = sql
        out[case["name"]] = entry
    return out


def tool_main(argv):
    side, command, payload = argv[0], argv[1], json.loads(argv[2] if len(argv) > 2 else "{}")
    import django

    django.setup()
    if command == "queries":
        result = tool_queries(side, payload)
    else:
        result = {
            ("theirs", "setup"): tool_theirs_setup,
            ("theirs", "cleanup"): tool_theirs_cleanup,
            ("ours", "cleanup"): tool_ours_cleanup,
        }[(side, command)](payload)
    print(RESULT_MARK + json.dumps(result, ensure_ascii=False, default=str), flush=True)


# --------------------------------------------------------------------------------------------
# HTTP


class Client:
    """One client connection with cookies; reconnects when the server closes (gunicorn's sync workers
    answer Connection: close)."""

    def __init__(self, port, headers=None):
        self.port = port
        self.headers = dict(headers or {})
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - started
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2 or method != "GET":  # a POST is never sent twice: it may have been done
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return response.status, data, elapsed, response

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def login(port, login_path, username, password):
    """A browser's login: the form (CSRF cookie and token), then the POST; returns a client with the session."""
    client = Client(port)
    status, data, _, _ = client.request("GET", login_path)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data)
    if status != 200 or not match:
        raise RuntimeError(f"login page {login_path}: status {status}, no CSRF token")
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": match.group(1).decode()})
    status, data, _, _ = client.request("POST", login_path, body=form,
                                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"login as {username} failed: status {status} {data[:300]!r}")
    return client


@contextlib.contextmanager
def gunicorn(name, bin_dir, wsgi, port, env, cwd, workers):
    """gunicorn in its own process group, stopped (TERM, then KILL) whatever happens."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        raise RuntimeError(f"port {port} is already in use: stop what listens there first")
    logs = VAR / "helpdesk-compare"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"{name}-gunicorn.log"
    cmd = [str(bin_dir / "gunicorn"), wsgi, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--worker-class", "sync", "--timeout", "900", "--graceful-timeout", "10", "--log-level", "warning",
           "--error-logfile", "-", "--no-control-socket", *GUNICORN_TMP]
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            wait_for_port(port, timeout=60, process=process)
            log(f"{name}: gunicorn {workers} sync workers on 127.0.0.1:{port} (pid {process.pid})")
            yield process
        finally:
            stop_group(process)
            log(f"{name}: gunicorn stopped")


def stop_group(process):
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --------------------------------------------------------------------------------------------
# measurements


def timed_sequence(steps, *, repeats, budget_s, min_repeats, warmups):
    """Run `steps` (a list of (name, callable returning seconds)) in turn: warm-up rounds first, then up
    to `repeats` rounds; a round slower than SLOW_REQUEST_S caps the repeats to what fits in `budget_s`."""
    first = last = {}
    for round_no in range(warmups):
        last = {name: step() for name, step in steps}
        if round_no == 0:
            first = last
        if sum(last.values()) > 2.0:
            break  # a slow request needs no more warming, and takes the time of the measured ones
    per_round = max(sum(last.values()), 0.001)
    n = repeats
    if per_round > SLOW_REQUEST_S or per_round * repeats > budget_s:
        n = max(min_repeats, min(repeats, int(budget_s // per_round)))
    samples = {name: [] for name, _ in steps}
    for _ in range(n):
        for name, step in steps:
            samples[name].append(step())
    return {name: {"first_ms": round(first.get(name, 0) * 1000, 1), **summary_ms(values),
                   "capped": n < repeats} for name, values in samples.items()}, samples


def list_step(client, path, check):
    def step():
        status, data, elapsed, _ = client.request("GET", path)
        problem = check(status, data)
        if problem:
            raise RuntimeError(f"GET {path}: {problem}")
        return elapsed
    return step


def json_rows(key, expected):
    def check(status, data):
        if status != 200:
            return f"status {status}: {data[:300]!r}"
        rows = json.loads(data).get(key)
        if not isinstance(rows, list) or len(rows) != expected:
            return f"expected {expected} rows in {key!r}, got {None if rows is None else len(rows)}"
        return None
    return check


def html_with(marker):
    def check(status, data):
        if status != 200:
            return f"status {status}: {data[:300]!r}"
        if marker not in data:
            return f"no {marker!r} in the page"
        return None
    return check


def create_load(port, path, headers, make_body, *, connections, duration, seed):
    """`connections` threads POST for `duration` seconds, each on its own connection; exact per-request times."""
    barrier = threading.Barrier(connections + 1)
    results = [None] * connections
    deadline = [0.0]

    def worker(i):
        rnd = random.Random(seed * 1000 + i)
        client = Client(port, {**headers, "Content-Type": "application/json"})
        latencies, statuses, errors = [], {}, []
        barrier.wait()
        while time.monotonic() < deadline[0]:
            body = json.dumps(make_body(rnd), ensure_ascii=False).encode()
            try:
                status, data, elapsed, _ = client.request("POST", path, body=body)
            except OSError as error:
                statuses["error"] = statuses.get("error", 0) + 1
                errors.append(repr(error))
                client.close()
                continue
            statuses[status] = statuses.get(status, 0) + 1
            if status == 201:
                latencies.append(elapsed)
            elif len(errors) < 3:
                errors.append(f"{status}: {data[:300]!r}")
        results[i] = (latencies, statuses, errors, time.monotonic())
        client.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    deadline[0] = started + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    finished = max(r[3] for r in results)
    latencies = [x for r in results for x in r[0]]
    statuses = {}
    for r in results:
        for key, count in r[1].items():
            statuses[str(key)] = statuses.get(str(key), 0) + count
    errors = [e for r in results for e in r[2]][:5]
    elapsed = finished - started
    return {
        "connections": connections, "duration_s": round(elapsed, 2), "created_201": len(latencies),
        "statuses": statuses, "errors": errors,
        "requests_per_s": round(len(latencies) / elapsed, 1) if elapsed else None,
        **{k: v for k, v in summary_ms(latencies).items() if k != "n"},
    }


def body_maker(side, villages=None, queues=None):
    def ours(rnd):
        title, text = rnd.choice(CALLS)
        village = rnd.choice(villages)
        return {
            "kind": rnd.choice(["consultation", "consultation", "help", "help", "complaint", "suggestion"]),
            "channel": "phone",
            "title": title,
            "description": text.replace("{v}", village["name"]),
            "phone": f"+86139{rnd.randrange(10**8):08d}",
            "village": village["id"],
            "priority": "urgent" if rnd.random() < 0.05 else "normal",
        }

    def theirs(rnd):
        title, text = rnd.choice(CALLS)
        return {
            "queue": rnd.choice(queues),
            "title": title,
            "description": text.replace("{v}", rnd.choice(VILLAGE_WORDS)),
            "submitter_email": f"resident{rnd.randrange(10**8)}@example.cn",
            "priority": 2 if rnd.random() < 0.05 else 3,
        }

    return ours if side == "ours" else theirs


def html_rows(marker, expected):
    def check(status, data):
        if status != 200:
            return f"status {status}: {data[:300]!r}"
        rows = data.count(marker)
        if rows != expected:
            return f"expected {expected} rows ({marker!r}), got {rows}"
        return None
    return check


def created_counts(database, table, resident_table=None):
    with pg_connect(database) as conn:
        count, top = conn.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {table}").fetchone()
        resident_top = conn.execute(f"SELECT coalesce(max(id), 0) FROM {resident_table}").fetchone()[0] \
            if resident_table else None
        now = conn.execute("SELECT now()").fetchone()[0]
    return count, top, resident_top, now


def first_create(client, path, make_body, seed):
    """One POST before the load: a refused body fails here, with the server's answer."""
    status, data, _, _ = client.request("POST", path, body=json.dumps(make_body(random.Random(seed)), ensure_ascii=False)
                                        .encode(), headers={"Content-Type": "application/json"})
    if status != 201:
        raise RuntimeError(f"POST {path}: status {status} {data[:500]!r}")


def prime_workers(port, path, workers):
    """Each gunicorn worker's first request imports the URLconf and everything it names (ours: scikit-learn,
    through the routing suggestions, about 3 s): concurrent requests, so that every worker gets some, in
    rounds until a whole round is fast. Returns the rounds' slowest times."""
    slowest = []
    for _ in range(6):
        times = []

        def hit():
            times.append(Client(port).request("GET", path)[2])

        threads = [threading.Thread(target=hit) for _ in range(workers * 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        slowest.append(round(max(times), 2))
        if max(times) < 1.0:
            break
    return slowest


def measure_creation(database, table, client, port, path, headers, make_body, cfg, cleanup, resident_table=None):
    """The same load twice: `cfg.warm` seconds to warm every worker (not counted), then `cfg.duration` measured.
    `cleanup` is filled first with what identifies the rows they make (deleted afterwards, even on Ctrl-C)."""
    _, top, resident_top, since = created_counts(database, table, resident_table)
    cleanup.update({"after": top, "after_resident": resident_top, "since": since.isoformat()})
    first_create(client, path, make_body, cfg.seed)
    create_load(port, path, headers, make_body, connections=cfg.connections, duration=cfg.warm, seed=cfg.seed + 1)
    before = created_counts(database, table)[0]
    load = create_load(port, path, headers, make_body, connections=cfg.connections, duration=cfg.duration,
                       seed=cfg.seed + 2)
    after = created_counts(database, table)[0]
    load["warm_up_s"] = cfg.warm
    load["tickets_before"] = before
    load["tickets_created_in_db"] = after - before
    load["verified"] = (after - before) == load["created_201"] and set(load["statuses"]) <= {"201"}
    return load


def run_ours(cfg, database, cleanup):
    env = ours_env(database)
    out = {"database": database, "url_prefix": f"http://127.0.0.1:{PORT_OURS}", "load_average_before": load_average()}
    with gunicorn("ours", OUR_PY.parent, "hotline.wsgi:application", PORT_OURS, env, ROOT, cfg.workers):
        anonymous = Client(PORT_OURS, {"Accept": "application/json"})
        status, data, _, _ = anonymous.request(
            "POST", "/api/auth/token/", body=json.dumps({"username": OUR_USER, "password": OUR_PASSWORD}),
            headers={"Content-Type": "application/json"})
        if status != 201:
            raise RuntimeError(f"ours: token for {OUR_USER}: status {status} {data[:300]!r}")
        token = json.loads(data)["token"]
        api = Client(PORT_OURS, {"Authorization": f"Token {token}", "Accept": "application/json"})
        status, data, _, _ = api.request("GET", "/api/villages/")
        villages = [{"id": v["id"], "name": v["name"]} for v in json.loads(data)]
        session = login(PORT_OURS, "/accounts/login/", OUR_USER, OUR_PASSWORD)
        out["worker_priming_s"] = prime_workers(PORT_OURS, "/accounts/login/", cfg.workers)
        log("ours: lists")
        lists = {}
        for name, client, path, check in [
            ("api_list", api, "/api/tickets/", json_rows("results", 25)),
            ("page", session, "/tickets/", html_rows(b"data-ticket-number=", 25)),
            ("console", session, "/console/", html_with(b"<main")),
        ]:
            figures, _ = timed_sequence([(name, list_step(client, path, check))], repeats=cfg.repeats,
                                        budget_s=cfg.budget, min_repeats=cfg.min_repeats, warmups=cfg.workers)
            lists[name] = {"path": path, **figures[name]}
            log(f"ours: {name} p50 {lists[name]['p50_ms']} ms, p95 {lists[name]['p95_ms']} ms (n={lists[name]['n']})")
        out["lists"] = lists
        log(f"ours: creation, {cfg.connections} connections for {cfg.duration} s")
        out["create"] = measure_creation(
            database, "hotline_ticket", api, PORT_OURS, "/api/tickets/", {"Authorization": f"Token {token}"},
            body_maker("ours", villages=villages), cfg, cleanup, resident_table="hotline_resident")
        out["load_average_after"] = load_average()
        c = out["create"]
        log(f"ours: creation {c['requests_per_s']} req/s, p50 {c['p50_ms']} ms, p99 {c['p99_ms']} ms, "
            f"{c['created_201']} created (db: {c['tickets_created_in_db']})")
    out["token"] = token
    return out


def run_theirs(cfg, database, info, cleanup):
    env = theirs_env(database)
    out = {"database": database, "url_prefix": f"http://127.0.0.1:{PORT_THEIRS}/helpdesk",
           "load_average_before": load_average()}
    headers = {"Authorization": f"Token {info['token']}", "Accept": "application/json"}
    with gunicorn("theirs", HD_VENV / "bin", "hdbench.wsgi:application", PORT_THEIRS, env, HD_PROJECT, cfg.workers):
        api = Client(PORT_THEIRS, headers)
        session = login(PORT_THEIRS, "/helpdesk/login/", HD_USER, HD_PASSWORD)
        out["worker_priming_s"] = prime_workers(PORT_THEIRS, "/helpdesk/login/", cfg.workers)
        status, data, _, _ = session.request("GET", "/helpdesk/tickets/")
        match = re.search(rb'["\'](/helpdesk/datatables_ticket_list/[^"\']*)["\']', data)
        if status != 200 or not match:
            raise RuntimeError(f"theirs: no datatables URL in /helpdesk/tickets/ (status {status})")
        # what the page's DataTables sends: draw, start, length (its page length, 25), an empty search
        data_path = match.group(1).decode() + "?" + urllib.parse.urlencode(
            {"draw": 1, "start": 0, "length": 25, "search[value]": "", "search[regex]": "false"})
        out["datatables_path"] = data_path
        data_rows = min(25, info["open_tickets"])
        log("theirs: lists")
        lists = {}
        figures, _ = timed_sequence(
            [("api_list", list_step(api, "/helpdesk/api/tickets/", json_rows("results", 25)))],
            repeats=cfg.repeats, budget_s=cfg.budget, min_repeats=cfg.min_repeats, warmups=cfg.workers)
        lists["api_list"] = {"path": "/helpdesk/api/tickets/", **figures["api_list"]}
        log(f"theirs: api_list p50 {lists['api_list']['p50_ms']} ms (n={lists['api_list']['n']})")
        figures, samples = timed_sequence(
            [("page", list_step(session, "/helpdesk/tickets/", html_with(b'id="ticketTable"'))),
             ("data", list_step(session, data_path, json_rows("data", data_rows)))],
            repeats=cfg.repeats, budget_s=cfg.budget, min_repeats=cfg.min_repeats, warmups=cfg.workers)
        lists["page"] = {"path": "/helpdesk/tickets/", **figures["page"]}
        lists["data"] = {"path": data_path, **figures["data"]}
        both = [a + b for a, b in zip(samples["page"], samples["data"])]
        lists["page_plus_data"] = {"path": "page, then its datatables request", **summary_ms(both),
                                   "first_ms": round(figures["page"]["first_ms"] + figures["data"]["first_ms"], 1)}
        for name in ("page", "data", "page_plus_data"):
            log(f"theirs: {name} p50 {lists[name]['p50_ms']} ms, p95 {lists[name]['p95_ms']} ms (n={lists[name]['n']})")
        out["lists"] = lists
        log(f"theirs: creation, {cfg.connections} connections for {cfg.duration} s")
        out["create"] = measure_creation(
            database, "helpdesk_ticket", api, PORT_THEIRS, "/helpdesk/api/tickets/", headers,
            body_maker("theirs", queues=info["queues"]), cfg, cleanup)
        out["load_average_after"] = load_average()
        c = out["create"]
        log(f"theirs: creation {c['requests_per_s']} req/s, p50 {c['p50_ms']} ms, p99 {c['p99_ms']} ms, "
            f"{c['created_201']} created (db: {c['tickets_created_in_db']})")
    return out


def load_average():
    """The machine's load (1, 5, 15 min) when a side starts and ends: the two sides run minutes apart, and on a
    shared 2-core machine what else runs matters more than anything measured here."""
    return [round(x, 2) for x in os.getloadavg()]


def ratio(theirs, ours):
    if not theirs or not ours:
        return None
    return round(theirs / ours, 1)


def compare(ours, theirs):
    lists = {
        "api_list": ("api_list", "api_list"),
        "staff_page": ("page", "page_plus_data"),
    }
    out = {}
    for name, (o, t) in lists.items():
        out[name] = {
            "ours": f"{ours['lists'][o]['path']}",
            "theirs": f"{theirs['lists'][t]['path']}",
            "p50_ratio": ratio(theirs["lists"][t]["p50_ms"], ours["lists"][o]["p50_ms"]),
            "p95_ratio": ratio(theirs["lists"][t]["p95_ms"], ours["lists"][o]["p95_ms"]),
        }
        out[name]["goal_met"] = bool(out[name]["p50_ratio"] and out[name]["p50_ratio"] >= GOALS["list_latency_ratio"])
    c_ours, c_theirs = ours["create"]["requests_per_s"], theirs["create"]["requests_per_s"]
    out["create"] = {
        "throughput_ratio": round(c_ours / c_theirs, 2) if c_ours and c_theirs else None,
        "p50_latency_ratio": ratio(theirs["create"]["p50_ms"], ours["create"]["p50_ms"]),
        "p99_latency_ratio": ratio(theirs["create"]["p99_ms"], ours["create"]["p99_ms"]),
    }
    out["create"]["goal_met"] = bool(out["create"]["throughput_ratio"]
                                     and out["create"]["throughput_ratio"] >= GOALS["create_throughput_ratio"])
    return out


def goal_rows(ours, theirs, ratios, tickets):
    o, t = ours["lists"], theirs["lists"]
    api, page, create = ratios["api_list"], ratios["staff_page"], ratios["create"]
    return [
        {"goal": f"ticket list through the API >= 10x django-helpdesk's (p50, {tickets:,} tickets each)",
         "figure": f"ours {o['api_list']['p50_ms']} ms, theirs {t['api_list']['p50_ms']} ms: {api['p50_ratio']}x "
                   f"(p95 {api['p95_ratio']}x)",
         "met": api["goal_met"]},
        {"goal": f"staff ticket list page >= 10x django-helpdesk's (p50; theirs = page + its datatables request, "
                 f"{tickets:,} tickets each)",
         "figure": f"ours {o['page']['p50_ms']} ms, theirs {t['page_plus_data']['p50_ms']} ms: {page['p50_ratio']}x "
                   f"(p95 {page['p95_ratio']}x)",
         "met": page["goal_met"]},
        {"goal": "ticket creation through the API >= 3x django-helpdesk's throughput",
         "figure": f"ours {ours['create']['requests_per_s']} req/s, theirs {theirs['create']['requests_per_s']} req/s: "
                   f"{create['throughput_ratio']}x",
         "met": create["goal_met"]},
    ]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 tickets each, shorter runs")
    parser.add_argument("--tickets", type=int, help="tickets in each system (default 100,000; quick 10,000)")
    parser.add_argument("--out", help="result name (bench/results/NAME.json); default helpdesk_compare[_quick]")
    parser.add_argument("--duration", type=float, help="seconds of creation load (default 10; quick 5)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent creation clients (default 8)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers, both systems (default 3)")
    parser.add_argument("--repeat", dest="repeats", type=int, help="list requests after warm-up (default 30; quick 10)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--db-ours", help="our database (default hotline_helpdesk, or hotline_helpdesk_<N>)")
    parser.add_argument("--db-theirs", help="their database (default helpdesk_bench, or helpdesk_bench_<N>)")
    parser.add_argument("--no-query-counts", action="store_true", help="skip the in-process query counts")
    cfg = parser.parse_args(argv)
    cfg.tickets = cfg.tickets or (10_000 if cfg.quick else 100_000)
    cfg.duration = cfg.duration or (5.0 if cfg.quick else 10.0)
    cfg.warm = 2.0 if cfg.quick else 3.0  # seconds of the same creation load first, not counted
    cfg.repeats = cfg.repeats or (10 if cfg.quick else 30)
    cfg.budget = 30.0 if cfg.quick else 120.0  # seconds of measured requests per list when one is slow
    cfg.min_repeats = 2 if cfg.quick else 3
    cfg.out = cfg.out or ("helpdesk_compare_quick" if cfg.quick else "helpdesk_compare")
    suffix = "" if cfg.tickets == 100_000 else f"_{cfg.tickets}"
    cfg.db_ours = cfg.db_ours or f"hotline_helpdesk{suffix}"
    cfg.db_theirs = cfg.db_theirs or f"helpdesk_bench{suffix}"
    return cfg


def main(argv):
    cfg = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    started = time.monotonic()
    info = setup_theirs(cfg.db_theirs, cfg.tickets, cfg.seed)
    ours_setup = setup_ours(cfg.db_ours, cfg.tickets)
    ours_cleanup, theirs_cleanup = {}, {}
    try:
        ours = run_ours(cfg, cfg.db_ours, ours_cleanup)
    finally:
        if ours_cleanup:
            done = tool("ours", "cleanup", ours_env(cfg.db_ours), **ours_cleanup)
            log(f"ours: creation run's rows deleted, {done['tickets']:,} tickets again")
    try:
        theirs = run_theirs(cfg, cfg.db_theirs, info, theirs_cleanup)
    finally:
        if theirs_cleanup:
            done = tool("theirs", "cleanup", theirs_env(cfg.db_theirs), **theirs_cleanup)
            log(f"theirs: creation run's rows deleted, {done['tickets']:,} tickets again")

    explained = []
    if not cfg.no_query_counts:
        log("query counts (in process, servers stopped)")
        slow = [n for n, f in ours["lists"].items() if f["p95_ms"] and f["p95_ms"] > LIST_GOAL_P95_MS]
        ours["queries"] = tool("ours", "queries", ours_env(cfg.db_ours), username=OUR_USER, token=ours["token"],
                               explain=slow, cases=[
                                   {"name": "api_list", "url": "/api/tickets/", "auth": "token"},
                                   {"name": "page", "url": "/tickets/", "auth": "session"},
                                   {"name": "console", "url": "/console/", "auth": "session"},
                               ])
        for name, entry in ours["queries"].items():
            if "explain" in entry:
                path = RESULTS / f"{cfg.out}.{name}.explain.txt"
                path.write_text(f"-- ours {name} ({ours['lists'][name]['path']}), slowest query, "
                                f"{entry['slowest'][0]['ms']} ms\n{entry.pop('explain_sql')}\n\n{entry.pop('explain')}\n")
                explained.append(str(path.relative_to(ROOT)))
        theirs["queries"] = tool("theirs", "queries", theirs_env(cfg.db_theirs), username=HD_USER,
                                 token=info["token"], cases=[
                                     {"name": "api_list", "url": "/helpdesk/api/tickets/", "auth": "token"},
                                     {"name": "page", "url": "/helpdesk/tickets/", "auth": "session"},
                                     {"name": "data", "url": theirs["datatables_path"], "auth": "session"},
                                 ])
    ours.pop("token", None)
    ratios = compare(ours, theirs)
    their_versions = versions_theirs()
    goals = goal_rows(ours, theirs, ratios, cfg.tickets)
    document = {
        "scenario": "helpdesk_compare",
        "issue": "9e: side by side with django-helpdesk 2.6.1",
        "goal": "ours >= 10x django-helpdesk on list latency (p50 of the API list and of the staff list page) "
                "and >= 3x on ticket-creation throughput through the API",
        "goal_met": all(r["goal_met"] for r in ratios.values()),
        "met": all(r["goal_met"] for r in ratios.values()),
        "goals": goals,  # one row per goal, as bench/run_all.py reads them
        "mode": "quick" if cfg.quick else "full",
        "tickets_each": cfg.tickets,
        "versions": {
            "django_helpdesk": their_versions.get("django-helpdesk"),
            "theirs": their_versions,
            "ours": {"hotline": "this repository at machine.commit", **versions_ours()},
        },
        "servers": {
            "gunicorn": f"{cfg.workers} sync workers each (--worker-class sync --timeout 900 "
                        f"{' '.join(GUNICORN_TMP)} --no-control-socket), one system at a time, 127.0.0.1",
            "database": f"PostgreSQL {PG['host']}:{PG['port']}, ours {cfg.db_ours}, theirs {cfg.db_theirs}; "
                        "persistent connections (CONN_MAX_AGE 60) on both",
            "ours_env": "DEBUG off, Redis db 7 (cache, channel layer, throttles), plain HTTP on loopback, "
                        "API throttle raised, SMS rows queued for a task worker that is not running",
            "theirs_env": "DEBUG off, DRF token + session auth, e-mail to the dummy backend, default helpdesk settings "
                          "but teams mode off; the server's JIT setting (ours turns JIT off for its connections)",
        },
        "client": {
            "lists": f"workers primed (concurrent GETs of the login page until fast), then per list one "
                     f"connection, sequential GETs, {cfg.workers} warm-up requests (fewer once one takes 2 s), "
                     f"then up to {cfg.repeats}; fewer (at least {cfg.min_repeats}) when they would take over "
                     f"{cfg.budget:.0f} s (capped: true)",
            "create": f"{cfg.connections} Python threads, one http.client connection each, {cfg.duration:.0f} s, "
                      f"after {cfg.warm:.0f} s of the same load not counted",
            "auth": "API: Authorization: Token (both); pages: a session from each login page",
        },
        "setup": {"ours": ours_setup, "theirs": {k: v for k, v in info.items() if k != "token"}},
        "ours": ours,
        "theirs": theirs,
        "ratios": ratios,
        "explain_files": explained,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    write_result(cfg.out, document)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--tool":
        tool_main(sys.argv[2:])
    else:
        try:
            sys.exit(main(sys.argv[1:]))
        except KeyboardInterrupt:
            log("interrupted: servers stopped, the creation runs' rows deleted")
            sys.exit(130)
