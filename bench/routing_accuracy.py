"""Measure the unit suggestions (issue 8): top-1/top-3 accuracy and the time to suggest.

    .venv/bin/python bench/routing_accuracy.py                        # SQLite under /tmp, generated data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_routebench .venv/bin/python bench/routing_accuracy.py
    .venv/bin/python bench/routing_accuracy.py --history H.csv --test T.csv --stages 1000 5000 20000

On a fresh database: migrate, `load_demo --tickets 0` (units, villages, categories, logins and the demo
keyword rules), then the history of bench/routing_history.py in growing stages (by default the first
1,000, 5,000 and 20,000 tickets, oldest first, i.e. the deployment after 5 weeks, 6 months and 2
years). Plain rows go in with `import_tickets`; MISROUTED rows (those with `first_unit`) are walked
through the real workflow (receive → dispatch to the wrong unit → request_return → decide_return
approve → dispatch to the right unit → sign → reply → review accept → satisfied), so the wrong unit's
round is returned and never a label (on PostgreSQL then ANALYZE, as autovacuum would). After each
stage: `training.train(trigger="manual")`, then
`suggest.suggest_units` for every ticket of the TEST set (later in time than all the history): top-1
and top-3 accuracy, overall, on the ambiguous matters, per unit, per ambiguity group and per way the
text came, and the time per suggestion (the first call after training separately: it loads the model).
Before any history (stage 0) and after the last stage without the model (`use_model=False`), the same
measures for the rules and townships alone. Finally the model is trained once more on the same history,
to see whether a retraining with nothing new is accepted.

Prints JSON and writes bench/results/<--out>.txt (default routing_accuracy.txt). Refuses a database that
already holds tickets unless `--reuse` (then: no loading, one training, the measures).
Without DATABASE_URL and SQLITE_PATH the database is /tmp/routing_bench/hotline.sqlite3.
"""

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
if not os.environ.get("DATABASE_URL") and not os.environ.get("SQLITE_PATH"):
    os.environ["SQLITE_PATH"] = "/tmp/routing_bench/hotline.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # as in production: no query log kept (it also skews the times and counts)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline import clock, workflow  # noqa: E402
from hotline.models import Category, RouterModel, RoutingRule, Ticket, Unit, Village  # noqa: E402
from hotline.models.choices import Channel, ContactMethod, Kind, Outcome, Satisfaction  # noqa: E402

import routing_history  # noqa: E402  (bench/routing_history.py)

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_MS = 50
KINDS = {label: code for code, label in routing_history.KIND_LABELS.items()}
OUTCOMES = {"已解决": Outcome.RESOLVED, "部分解决": Outcome.PARTLY, "无法解决": Outcome.NOT_RESOLVABLE}


class Refused(SystemExit):
    pass


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- the data -------------------------------------------------------------------------------------


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    missing = [c for c in ("created_at", "title", "description", "unit") if rows and c not in rows[0]]
    if missing:
        raise Refused(f"{path}: missing columns {missing} (made by bench/routing_history.py?)")
    return rows


def generated_files(args):
    """The history and test CSV files: given, or generated into a temporary directory."""
    if args.history and args.test:
        return Path(args.history), Path(args.test)
    if args.history or args.test:
        raise Refused("give both --history and --test, or neither (they are then generated)")
    folder = Path(tempfile.mkdtemp(prefix="routing_bench_"))
    history, test = folder / "history.csv", folder / "test.csv"
    log(f"generating {args.tickets:,} history and {args.test_size:,} test tickets into {folder} …")
    with contextlib.redirect_stdout(sys.stderr):  # its summary is not this script's JSON
        routing_history.main([
            "--tickets", str(args.tickets), "--test", str(args.test_size), "--seed", str(args.seed),
            "--out", str(history), "--test-out", str(test),
        ] + (["--end", args.end] if args.end else []))
    return history, test


class Lookups:
    """Units, villages and categories of the database by the names the CSV uses."""

    def __init__(self):
        self.units = {u.name: u for u in Unit.objects.all()}
        self.villages = {v.name: v for v in Village.objects.select_related("township")}
        self.categories = {}
        by_pk = {c.pk: c for c in Category.objects.all()}
        for category in by_pk.values():
            names, node = [], category
            while node is not None:
                names.append(node.name)
                node = by_pk.get(node.parent_id)
            self.categories["/".join(reversed(names))] = category

    def check(self, rows, what):
        unknown = sorted({r["unit"] for r in rows} - set(self.units))
        unknown += sorted({r["first_unit"] for r in rows if r.get("first_unit")} - set(self.units))
        if unknown:
            raise Refused(f"{what}: units not in the database: {unknown} (did load_demo run?)")


# --- loading the history ------------------------------------------------------------------------


def import_rows(rows, folder):
    """The plain rows through `import_tickets` (the importer reads only its own columns)."""
    path = Path(folder) / f"import_{len(rows)}_{time.monotonic_ns()}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=routing_history.IMPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_tickets", str(path), stdout=out, stderr=err)
    except Exception as error:  # CommandError: rows refused; show the report
        raise Refused(f"import_tickets refused rows of {path}:\n{out.getvalue()[-3000:]}\n{error}")
    finally:
        path.unlink(missing_ok=True)
    return out.getvalue().strip().splitlines()


class Walker:
    """A misrouted ticket through the real workflow, at its past instants."""

    def __init__(self, lookups):
        from hotline.management.commands.load_demo import DEPARTMENTS, TOWNSHIPS

        User = get_user_model()
        self.lookups = lookups
        self.operator = User.objects.get(username="operator")
        self.supervisor = User.objects.get(username="supervisor")
        keys = {name: key for key, name, *_rest in DEPARTMENTS} | {name: key for key, name, *_rest in TOWNSHIPS}
        users = {u.username: u for u in User.objects.filter(username__endswith="_liaison")}
        self.liaisons = {name: users[f"{key}_liaison"] for name, key in keys.items() if f"{key}_liaison" in users}

    def walk(self, row):
        L = self.lookups
        wrong, right = L.units[row["first_unit"]], L.units[row["unit"]]
        t0 = timezone.make_aware(dt.datetime.fromisoformat(row["created_at"]))
        step = lambda **kw: t0 + dt.timedelta(**kw)  # noqa: E731
        with clock.at(t0):
            ticket = workflow.receive(
                by=self.operator, kind=KINDS.get(row["kind"], Kind.HELP), channel=Channel.PHONE,
                title=row["title"], description=row["description"], village=L.villages.get(row["village"]),
                category=L.categories.get(row["category"]), acknowledge=False,
            )
        with clock.at(step(minutes=15)):
            workflow.dispatch(ticket=ticket, by=self.operator, lead_unit=wrong)
        with clock.at(step(hours=3)):
            workflow.request_return(
                ticket=ticket, by=self.liaisons[wrong.name], reason="经核实，该事项不属于我单位职责，申请退回改派。",
                suggested_unit=right,
            )
        with clock.at(step(hours=4)):
            workflow.decide_return(ticket=ticket, by=self.supervisor, approve=True)
        with clock.at(step(hours=4, minutes=10)):
            workflow.dispatch(ticket=ticket, by=self.operator, lead_unit=right)
        with clock.at(step(hours=5)):
            workflow.sign(ticket=ticket, by=self.liaisons[right.name])
        ticket.refresh_from_db()
        method = ContactMethod.VIA_OPERATOR if ticket.hides_resident_from_units else ContactMethod.PHONE
        outcome = OUTCOMES.get(row["outcome"], Outcome.RESOLVED)
        with clock.at(step(days=2)):
            workflow.reply(
                ticket=ticket, by=self.liaisons[right.name], text="已联系群众并现场核实处理。", outcome=outcome,
                outcome_reason="不符合现行政策规定。" if outcome == Outcome.NOT_RESOLVABLE else "",
                contact_method=method, contacted_at=step(days=1),
            )
        with clock.at(step(days=2, hours=1)):
            workflow.review(ticket=ticket, by=self.operator, accept=True)
        with clock.at(step(days=3)):
            workflow.record_satisfaction(ticket=ticket, by=self.operator, satisfaction=Satisfaction.SATISFIED)


def load_stage(rows, lookups, walker, folder):
    plain = [r for r in rows if not r.get("first_unit")]
    misrouted = [r for r in rows if r.get("first_unit")]
    started = time.perf_counter()
    report = import_rows(plain, folder) if plain else []
    imported = time.perf_counter() - started
    started = time.perf_counter()
    with clock.replaying():
        for n, row in enumerate(misrouted, 1):
            walker.walk(row)
            if n % 200 == 0:
                log(f"  misrouted through the workflow: {n}/{len(misrouted)}")
    walked = time.perf_counter() - started
    analyze()
    return {"imported": len(plain), "import_seconds": round(imported, 1), "import_report": report[-3:],
            "misrouted": len(misrouted), "workflow_seconds": round(walked, 1)}


def analyze():
    """PostgreSQL: fresh planner statistics, as autovacuum would give them a minute after a big import
    (this machine's server runs with autovacuum off; without them the fallback's category query is
    planned for a one-row table). SQLite: nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- measuring ---------------------------------------------------------------------------------


def test_inputs(rows, lookups):
    """Per test row, the keyword arguments of suggest_units (looked up before timing) and the truth."""
    inputs = []
    for row in rows:
        inputs.append((
            {
                "title": row["title"], "description": row["description"],
                "village": lookups.villages.get(row["village"]) if row["village"] else None,
                "category": lookups.categories.get(row["category"]),
                "kind": KINDS.get(row["kind"], ""),
            },
            row,
        ))
    return inputs


def _fresh(kwargs):
    """The arguments with a new Category instance, its parents not loaded, as on a ticket read from the
    database (suggest_units reads the category's path through `parent`)."""
    category = kwargs["category"]
    if category is None:
        return kwargs
    return {**kwargs, "category": Category(pk=category.pk, name=category.name, parent_id=category.parent_id)}


def _reset_caches():
    """As in a new process: the loaded model and the cached rules are forgotten."""
    from hotline.routing import classifier, rules

    for cache in (getattr(classifier, "_active", None), getattr(rules, "_cache", None)):
        if isinstance(cache, dict):
            cache.update({key: ([] if isinstance(value, list) else None) for key, value in cache.items()})


def _share(hits, n):
    return round(hits / n, 4) if n else None


def evaluate(inputs, *, use_model=True, label=""):
    """Top-1/top-3 accuracy and times of suggest_units over the test inputs."""
    from hotline.routing.suggest import suggest_units

    extra = {} if use_model else {"use_model": False}
    _reset_caches()
    connection.queries_log.clear()
    times, results = [], []
    calls = [_fresh(kwargs) for kwargs, _row in inputs]
    with CaptureQueriesContext(connection) as first_queries:
        started = time.perf_counter()
        first = suggest_units(**calls[0], **extra)
        first_ms = (time.perf_counter() - started) * 1000
    results.append(first)
    for kwargs in calls[1:]:
        started = time.perf_counter()
        got = suggest_units(**kwargs, **extra)
        times.append((time.perf_counter() - started) * 1000)
        results.append(got)
    counts = []  # SQL queries per call, counted apart (not timed) on 100 of the calls
    for kwargs, _row in inputs[1:101]:
        with CaptureQueriesContext(connection) as captured:
            suggest_units(**_fresh(kwargs), **extra)
        counts.append(len(captured.captured_queries))
    queries = f"{min(counts)}-{max(counts)}" if counts and min(counts) != max(counts) else (counts[0] if counts else None)

    overall, ambiguous, novel = Counter(), Counter(), Counter()
    per_unit, per_group, per_style, per_matter = (defaultdict(Counter) for _ in range(4))
    confusions, no_suggestion, township_mixups = Counter(), 0, 0
    townships = set(Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).values_list("name", flat=True))
    for got, (_kwargs, row) in zip(results, inputs):
        names = [s["unit"].name for s in got]
        truth = row["unit"]
        top1, top3 = bool(names) and names[0] == truth, truth in names[:3]
        no_suggestion += not names
        buckets = [overall, per_unit[truth], per_style[row.get("style", "")], per_matter[row.get("matter", "")]]
        if row.get("ambiguous"):
            buckets += [ambiguous, per_group[row["ambiguous"]]]
        if row.get("novel"):
            buckets.append(novel)
        for bucket in buckets:
            bucket["n"] += 1
            bucket["top1"] += top1
            bucket["top3"] += top3
        if not top1:
            confusions[(truth, names[0] if names else "(none)")] += 1
            township_mixups += bool(names) and truth in townships and names[0] in townships

    def shares(counter):
        return {"n": counter["n"], "top1": _share(counter["top1"], counter["n"]), "top3": _share(counter["top3"], counter["n"])}

    ordered = sorted(times)
    return {
        "label": label,
        "use_model": use_model,
        "overall": shares(overall),
        "ambiguous": shares(ambiguous),
        "clear": {"n": overall["n"] - ambiguous["n"],
                  "top1": _share(overall["top1"] - ambiguous["top1"], overall["n"] - ambiguous["n"]),
                  "top3": _share(overall["top3"] - ambiguous["top3"], overall["n"] - ambiguous["n"])},
        # the tickets told in words the history never used (bench/routing_history.py `novel`)
        "novel": shares(novel),
        "no_suggestion": no_suggestion,
        # wrong first suggestions where both the truth and the suggestion are townships
        "township_mixups": township_mixups,
        "per_unit": {unit: shares(c) for unit, c in sorted(per_unit.items(), key=lambda kv: -kv[1]["n"])},
        "per_group": {g: shares(c) for g, c in sorted(per_group.items(), key=lambda kv: -kv[1]["n"])},
        "per_style": {s: shares(c) for s, c in sorted(per_style.items(), key=lambda kv: -kv[1]["n"])},
        "worst_matters": sorted(
            ({"matter": m, **shares(c)} for m, c in per_matter.items() if c["n"] >= 8),
            key=lambda d: (d["top1"], -d["n"]),
        )[:12],
        "confusions": [{"truth": t, "suggested": s, "n": n} for (t, s), n in confusions.most_common(15)],
        "time_ms": {
            "first": round(first_ms, 1),
            "first_queries": len(first_queries.captured_queries),
            "p50": round(statistics.median(ordered), 2) if ordered else None,
            "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2) if ordered else None,
            "max": round(ordered[-1], 1) if ordered else None,
            "mean": round(statistics.fmean(ordered), 2) if ordered else None,
            "queries": queries,
            "calls": len(results),
        },
    }


def rules_off(inputs, size):
    """The same measures with every keyword rule switched off (in a transaction that is rolled back)."""
    log("  … and with the keyword rules switched off")
    with transaction.atomic():
        RoutingRule.objects.update(is_active=False)
        measure = evaluate(inputs, label=f"{size:,} tickets: model + township, rules off")
        transaction.set_rollback(True)
    _reset_caches()
    return measure


def train_once():
    from hotline.routing import training

    started = time.perf_counter()
    run = training.train(trigger="manual")
    seconds = time.perf_counter() - started
    if run is None:
        return {"status": "not run (another training holds the TRAINING row)", "seconds": round(seconds, 1)}
    run.refresh_from_db()
    return {
        "version": run.version, "status": run.status, "seconds": round(seconds, 1), "samples": run.samples,
        "train_samples": run.train_samples, "test_samples": run.test_samples, "classes": run.classes,
        "top1": run.top1, "top3": run.top3, "rules_top1": run.rules_top1,
        "compared_with": run.compared_with.version if run.compared_with_id else None,
        "compared_top1": run.compared_top1,
        # the fair comparison (if the model has them): on how many held-out tickets newer than the active
        # version's data, and the new version's top-1 on those same tickets
        "compared_on": getattr(run, "compared_on", None), "compared_new_top1": getattr(run, "compared_new_top1", None),
        "note": run.note,
        "artifact_kb": round(len(run.artifact) / 1024) if run.artifact else None,
    }


# --- the run -----------------------------------------------------------------------------------


def database_label():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version} ({settings['NAME']})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    return f"PostgreSQL {version} (database {settings['NAME']})"


def machine():
    memory = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import sklearn

    return (f"{os.cpu_count()} CPUs ({cpu}){memory}; Python {platform.python_version()}, "
            f"scikit-learn {sklearn.__version__}")


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def prepare(args):
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    tickets = Ticket.objects.count()
    if tickets and not args.reuse:
        where = connection.settings_dict["NAME"]
        raise Refused(
            f"the database {where} already holds {tickets:,} tickets: use a fresh one (delete the SQLite file, or "
            "dropdb/createdb), or pass --reuse to measure on what it holds (no loading, no learning curve)"
        )
    out = io.StringIO()
    call_command("load_demo", tickets=0, stdout=out)
    return round(time.perf_counter() - started, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--history", help="history CSV of bench/routing_history.py (default: generate one)")
    parser.add_argument("--test", help="test CSV of bench/routing_history.py (default: generate one)")
    parser.add_argument("--tickets", type=int, default=routing_history.DEFAULT_TICKETS, help="when generating")
    parser.add_argument("--test-size", type=int, default=routing_history.DEFAULT_TEST, help="when generating")
    parser.add_argument("--seed", type=int, default=routing_history.DEFAULT_SEED, help="when generating")
    parser.add_argument("--end", help="when generating: YYYY-MM-DD (default today)")
    parser.add_argument("--stages", type=int, nargs="*", default=[1000, 5000, 20000],
                        help="cumulative history sizes to train and measure at (default 1000 5000 20000)")
    parser.add_argument("--reuse", action="store_true", help="measure on a database that already holds tickets")
    parser.add_argument("--no-retrain-check", action="store_true", help="skip the last retraining on the same history")
    parser.add_argument("--out", default="routing_accuracy", help="name of the summary in bench/results/")
    args = parser.parse_args()
    if bool(args.history) != bool(args.test):
        parser.error("give both --history and --test, or neither (they are then generated)")
    for path in filter(None, (args.history, args.test)):
        if not Path(path).is_file():
            parser.error(f"{path}: no such file")

    load_start = os.getloadavg()
    started_all = time.perf_counter()
    log(f"database: {database_label()}")
    setup_seconds = prepare(args)
    history_path, test_path = generated_files(args)
    history, test = read_csv(history_path), read_csv(test_path)
    lookups = Lookups()
    lookups.check(history, str(history_path))
    lookups.check(test, str(test_path))
    inputs = test_inputs(test, lookups)
    walker = Walker(lookups)
    if RouterModel.objects.filter(status=RouterModel.Status.ACTIVE).exists() and not args.reuse:
        raise Refused("an active RouterModel exists in a database without tickets: use a fresh database")

    stages, measures = [], []
    size = Ticket.objects.count()  # the history measured last
    if not args.reuse:
        log("stage 0: no history (rules, townships, duties) …")
        measures.append(evaluate(inputs, label="no history: rules + township + duties"))
        sizes = sorted({min(s, len(history)) for s in args.stages if s > 0})
        loaded = 0
        with tempfile.TemporaryDirectory(prefix="routing_import_") as folder:
            for size in sizes:
                log(f"stage {size:,}: loading rows {loaded + 1:,}–{size:,} …")
                stage = {"history": size, **load_stage(history[loaded:size], lookups, walker, folder)}
                loaded = size
                log(f"  imported {stage['imported']:,} in {stage['import_seconds']} s, "
                    f"{stage['misrouted']:,} misrouted through the workflow in {stage['workflow_seconds']} s; training …")
                stage["training"] = train_once()
                log(f"  trained: {stage['training'].get('status')} in {stage['training']['seconds']} s; measuring …")
                stages.append(stage)
                measures.append(evaluate(inputs, label=f"{size:,} tickets: model + rules + township"))
                log(f"  top-1 {measures[-1]['overall']['top1']}, top-3 {measures[-1]['overall']['top3']}, "
                    f"p50 {measures[-1]['time_ms']['p50']} ms")
                measures.append(rules_off(inputs, size))
    else:
        analyze()
        log("--reuse: training on the tickets there are …")
        stages.append({"history": size, "training": train_once()})
        measures.append(evaluate(inputs, label=f"{size:,} tickets (reused): model + rules + township"))
        measures.append(rules_off(inputs, size))

    log("without the model (use_model=False) …")
    measures.append(evaluate(inputs, use_model=False, label=f"{size:,} tickets, no model: rules, township, category history"))
    retrain = None
    if not args.no_retrain_check:
        log("retraining on the same history …")
        retrain = train_once()

    report = {
        "date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit(),
        "machine": machine(),
        "database": database_label(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "history_file": str(history_path), "history_rows": len(history),
        "history_misrouted": sum(1 for r in history if r.get("first_unit")),
        "history_ambiguous": sum(1 for r in history if r.get("ambiguous")),
        "history_span": [history[0]["created_at"], history[-1]["created_at"]] if history else None,
        "test_file": str(test_path), "test_rows": len(test),
        "test_ambiguous": sum(1 for r in test if r.get("ambiguous")),
        "test_novel": sum(1 for r in test if r.get("novel")),
        "test_span": [test[0]["created_at"], test[-1]["created_at"]] if test else None,
        "setup_seconds": setup_seconds,
        "stages": stages,
        "measures": measures,
        "retrain_same_history": retrain,
        "total_seconds": round(time.perf_counter() - started_all, 1),
        "tickets_in_database": Ticket.objects.count(),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.out}.txt").write_text(text_report(report), encoding="utf-8")
    log(f"written: {RESULTS / (args.out + '.txt')}")


def _pct(value):
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def text_report(r):
    lines = [
        f"routing_accuracy {r['date']} — commit {r['commit']}; {r['machine']}; {r['database']}",
        f"load average (1/5/15 min) at start {' '.join(map(str, r['load_average_start']))}, "
        f"at end {' '.join(map(str, r['load_average_end']))}; whole run {r['total_seconds']:.0f} s",
        f"history: {r['history_rows']:,} tickets {r['history_span'][0][:10]} … {r['history_span'][1][:10]} "
        f"({r['history_misrouted']:,} misrouted and returned, {r['history_ambiguous']:,} ambiguous matters); "
        f"test: {r['test_rows']:,} later tickets {r['test_span'][0][:10]} … {r['test_span'][1][:10]} "
        f"({r['test_ambiguous']:,} ambiguous, {r['test_novel']:,} in unseen words)",
        "",
        "Accuracy of suggest_units on the test set (the true unit first / among the first three)",
        f"{'configuration':<66} {'top-1':>6} {'top-3':>6} {'amb.1':>6} {'amb.3':>6} {'clear1':>6} {'novel1':>6}"
        f" {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'first':>7} {'q':>5} {'twp':>4}",
    ]
    for m in r["measures"]:
        t = m["time_ms"]
        lines.append(
            f"{m['label']:<66} {_pct(m['overall']['top1'])} {_pct(m['overall']['top3'])} "
            f"{_pct(m['ambiguous']['top1'])} {_pct(m['ambiguous']['top3'])} {_pct(m['clear']['top1'])}"
            f" {_pct(m['novel']['top1'])}"
            f" {t['p50']:7.2f} {t['p95']:7.2f} {t['max']:7.1f} {t['first']:7.1f} {t['queries']!s:>5}"
            f" {m['township_mixups']:>4}"
        )
    lines += ["(amb. = the ambiguous matters, clear1 = top-1 on the others, novel1 = top-1 on the tickets told in words"
              " the history never used; first = the first call after training, which loads the model; q = SQL queries"
              " per call; twp = wrong first suggestions that are another township)"]
    lines += ["", "Loading and training per stage",
              f"{'history':>8} {'imported':>9} {'import s':>9} {'misrouted':>9} {'workflow s':>10} {'train s':>8}"
              f" {'status':>9} {'held-out':>8} {'top-1':>6} {'top-3':>6} {'rules1':>6} {'newer':>6} {'new1':>6} {'prev1':>6}"
              f" {'model KB':>8}"]
    for s in r["stages"]:
        tr = s["training"]
        lines.append(
            f"{s['history']:>8,} {s.get('imported', 0):>9,} {s.get('import_seconds', 0):>9} {s.get('misrouted', 0):>9,}"
            f" {s.get('workflow_seconds', 0):>10} {tr['seconds']:>8} {tr.get('status', '?'):>9} {tr.get('test_samples', 0):>8,}"
            f" {_pct(tr.get('top1'))} {_pct(tr.get('top3'))} {_pct(tr.get('rules_top1'))} {tr.get('compared_on') or '-':>6}"
            f" {_pct(tr.get('compared_new_top1'))} {_pct(tr.get('compared_top1'))} {tr.get('artifact_kb') or '-':>8}"
        )
    if r.get("retrain_same_history"):
        tr = r["retrain_same_history"]
        lines.append(
            f"retrained on the same history: v{tr.get('version')} {tr.get('status')} in {tr['seconds']} s, held-out top-1 "
            f"{_pct(tr.get('top1'))}; compared with the active v{tr.get('compared_with')}: {_pct(tr.get('compared_top1'))}"
            + (f" vs {_pct(tr.get('compared_new_top1'))} on {tr['compared_on']:,} newer tickets" if tr.get("compared_on") else
               " (its own stored held-out figure: no newer tickets)")
            + f" — {tr.get('note')}"
        )
    final = next((m for m in reversed(r["measures"]) if m["use_model"] and "rules off" not in m["label"]),
                 r["measures"][-1])
    lines += ["", f"Per unit ({final['label']})", f"{'unit':<14} {'n':>5} {'top-1':>6} {'top-3':>6}"]
    for unit, c in final["per_unit"].items():
        lines.append(f"{unit:<14} {c['n']:>5} {_pct(c['top1'])} {_pct(c['top3'])}")
    lines += ["", "Per ambiguity group", f"{'group':<10} {'n':>5} {'top-1':>6} {'top-3':>6}"]
    for group, c in final["per_group"].items():
        lines.append(f"{group:<10} {c['n']:>5} {_pct(c['top1'])} {_pct(c['top3'])}")
    lines += ["", "Per way the text came", f"{'style':<10} {'n':>5} {'top-1':>6} {'top-3':>6}"]
    for style, c in final["per_style"].items():
        lines.append(f"{style:<10} {c['n']:>5} {_pct(c['top1'])} {_pct(c['top3'])}")
    lines += ["", "Worst matters (at least 8 test tickets)"]
    for m in final["worst_matters"]:
        lines.append(f"  {m['matter']:<24} n={m['n']:<4} top-1 {_pct(m['top1'])} top-3 {_pct(m['top3'])}")
    lines += ["", "Most frequent confusions (true unit → first suggestion)"]
    for c in final["confusions"]:
        lines.append(f"  {c['truth']} → {c['suggested']}: {c['n']}")
    lines += ["", f"goal: under {GOAL_MS} ms per suggestion — p95 "
              + ("met" if final["time_ms"]["p95"] < GOAL_MS else "NOT met")
              + f" ({final['time_ms']['p95']} ms); the first call after training loads the model: {final['time_ms']['first']} ms"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
