"""Two imports of the same file at once take each row once: both read that no row is there yet, and the
unique import key decides, inside each row's own transaction (the loser counts it as already imported)."""

import threading

import pytest
from django.db import connection

from hotline.models import Assignment, Ticket, TicketEvent, Unit
from hotline.routing import importer
from tests.helpers import run_concurrently
from tests.import_helpers import HEADER, write_csv


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_data")
def test_two_imports_at_once_take_each_row_once(tmp_path):
    Unit.objects.create(name="区水务局", kind=Unit.Kind.DEPARTMENT)
    rows = [["2024-03-05 10:20", f"停水{i}", "", "区水务局"] for i in range(6)]
    path = write_csv(tmp_path / "old.csv", rows, header=HEADER[:4])
    barrier = threading.Barrier(2, timeout=30)
    reports = [None, None]

    def hold_after_key_lookup(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("SELECT") and "import_key" in sql and " IN " in sql.upper():
            barrier.wait()  # both have found no row imported before either writes one
        return result

    def run(index):
        with connection.execute_wrapper(hold_after_key_lookup):
            reports[index] = importer.import_file(path)

    errors = run_concurrently(lambda: run(0), lambda: run(1), barrier=barrier, timeout=120)
    assert not errors, errors
    assert sum(r.imported for r in reports) == 6 and sum(r.already for r in reports) == 6
    assert not any(r.failed for r in reports)
    assert Ticket.objects.count() == Assignment.objects.count() == TicketEvent.objects.count() == 6
