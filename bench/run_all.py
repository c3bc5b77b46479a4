"""`make bench`: every scenario of issue 9, one after the other, and a table of figures against goals.

    .venv/bin/python bench/run_all.py [--quick] [--only a b …]

- (b) lists and (d) KPIs read a big PostgreSQL database: BENCH_DATABASE_URL, by default
  hotline_bench with 1,000,000 tickets (`--quick`: hotline_bench_quick with 50,000), made by
  `manage.py gen_load --if-missing` the first time (about 4 minutes for a million), reused after;
- (a) webhook, (c) fan-out and (e) django-helpdesk start their own servers and databases (see each
  script's docstring).

PostgreSQL and Redis are started when they are not running, as .ci/run does. Each scenario writes
bench/results/<scenario>.json; this script adds bench/results/summary.json (goal by goal) and prints
it as a table. The scenarios run one at a time on purpose: two loads on 2 cores would measure each
other. Not part of CI (timings are not tests).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, ROOT, machine  # noqa: E402

PY = sys.executable
FULL_TICKETS, QUICK_TICKETS = 1_000_000, 50_000

# letter -> (result name, script, arguments for a full run, for a quick run, whether it reads the big database)
SCENARIOS = {
    "b": ("list_latency", "bench/list_latency.py", [], ["--quick"], True),
    "d": ("kpi_timings_bench", "bench/kpi_timings.py", ["--repeat", "3"], ["--repeat", "2", "--no-explain"], True),
    "a": ("webhook_load", "bench/webhook_load.py", [], ["--quick"], False),
    "c": ("fanout", "bench/fanout.py", [], ["--quick"], False),
    "e": ("helpdesk_compare", "bench/helpdesk_compare.py", [], ["--quick"], False),
}


def ensure_services():
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode != 0:
        versions = sorted(os.listdir("/etc/postgresql"))
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=True)
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True).returncode != 0:
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
                        "--save", "", "--appendonly", "no"], check=True)
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not start")


def ensure_database(url, tickets):
    """Create the database if missing, migrate it, and fill it with `tickets` tickets once."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    host, port, user = parts.hostname or "127.0.0.1", str(parts.port or 5432), parts.username or "postgres"
    exists = subprocess.run(
        ["psql", "-h", host, "-p", port, "-U", user, "-d", "postgres", "-Atc",
         f"SELECT 1 FROM pg_database WHERE datname = '{name}'"], capture_output=True, text=True, check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", host, "-p", port, "-U", user, name], check=True)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "gen_load", "--tickets", str(tickets), "--if-missing", "--with-debug-off"],
                   cwd=ROOT, env=env, check=True)


def goals(results):
    """One row per goal of issue 9: (goal, figure, met) from the scenarios' JSON."""
    rows = []

    def add(goal, figure, met):
        rows.append({"goal": goal, "figure": figure, "met": met})

    for letter, data in results.items():
        if data is None:
            add(f"({letter}) {SCENARIOS[letter][0]}", "did not run or failed", False)
            continue
        if isinstance(data.get("goals"), list):  # a scenario that states its goals one by one
            for goal in data["goals"]:
                add(f"({letter}) {goal.get('goal')}", goal.get("figure"), goal.get("met"))
        else:
            add(f"({letter}) {data.get('goal', SCENARIOS[letter][0])}", data.get("figure") or _figure(letter, data),
                data.get("met"))
    return rows


def _figure(letter, data):
    if letter == "b":
        worst = max(data.get("cases", []), key=lambda c: c.get("p95_ms") or 0, default=None)
        return worst and f"worst p95 {worst['p95_ms']} ms ({worst['case']}), {data['tickets']:,} tickets"
    if letter == "d":
        return ", ".join(f"{c['name']} {c['warm']:.2f} s" for c in data.get("cases", [])
                         if c.get("available") and c["name"] in ("kpi_unit_table_month", "work_summary_year"))
    return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a laptop-sized run: 50,000 tickets, short loads")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS), help="scenario letters (default: all)")
    parser.add_argument("--summary-only", action="store_true", help="only rebuild the summary from the results there are")
    args = parser.parse_args()
    if args.summary_only:
        args.only = []
    if shutil.which("wrk") is None and not args.summary_only:
        raise SystemExit("wrk is missing: run scripts/install-bench-tools.sh (make bench does)")
    if not args.summary_only:
        ensure_services()
    tickets = QUICK_TICKETS if args.quick else FULL_TICKETS
    default_db = "hotline_bench_quick" if args.quick else "hotline_bench"
    url = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_db}")
    letters = list(SCENARIOS) if args.only is None else args.only
    if any(SCENARIOS[letter][4] for letter in letters):
        ensure_database(url, tickets)
    suffix = "_quick" if args.quick else ""
    results, started = {}, time.monotonic()
    for letter in letters:
        name, script, full, quick, big = SCENARIOS[letter]
        out = name + suffix
        env = {**os.environ, **({"DATABASE_URL": url} if big else {})}
        print(f"\n=== ({letter}) {script} {' '.join(quick if args.quick else full)} → bench/results/{out}.json", flush=True)
        done = subprocess.run([PY, script, *(quick if args.quick else full), "--out", out], cwd=ROOT, env=env)
        path = RESULTS / f"{out}.json"
        results[letter] = json.loads(path.read_text()) if done.returncode == 0 and path.exists() else None
    for letter, (name, *_rest) in SCENARIOS.items():  # the table covers every scenario: earlier runs' results too
        path = RESULTS / f"{name}{suffix}.json"
        if letter not in results and path.exists():
            results[letter] = json.loads(path.read_text())
    rows = goals(dict(sorted(results.items(), key=lambda item: list(SCENARIOS).index(item[0]))))
    summary = {"machine": machine(), "quick": args.quick, "minutes": round((time.monotonic() - started) / 60, 1),
               "goals": rows}
    (RESULTS / f"summary{suffix}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    print("\n| goal | figure | met |\n| --- | --- | --- |")
    for row in rows:
        print(f"| {row['goal']} | {row['figure']} | {'yes' if row['met'] else 'NO'} |")
    print(f"\nbench/results/summary{suffix}.json written ({summary['minutes']} min)")
    return 0 if all(results[letter] for letter in letters) else 1


if __name__ == "__main__":
    sys.exit(main())
