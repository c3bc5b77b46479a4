"""Time the KPI table, the ranking and the work summary against a big PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \\
        .venv/bin/python bench/kpi_timings.py [--month 2026-10] [--year 2025] [--repeat 5] [--only NAME ...]

Each case runs `--repeat` times in this process: the first run is reported as "first" (a fresh
connection and cold Python-side caches; the database's own buffers and the OS page cache are
whatever earlier work left, see docs/performance.md) and the median of the others as "warm".
The number of SQL queries of a run is counted with CaptureQueriesContext. The slowest query of
each case is run once more under EXPLAIN (ANALYZE, BUFFERS) and written to
bench/results/<case>.explain.txt; the table goes to bench/results/kpi_timings.txt.

A module, function or page that does not exist (yet) is reported as "not available", not an error.
"""

import argparse
import datetime as dt
import importlib
import os
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_SECONDS = 2.0
GOAL_CASES = ("kpi_unit_table_month", "work_summary_year")  # issue 9 (d): the figures with a goal


class NotAvailable(Exception):
    pass


def _module(name):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            raise NotAvailable(f"{name} not present")
        raise


def _function(module_name, attribute):
    module = _module(module_name)
    if not hasattr(module, attribute):
        raise NotAvailable(f"{module_name}.{attribute} not present")
    return getattr(module, attribute)


def _local_midnight(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_default_timezone())


def month_period(month):
    first = month.replace(day=1)
    return _local_midnight(first), _local_midnight((first + dt.timedelta(days=32)).replace(day=1))


def year_period(year):
    return _local_midnight(dt.date(year, 1, 1)), _local_midnight(dt.date(year + 1, 1, 1))


def cases(month, year):
    """(name, description, callable building the run) — building may raise NotAvailable."""
    m_start, m_end = month_period(month)
    y_start, y_end = year_period(year)
    month_text, year_text = month.strftime("%Y-%m"), str(year)

    def kpi(attribute, **kwargs):
        def build():
            function = _function("hotline.kpis", attribute)
            return lambda: function(**kwargs)
        return build

    def ranking_monthly():
        function = _function("hotline.ranking", "monthly")
        return lambda: function(month=month.replace(day=1))

    def summary():
        function = _function("hotline.work_summary", "summary")
        return lambda: function(start=y_start, end=y_end)

    def summary_docx_bytes():
        work_summary = _module("hotline.work_summary")
        docs = _module("hotline.report_docs")
        render = next((getattr(docs, n) for n in ("to_docx", "render_docx", "docx_bytes") if hasattr(docs, n)), None)
        if render is None or not hasattr(work_summary, "document"):
            raise NotAvailable("no DOCX renderer found in hotline.report_docs")
        return lambda: render(work_summary.document(work_summary.summary(start=y_start, end=y_end)))

    def page(url_name, query):
        def build():
            try:
                url = reverse(url_name) + "?" + query
            except NoReverseMatch:
                raise NotAvailable(f"URL {url_name} not present")
            client = Client()
            user = get_user_model().objects.filter(username="supervisor").first()
            if user is None:
                raise NotAvailable("no supervisor login (run load_demo --tickets 0)")
            client.force_login(user)

            def run():
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {url} answered {response.status_code}")
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                return response
            run.url = url
            return run
        return build

    return [
        ("kpi_unit_table_month", f"kpis.unit_table {month_text}", kpi("unit_table", start=m_start, end=m_end)),
        ("kpi_overall_month", f"kpis.overall {month_text}", kpi("overall", start=m_start, end=m_end)),
        *[
            (f"kpi_breakdown_{by}_month", f"kpis.breakdown by {by} {month_text}",
             kpi("breakdown", start=m_start, end=m_end, by=by))
            for by in ("kind", "channel", "village", "category")
        ],
        ("kpi_overall_year", f"kpis.overall {year_text}", kpi("overall", start=y_start, end=y_end)),
        ("kpi_unit_table_year", f"kpis.unit_table {year_text}", kpi("unit_table", start=y_start, end=y_end)),
        ("ranking_monthly", f"ranking.monthly {month_text}", ranking_monthly),
        ("work_summary_year", f"work_summary.summary {year_text}", summary),
        ("work_summary_docx_year", f"summary + DOCX {year_text} (no HTTP)", summary_docx_bytes),
        ("page_kpis_month", f"GET KPI page ?month={month_text}", page("supervisor_kpis", f"month={month_text}")),
        ("page_ranking_month", f"GET ranking page ?month={month_text}", page("ranking", f"month={month_text}")),
        ("page_summary_year", f"GET work-summary page ?year={year_text}", page("summary", f"year={year_text}")),
        ("page_summary_docx_year", f"GET work-summary DOCX ?year={year_text}", page("summary_docx", f"year={year_text}")),
    ]


def explain(sql, path):
    """EXPLAIN (ANALYZE, BUFFERS) of one captured statement, written to `path`."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    path.write_text(f"-- {len(sql)} characters of SQL\n{sql}\n\n{plan}\n", encoding="utf-8")
    return plan


def run_case(name, description, build, repeat, do_explain, prefix=""):
    try:
        run = build()
    except NotAvailable as why:
        return {"name": name, "description": description, "available": False, "why": str(why)}
    times, queries, slowest = [], [], None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            try:
                run()
            except NotAvailable as why:
                return {"name": name, "description": description, "available": False, "why": str(why)}
            except Exception as error:  # noqa: BLE001 — a broken case is reported, the others still run
                traceback.print_exc()
                return {"name": name, "description": description, "available": False, "why": f"error: {error!r}"}
            times.append(time.perf_counter() - started)
        queries.append(len(captured.captured_queries))
        for query in captured.captured_queries:
            if slowest is None or float(query["time"]) > float(slowest["time"]):
                slowest = query
    result = {
        "name": name, "description": description, "available": True, "first": times[0],
        "warm": statistics.median(times[1:]) if len(times) > 1 else times[0], "queries": queries,
        "slowest_time": float(slowest["time"]) if slowest else 0.0,
    }
    if do_explain and slowest and slowest["sql"].lstrip().upper().startswith("SELECT"):
        plan = explain(slowest["sql"], RESULTS / f"{prefix}{name}.explain.txt")
        result["plan_top"] = plan.splitlines()[0] if plan else ""
        result["plan_summary"] = _plan_facts(plan)
    return result


def _plan_facts(plan):
    """The scans of a plan in a few words: which tables, seq or index, and the execution time."""
    facts = []
    for line in plan.splitlines():
        text = line.strip().lstrip("->").strip()
        for scan in ("Parallel Seq Scan on", "Seq Scan on", "Parallel Index Only Scan", "Index Only Scan",
                     "Parallel Bitmap Heap Scan on", "Bitmap Heap Scan on", "Parallel Index Scan", "Index Scan"):
            if text.startswith(scan):
                facts.append(text.split("  (")[0])
                break
        if text.startswith("Execution Time"):
            facts.append(text)
    seen, unique = set(), []
    for fact in facts:
        if fact not in seen:
            seen.add(fact)
            unique.append(fact)
    return unique


def check_units(month, year, extra, only):
    """The number of queries of every case with the units there are, and with `extra` more (rolled back)."""
    from django.db import transaction

    from hotline.models import Unit

    def counts():
        got = {}
        for name, _description, build in cases(month, year):
            if only and not any(name.startswith(prefix) for prefix in only):
                continue
            try:
                run = build()
                with CaptureQueriesContext(connection) as captured:
                    run()
            except NotAvailable as why:
                got[name] = f"not available ({why})"
                continue
            got[name] = len(captured.captured_queries)
        return got

    before = counts()
    with transaction.atomic():
        units = Unit.objects.count()
        Unit.objects.bulk_create(
            Unit(name=f"bench unit {n}", short_name=f"B{n}", kind=("department", "township")[n % 2]) for n in range(extra)
        )
        after = counts()
        transaction.set_rollback(True)
    failed = 0
    for name in before:
        same = before[name] == after[name]
        failed += not same
        print(f"{name:<28} {units} units: {before[name]!s:>4}   {units + extra} units: {after[name]!s:>4}"
              f"   {'same' if same else 'DIFFERENT'}")
    return 1 if failed else 0


def latest_full_month(now):
    first_of_this = timezone.localtime(now).date().replace(day=1)
    return (first_of_this - dt.timedelta(days=1)).replace(day=1)


def environment():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT (SELECT count(*) FROM hotline_ticket), (SELECT count(*) FROM hotline_assignment),"
            " (SELECT count(*) FROM hotline_message), pg_size_pretty(pg_database_size(current_database()))"
        )
        tickets, assignments, messages, size = cursor.fetchone()
        cursor.execute("SELECT string_agg(indexname, ', ' ORDER BY indexname) FROM pg_indexes WHERE indexname LIKE 'bench%%'")
        extra = cursor.fetchone()[0] or "none"
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather", "jit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    memory = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (
        f"PostgreSQL {version}; {os.cpu_count()} CPUs, {memory}; database {connection.settings_dict['NAME']} "
        f"({size}): {tickets:,} tickets, {assignments:,} assignments, {messages:,} messages; "
        + ", ".join(f"{k}={v}" for k, v in settings.items())
        + f"; indexes added by hand (bench_*): {extra}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--month", help="YYYY-MM (default: the latest full month)")
    parser.add_argument("--year", type=int, help="default: the latest full year")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="case names (or prefixes) to run")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument("--jit", choices=("server", "on", "off"), default="server",
                        help="PostgreSQL JIT for this run's connections (default: the server's setting)")
    parser.add_argument("--out", default="kpi_timings", help="name of the summary file in bench/results/")
    parser.add_argument("--units-check", type=int, metavar="N", default=0,
                        help="only count each case's queries with the units there are and with N more units "
                             "(added in a transaction that is rolled back), and exit")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("kpi_timings measures PostgreSQL: set DATABASE_URL=postgres://… (SQLite is refused)")
    if args.jit != "server":
        def set_jit(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute(f"SET jit = {args.jit}")
        connection_created.connect(set_jit)
        connection.close()
    setup_test_environment()  # the test Client's host, as in the tests
    now = timezone.now()
    month = dt.date.fromisoformat(args.month + "-01") if args.month else latest_full_month(now)
    year = args.year or timezone.localtime(now).year - 1
    if args.units_check:
        raise SystemExit(check_units(month, year, args.units_check, args.only))
    RESULTS.mkdir(exist_ok=True)
    load_start = os.getloadavg()[0]
    header = environment()
    print(header)
    results = []
    for name, description, build in cases(month, year):
        if args.only and not any(name.startswith(prefix) for prefix in args.only):
            continue
        result = run_case(name, description, build, max(1, args.repeat), not args.no_explain, f"{args.out}.")
        results.append(result)
        print(_line(result), flush=True)
    load = "load average at start {:.1f}, at end {:.1f}".format(load_start, os.getloadavg()[0])
    print(load)
    report = [f"kpi_timings {timezone.localtime(now):%Y-%m-%d %H:%M %Z} — {header}; {load}", "",
              f"{'case':<28} {'first s':>8} {'warm s':>8} {'queries':>8} {'slowest q s':>11}  what"]
    report += [_line(r) for r in results]
    report.append("")
    for result in results:
        if result.get("plan_summary"):
            report.append(f"{result['name']}: slowest query plan — " + "; ".join(result["plan_summary"]))
    over = [r["name"] for r in results if r.get("available") and r["warm"] > GOAL_SECONDS]
    goal_over = [name for name in over if name in GOAL_CASES]
    report.append("")
    report.append(f"over {GOAL_SECONDS:.0f} s warm: " + (", ".join(over) if over else "none"))
    (RESULTS / f"{args.out}.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"\nwritten: {RESULTS / (args.out + '.txt')}")
    from bench.common import write_result

    write_result(args.out, {
        "scenario": "d: the month's KPI table and the annual summary (in-process)",
        "tickets": _module("hotline.models").Ticket.objects.count(), "month": f"{month:%Y-%m}", "year": year,
        "goal": f"kpis.unit_table (month) and work_summary.summary (year) < {GOAL_SECONDS:.0f} s each",
        "met": not goal_over and all(r.get("available") for r in results if r["name"] in GOAL_CASES),
        "over_goal": over,
        "cases": [
            {key: r.get(key) for key in ("name", "description", "available", "first", "warm", "queries", "slowest_time")}
            for r in results
        ],
    })


def _line(result):
    if not result.get("available"):
        return f"{result['name']:<28} {'-':>8} {'-':>8} {'-':>8} {'-':>11}  {result['description']}: not available ({result['why']})"
    queries = sorted(set(result["queries"]))
    counted = str(queries[0]) if len(queries) == 1 else "/".join(map(str, queries))
    return (
        f"{result['name']:<28} {result['first']:8.3f} {result['warm']:8.3f} {counted:>8} "
        f"{result['slowest_time']:11.3f}  {result['description']}"
    )


if __name__ == "__main__":
    main()
