"""Imported past work orders teach the router but count in no KPI, and are never reopened."""

import pytest

from hotline import kpis, workflow
from hotline.errors import InvalidState, NotAllowed
from hotline.models import Assignment, Ticket
from hotline.models.choices import Kind
from tests.conftest import at
from tests.import_helpers import run_import, write_csv
from tests.kpi_helpers import month


def test_imported_tickets_count_in_no_kpi(tmp_path, units, people):
    rows = [["2024-03-05 10:20", f"路灯不亮{i}", "", "区交通运输局", "", "", "", "已解决"] for i in range(3)]
    out, error = run_import(write_csv(tmp_path / "old.csv", rows))
    assert error is None and "已导入：3行" in out

    roads = [row for row in kpis.unit_table(**month(2024, 3)) if row["unit"] == units["roads"]][0]
    assert roads["received"] == 0 and roads["replied"] == 0 and roads["resolved"] == 0
    assert roads["resolution_rate"] is None
    overall = kpis.overall(**month(2024, 3))
    assert overall["received"] == 0
    assert not Ticket.objects.countable().exists()


def test_imported_tickets_cannot_be_reopened(units, people):
    ticket, created = workflow.import_closed_ticket(
        by=people["system"], key="id:7", created_at=at(2024, 3, 5, 10, 20), title="路灯不亮",
        description="", unit=units["roads"], kind=Kind.HELP,
    )
    assert created
    with pytest.raises(InvalidState):
        workflow.reopen(ticket=ticket, by=people["operator"], reason="群众不满意")
    ticket.refresh_from_db()
    assert ticket.reopen_count == 0 and Assignment.objects.filter(ticket=ticket).count() == 1


def test_the_workflow_takes_a_key_once_and_only_from_the_allowed(units, people):
    fields = dict(
        key="row:abc", created_at=at(2024, 3, 5, 10, 20), title="路灯不亮", unit=units["roads"], kind=Kind.HELP
    )
    first, created = workflow.import_closed_ticket(by=people["supervisor"], **fields)
    assert created
    # a second import of the key (e.g. two imports at once) meets the unique constraint: the ticket there is returned
    again, created = workflow.import_closed_ticket(by=people["system"], **{**fields, "title": "别的"})
    assert not created and again.pk == first.pk and Ticket.objects.count() == 1
    for name in ("operator", "liaison", "editor"):
        with pytest.raises(NotAllowed):
            workflow.import_closed_ticket(by=people[name], **{**fields, "key": f"row:{name}"})
    assert Ticket.objects.count() == 1
