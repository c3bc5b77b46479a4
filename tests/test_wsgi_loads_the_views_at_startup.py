"""The WSGI application imports every view when it is loaded, not on the first request.

A gunicorn worker imports hotline.wsgi before it accepts connections: loading the URLconf there takes
the seconds of imports (DRF, the routing classifier, …) out of the first request after a deploy, a reload
or a worker recycle, which could be a resident's SMS webhook (docs/deploy.md). Nothing in it may open a
database connection (a preloaded master's connection would be shared by the workers it forks).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import sys, hotline.wsgi; "
    "print(','.join(m for m in ('hotline.urls', 'hotline.intake.sms', 'dashboards.views.console', 'api.views.tickets') "
    "if m in sys.modules)); "
    "from django.db import connection; print(connection.connection is None)"
)


def test_loading_the_wsgi_application_imports_the_views(tmp_path):
    env = {"PATH": os.environ["PATH"], "SQLITE_PATH": str(tmp_path / "h.sqlite3")}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    *_, loaded, no_connection = out.stdout.strip().splitlines()
    assert loaded.split(",") == ["hotline.urls", "hotline.intake.sms", "dashboards.views.console", "api.views.tickets"]
    # nothing opened a database connection: with GUNICORN_PRELOAD the workers would share the master's
    assert no_connection == "True"
