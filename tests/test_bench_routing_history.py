"""bench/routing_history.py writes rows the importer can read, with the demo's units (no database)."""

import csv
import datetime as dt
import importlib.util
from pathlib import Path

from hotline.management.commands.load_demo import DEPARTMENTS, TOWNSHIPS
from hotline.routing import importer

BENCH = Path(__file__).resolve().parent.parent / "bench" / "routing_history.py"


def _generator():
    spec = importlib.util.spec_from_file_location("routing_history", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_history_has_the_import_columns_and_the_demo_units(tmp_path):
    generator = _generator()
    assert generator.check_catalogue() == []
    rows = generator.generate(count=200, seed=1, start=dt.date(2025, 1, 1), end=dt.date(2025, 7, 1))
    path = tmp_path / "history.csv"
    generator.write(rows, path)

    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert len(read) == 200
    assert list(read[0]) == list(generator.COLUMNS)
    assert set(importer.REQUIRED) | {"category", "kind", "village", "outcome"} <= set(read[0])

    units = {name for _key, name, *_rest in DEPARTMENTS} | {name for _key, name, *_rest in TOWNSHIPS}
    villages = {village for *_rest, names in TOWNSHIPS for village in names}
    assert {row["unit"] for row in read} <= units
    misrouted = [row for row in read if row["first_unit"]]
    assert misrouted and {row["first_unit"] for row in misrouted} <= units
    assert all(row["first_unit"] != row["unit"] for row in misrouted)
    assert any(row["ambiguous"] for row in read)
    assert {row["village"] for row in read if row["village"]} <= villages
    assert {row["kind"] for row in read} <= set(importer.KIND_LABELS)
    assert {row["outcome"] for row in read} <= set(importer.OUTCOME_LABELS)
    assert all(row["title"] and len(row["title"]) <= importer.TITLE_MAX for row in read)
    assert [row["created_at"] for row in read] == sorted(row["created_at"] for row in read)
