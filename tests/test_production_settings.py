"""Production settings (issue 10, point 1): `manage.py check --deploy` is silent with a production environment;
the app refuses to start with the public development key or with DEBUG on and a public host; secrets can
come from files (SECRET_KEY_FILE …); cookies are Secure and HttpOnly, HSTS is sent, plain http is
redirected, and X-Forwarded-Proto is trusted only behind a declared proxy. Each case runs the settings in a
clean subprocess, as tests/test_settings_from_env.py does."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "hotline.example.gov.cn"


def production(**extra):
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "BEHIND_HTTPS_PROXY": "true",
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        **extra,
    }


def run(args, env, tmp_path):
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hotline.settings",
             "SQLITE_PATH": str(tmp_path / "h.sqlite3"), **env}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({name: "
    "getattr(s, name, None) for name in ['DEBUG', 'SECRET_KEY', 'TWILIO_AUTH_TOKEN', 'TWILIO_WEBHOOK_SHARED_KEY', "
    "'REDIS_URL', 'SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', "
    "'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', "
    "'SECURE_CROSS_ORIGIN_OPENER_POLICY', 'SECURE_CONTENT_TYPE_NOSNIFF']} | "
    "{'DB_PASSWORD': s.DATABASES['default'].get('PASSWORD')}))"
)


def settings_with(env, tmp_path):
    out = run(["-c", PROBE], env, tmp_path)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def refused(env, tmp_path):
    out = run(["-c", "import django; django.setup()"], env, tmp_path)
    assert out.returncode != 0 and "ImproperlyConfigured" in out.stderr, out.stderr
    return out.stderr.strip().splitlines()[-1]


def test_check_deploy_reports_nothing_in_production(tmp_path):
    out = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production(), tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "System check identified no issues (0 silenced).", out.stdout
    assert "WARNING" not in out.stderr and "security." not in out.stderr, out.stderr


def test_check_deploy_still_warns_about_the_embedded_default(tmp_path):
    # the check works: the development settings are not fit for deployment, and it says so
    out = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {}, tmp_path)
    assert out.returncode != 0 and "security.W018" in out.stderr  # DEBUG on


def test_production_refuses_the_development_secret_key(tmp_path):
    env = production()
    del env["SECRET_KEY"]
    assert "SECRET_KEY" in refused(env, tmp_path)
    assert "SECRET_KEY" in refused({**env, "SECRET_KEY": "dev-only-insecure-key-change-me"}, tmp_path)
    del env["TWILIO_AUTH_TOKEN"]
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    assert "TWILIO_AUTH_TOKEN" in refused(env, tmp_path)


def test_debug_on_with_a_public_host_is_refused(tmp_path):
    for hosts in (HOST, "localhost,hotline.example.gov.cn", "*", "10.0.0.5"):
        message = refused({"DEBUG": "true", "ALLOWED_HOSTS": hosts}, tmp_path)
        assert "DEBUG" in message and "ALLOWED_HOSTS" in message
    # a developer's machine or a name on the local network is fine
    s = settings_with({"DEBUG": "true", "ALLOWED_HOSTS": "localhost,127.0.0.1,::1,[::1],testserver,hotline.local"},
                      tmp_path)
    assert s["DEBUG"] is True


def test_secrets_can_come_from_files(tmp_path):
    key, token, shared = secrets.token_urlsafe(50), secrets.token_hex(16), secrets.token_hex(8)
    files = {}
    for name, value in (("key", key), ("token", token), ("shared", shared),
                        ("db", "postgres://hotline:pw-from-file@db.internal:5432/hotline"),
                        ("redis", "redis://:redis-pw@cache.internal:6379/0")):
        files[name] = tmp_path / name
        files[name].write_text(value + "\n", encoding="utf-8")  # as `echo … > file` writes it
    env = production(SECRET_KEY_FILE=str(files["key"]), TWILIO_AUTH_TOKEN_FILE=str(files["token"]),
                     TWILIO_WEBHOOK_SHARED_KEY_FILE=str(files["shared"]), DATABASE_URL_FILE=str(files["db"]),
                     REDIS_URL_FILE=str(files["redis"]))
    del env["TWILIO_AUTH_TOKEN"]  # the file alone is enough; the file wins over SECRET_KEY in the env
    s = settings_with(env, tmp_path)
    assert (s["SECRET_KEY"], s["TWILIO_AUTH_TOKEN"], s["TWILIO_WEBHOOK_SHARED_KEY"]) == (key, token, shared)
    assert s["DB_PASSWORD"] == "pw-from-file" and s["REDIS_URL"] == "redis://:redis-pw@cache.internal:6379/0"

    # a missing file is a clear error, not a silent fall back to the development key
    message = refused({**production(), "SECRET_KEY_FILE": str(tmp_path / "nowhere")}, tmp_path)
    assert "SECRET_KEY_FILE" in message and "nowhere" in message


def test_production_cookies_and_headers(tmp_path):
    s = settings_with(production(), tmp_path)
    assert s["SESSION_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["CSRF_COOKIE_SECURE"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert (s["X_FRAME_OPTIONS"], s["SECURE_REFERRER_POLICY"], s["SECURE_CROSS_ORIGIN_OPENER_POLICY"]) == (
        "DENY", "same-origin", "same-origin")
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"]
    # each can be turned off from the environment (e.g. HSTS preload, not wanted for a sub-domain)
    s = settings_with(production(SECURE_HSTS_PRELOAD="false", SECURE_HSTS_SECONDS="3600"), tmp_path)
    assert s["SECURE_HSTS_PRELOAD"] is False and s["SECURE_HSTS_SECONDS"] == 3600


def test_forwarded_proto_is_trusted_only_behind_a_declared_proxy(tmp_path):
    env = production()
    del env["BEHIND_HTTPS_PROXY"]
    assert settings_with(env, tmp_path)["SECURE_PROXY_SSL_HEADER"] is None
    assert settings_with({**env, "TRUSTED_PROXY_COUNT": "1"}, tmp_path)["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO", "https"]
    assert settings_with({**env, "TRUSTED_PROXY_COUNT": "1", "BEHIND_HTTPS_PROXY": "false"},
                         tmp_path)["SECURE_PROXY_SSL_HEADER"] is None


RESPONSES = """
import django, json; django.setup()
from django.test import Client
c = Client(HTTP_HOST="%s")
plain = c.get("/api/docs/")
secure = c.get("/api/docs/?script=", headers={"X-Forwarded-Proto": "https"})
print(json.dumps({"plain": [plain.status_code, plain.get("Location")], "secure": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security"), "csp": secure.get("Content-Security-Policy"),
    "frame": secure.get("X-Frame-Options"), "referrer": secure.get("Referrer-Policy"),
    "coop": secure.get("Cross-Origin-Opener-Policy"), "nosniff": secure.get("X-Content-Type-Options"),
    "csrf": secure.cookies["csrftoken"].output()}))
""" % HOST


def test_responses_in_production(tmp_path):
    out = run(["-c", RESPONSES], production(), tmp_path)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["plain"] == [301, f"https://{HOST}/api/docs/"]  # http is redirected to https
    assert got["secure"] == 200
    assert got["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert (got["frame"], got["referrer"], got["coop"], got["nosniff"]) == ("DENY", "same-origin", "same-origin", "nosniff")
    assert "default-src 'self'" in got["csp"] and "frame-ancestors 'none'" in got["csp"]
    cookie = got["csrf"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_the_embedded_default_serves_plain_http(tmp_path):
    s = settings_with({}, tmp_path)
    assert s["DEBUG"] is True and not s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] == 0
    assert not s["SESSION_COOKIE_SECURE"] and not s["CSRF_COOKIE_SECURE"]  # the cookies work over http://127.0.0.1
    assert s["SECURE_PROXY_SSL_HEADER"] is None
