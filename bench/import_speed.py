"""Time `manage.py import_tickets` (hotline.routing.importer) on N generated rows of past work orders.

    SQLITE_PATH=/tmp/bench-import.sqlite3 .venv/bin/python manage.py migrate
    SQLITE_PATH=/tmp/bench-import.sqlite3 .venv/bin/python manage.py load_demo --tickets 0
    SQLITE_PATH=/tmp/bench-import.sqlite3 .venv/bin/python bench/import_speed.py --rows 5000 [--xlsx]

(or DATABASE_URL=postgres://… for PostgreSQL). Writes a file of `--rows` rows named with the database's
own units, villages and categories (random times over the last two years, every optional column
filled, an `id` column unless `--no-id`), then times: a dry run, the import, and the same file again
(which must add nothing). Each import key is new per run (`--prefix`, default the current time), so the
script can be repeated on the same database. Results go to bench/results/import_speed.txt.
"""

import argparse
import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline.models import Category, Ticket, Unit, Village  # noqa: E402
from hotline.routing import importer  # noqa: E402

HEADER = ["id", "created_at", "title", "description", "unit", "category", "kind", "village", "outcome"]
KINDS = ["咨询", "求助", "投诉", "举报", "建议", "表扬", ""]
OUTCOMES = ["已解决", "已解决", "已解决", "部分解决", "无法解决", ""]
MATTERS = ["路灯不亮", "自来水停水", "道路坑洼", "垃圾未清运", "低保申请咨询", "医保报销", "农网电压低", "噪音扰民"]


def make_rows(count, prefix, rng):
    units = list(Unit.objects.values_list("name", flat=True))
    villages = [f"{t}/{v}" for t, v in Village.objects.values_list("township__name", "name")] or [""]
    categories = [str(c).replace(" › ", "/") for c in Category.objects.select_related("parent__parent")] or [""]
    if not units:
        raise SystemExit("no units: run `manage.py load_demo --tickets 0` first")
    end = timezone.localtime().replace(tzinfo=None) - dt.timedelta(days=1)
    for i in range(count):
        when = end - dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        matter = rng.choice(MATTERS)
        yield [
            f"{prefix}-{i}", when.strftime("%Y-%m-%d %H:%M"), f"{matter}（{i}）",
            f"群众反映{matter}，已有{rng.randrange(1, 30)}天，请尽快处理。（{prefix}）", rng.choice(units),
            rng.choice(categories), rng.choice(KINDS), rng.choice(villages), rng.choice(OUTCOMES),
        ]


def write(path, rows, *, xlsx, with_id):
    header = HEADER if with_id else HEADER[1:]
    rows = rows if with_id else (r[1:] for r in rows)
    if xlsx:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)


def timed(label, results, **kwargs):
    started = time.perf_counter()
    report = importer.import_file(kwargs.pop("path"), **kwargs)
    seconds = time.perf_counter() - started
    results.append(
        f"{label:<12} {seconds:8.1f} s  imported {report.imported:>6}  already {report.already:>6}  "
        f"failed {len(report.failed):>4}"
    )
    print(results[-1], flush=True)
    for number, reason in report.failed[:5]:
        print(f"  row {number}: {reason}")
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--xlsx", action="store_true", help="write an XLSX file instead of a CSV")
    parser.add_argument("--no-id", action="store_true", help="no id column: keys from the rows' content")
    parser.add_argument("--prefix", default=dt.datetime.now().strftime("B%Y%m%d%H%M%S"))
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    suffix = ".xlsx" if args.xlsx else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"history{suffix}"
        write(path, list(make_rows(args.rows, args.prefix, rng)), xlsx=args.xlsx, with_id=not args.no_id)
        size = path.stat().st_size
        before = Ticket.objects.count()
        results = [
            f"import_tickets: {args.rows} rows, {suffix[1:]} ({size / 1e6:.1f} MB), "
            f"{'id column' if not args.no_id else 'content keys'}, {connection.vendor}, {os.cpu_count()} cores",
        ]
        print(results[0])
        timed("dry run", results, path=path, dry_run=True)
        report = timed("import", results, path=path)
        timed("again", results, path=path)
        assert Ticket.objects.count() == before + report.imported
    out = ROOT / "bench" / "results" / "import_speed.txt"
    out.write_text("\n".join(results) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
