"""One settings module: the embedded default with no environment, production from env only."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'opts': s.DATABASES['default'].get('OPTIONS', {}), 'layer': s.CHANNEL_LAYERS['default']['BACKEND'], "
    "'tasks': s.TASKS['default']['BACKEND'], 'sms': s.SMS_BACKEND, 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS, 'secret': s.SECRET_KEY, 'asgi': s.ASGI_APPLICATION, 'tz': s.TIME_ZONE, "
    "'lang': s.LANGUAGE_CODE}))"
)


def run_probe(env, tmp_path):
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hotline.settings",
             "SQLITE_PATH": str(tmp_path / "h.sqlite3"), **env}
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)


def settings_with(env, tmp_path):
    out = run_probe(env, tmp_path)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_environment_means_the_embedded_default(tmp_path):
    s = settings_with({}, tmp_path)
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["opts"]["transaction_mode"] == "IMMEDIATE" and "journal_mode=WAL" in s["opts"]["init_command"]
    assert s["layer"] == "channels.layers.InMemoryChannelLayer"
    assert s["tasks"] == "django_tasks_db.DatabaseBackend"
    assert s["sms"] == "console"
    assert s["asgi"] == "hotline.asgi.application"
    assert s["tz"] == "Asia/Shanghai" and s["lang"] == "zh-hans"


def test_production_comes_from_the_environment(tmp_path):
    s = settings_with(
        {
            "DATABASE_URL": "postgres://hotline:pw@db.internal:5432/hotline",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "SECRET_KEY": "s3cret-from-env",
            "TWILIO_AUTH_TOKEN": "token-from-env",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "rexian.example.gov.cn",
        },
        tmp_path,
    )
    assert s["db"] == "django.db.backends.postgresql" and s["name"] == "hotline"
    assert s["layer"] == "channels_redis.core.RedisChannelLayer"
    assert s["secret"] == "s3cret-from-env" and s["debug"] is False
    assert s["hosts"] == ["rexian.example.gov.cn"]


def test_production_refuses_the_public_development_secrets(tmp_path):
    base = {"DEBUG": "false", "SECRET_KEY": "s3cret-from-env", "TWILIO_AUTH_TOKEN": "token-from-env"}
    for missing, named in (("SECRET_KEY", "SECRET_KEY"), ("TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN")):
        env = {k: v for k, v in base.items() if k != missing}
        out = run_probe(env, tmp_path)
        assert out.returncode != 0 and "ImproperlyConfigured" in out.stderr and named in out.stderr
