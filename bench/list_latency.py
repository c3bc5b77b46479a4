"""Scenario (b) of issue 9: the operator's queues, the liaison's queue and the tickets API on a big database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \\
        .venv/bin/python bench/list_latency.py [--repeat 20] [--quick] [--only NAME ...] [--out list_latency]

Every case is a whole request through Django's test Client, logged in as the demo's `operator`,
`supervisor` or a liaison (session login; the API with the same session): middleware, access rule,
queries, template or serializer, without a network or a server (scenario (a) measures the server).
Each case runs once to warm up, then `--repeat` times: p50/p95/max in ms and the number of SQL queries.
A list must cost the same number of queries whatever its size: every list case also runs with another
page (`page=2`) and the counts are compared (`constant_queries`).

Goal (issue 9): p95 < 100 ms at 1,000,000 tickets, with a constant query count.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.common import summary_ms, write_result  # noqa: E402
from django.db.models import Count  # noqa: E402

from hotline.models import Assignment, Ticket  # noqa: E402

GOAL_P95_MS = 100


def cases(liaison):
    """(name, user, path): the pages and endpoints people open all day."""
    operator, supervisor = "operator", "supervisor"
    queues = ["new", "returned", "return_undisputed", "review", "rating", "unsatisfied"]
    out = [
        ("console page (operator)", operator, "/console/"),
        *[(f"console queue {q} (operator)", operator, f"/console/queue/{q}/") for q in queues],
        ("ticket list, all (operator)", operator, "/tickets/"),
        ("ticket list, open (operator)", operator, "/tickets/?queue=open"),
        ("ticket list, search text (operator)", operator, "/tickets/?q=路灯"),
        ("ticket list, search number (operator)", operator, "/tickets/?q=" + _some_number()),
        ("ticket list, all (supervisor)", supervisor, "/tickets/"),
        ("supervisor dashboard", supervisor, "/supervisor/"),
        (f"liaison dashboard ({liaison})", liaison, "/unit/"),
        (f"liaison queue ({liaison})", liaison, "/unit/queue/"),
        (f"ticket list ({liaison})", liaison, "/tickets/"),
        ("API tickets (operator)", operator, "/api/tickets/"),
        ("API tickets, open (operator)", operator, "/api/tickets/?status=dispatched"),
        ("API tickets (supervisor)", supervisor, "/api/tickets/"),
        (f"API tickets ({liaison})", liaison, "/api/tickets/"),
    ]
    return out


def _some_number():
    return Ticket.objects.order_by("-pk").values_list("number", flat=True)[500:501].get()


def busiest_liaison():
    """The liaison of the unit with the most rounds: the worst case for a unit's queue."""
    unit_id = (Assignment.objects.values("unit_id").annotate(n=Count("pk")).order_by("-n")
               .values_list("unit_id", flat=True).first())
    staff = get_user_model().objects.filter(staff__unit_id=unit_id, groups__name="unit_liaison").order_by("pk").first()
    return staff.username if staff else "jt_liaison"


def client_for(username):
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def run_case(client, path, repeat):
    seconds, queries, status = [], None, None
    for n in range(repeat + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        status = response.status_code
        if n:  # the first run warms up
            seconds.append(elapsed)
        queries = len(captured)
    slowest = max(captured.captured_queries, key=lambda q: float(q.get("time") or 0), default=None)
    return status, seconds, queries, slowest


def with_page(path, page):
    return path + ("&" if "?" in path else "?") + f"page={page}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="5 repeats")
    parser.add_argument("--only", nargs="*", help="cases whose name contains one of these")
    parser.add_argument("--out", default="list_latency")
    args = parser.parse_args()
    repeat = 5 if args.quick else args.repeat

    setup_test_environment()  # the test Client needs it; it also switches DEBUG off as in production
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.DEBUG = False
    tickets = Ticket.objects.count()
    liaison = busiest_liaison()
    clients = {}
    rows = []
    for name, user, path in cases(liaison):
        if args.only and not any(word in name for word in args.only):
            continue
        client = clients.get(user) or clients.setdefault(user, client_for(user))
        status, seconds, queries, slowest = run_case(client, path, repeat)
        _s2, _sec2, queries_page2, _sl2 = run_case(client, with_page(path, 2), 1)
        summary = summary_ms(seconds)
        row = {
            "case": name, "user": user, "path": path, "status": status, **summary, "queries": queries,
            "queries_page_2": queries_page2, "constant_queries": queries == queries_page2,
            "met": status == 200 and summary["p95_ms"] < GOAL_P95_MS and queries == queries_page2,
            "slowest_query_ms": round(float(slowest["time"]) * 1000, 1) if slowest else None,
            "slowest_query": (slowest["sql"][:600] if slowest else None),
        }
        rows.append(row)
        print(f"{name:<42} {status} p50 {summary['p50_ms']:8.1f} p95 {summary['p95_ms']:8.1f} ms "
              f"queries {queries:3} / {queries_page2:3}  {'met' if row['met'] else 'MISSED'}", file=sys.stderr, flush=True)
    write_result(args.out, {
        "scenario": "b: operator queue, liaison queue and tickets API (in-process, Django test Client)",
        "database": connection.vendor, "tickets": tickets, "repeat": repeat,
        "goal": f"p95 < {GOAL_P95_MS} ms at 1,000,000 tickets, constant query count",
        "met": all(r["met"] for r in rows),
        "median_of_p95_ms": round(statistics.median(r["p95_ms"] for r in rows), 1) if rows else None,
        "cases": rows,
    })


if __name__ == "__main__":
    main()
