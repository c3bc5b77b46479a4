#!/usr/bin/env bash
# Start daphne, the django-tasks-db worker and the scheduler; stop all of them on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${VENV:-.venv}/bin/python"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$PY" -m daphne -b "$HOST" -p "$PORT" hotline.asgi:application & pids+=($!)
"$PY" manage.py db_worker --queue-name '*' --no-reload & pids+=($!)
"$PY" manage.py run_scheduler & pids+=($!)
echo "办实事热线 running on http://$HOST:$PORT/ (admin at /admin/). Ctrl-C stops."
# exit (and stop the others) as soon as any one of them dies
wait -n
