"""The unit's own figures this month (本月统计), counted in the database, against hand-counted values."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import unit_queue
from hotline import workflow
from hotline.models.choices import ContactMethod, Outcome
from tests.conftest import at


@pytest.mark.django_db
def test_the_figures_count_this_months_lead_assignments(client, people, units, time_machine):
    op, liaison = people["operator"], people["liaison"]

    def now(*args):
        time_machine.move_to(at(*args), tick=False)

    def dispatch(lead="roads", co=()):
        ticket = workflow.receive(by=op, kind="help", channel="phone", title="路灯不亮")
        return workflow.dispatch(ticket=ticket, by=op, lead_unit=units[lead], co_units=[units[c] for c in co])

    def reply(ticket):
        workflow.reply(ticket=ticket, by=liaison, text="已修复", outcome=Outcome.RESOLVED,
                       contact_method=ContactMethod.PHONE, contacted_at=ticket.dispatched_at)
        workflow.review(ticket=ticket, by=op, accept=True)

    now(2026, 1, 27, 10, 0)
    dispatch()  # never signed: overdue now, but not one of this month's
    now(2026, 2, 26, 10, 0)
    february = workflow.sign(ticket=dispatch(), by=liaison)
    reply(february)

    now(2026, 3, 2, 10, 0)  # Monday
    t1, t2, t5, t6 = dispatch(), dispatch(), dispatch(), dispatch()
    dispatch()  # dispatched and nothing more
    dispatch(lead="water", co=["roads"])  # roads only assists: not counted
    workflow.request_return(ticket=t5, by=liaison, reason="不属于本单位职责")
    workflow.decide_return(ticket=t5, by=op, approve=True)
    now(2026, 3, 2, 10, 30)
    workflow.sign(ticket=t6, by=liaison)  # 0.5 working hours
    now(2026, 3, 2, 11, 0)
    workflow.sign(ticket=t1, by=liaison)  # 1 working hour
    workflow.record_satisfaction(ticket=february, by=op, satisfaction="basically")  # rated this month
    now(2026, 3, 2, 15, 0)
    reply(t1)  # 3 working hours
    now(2026, 3, 2, 16, 0)
    reply(t6)  # 4 working hours
    workflow.record_satisfaction(ticket=t1, by=op, satisfaction="satisfied")
    workflow.record_satisfaction(ticket=t6, by=op, satisfaction="unsatisfied", reason="路灯又坏了")
    now(2026, 3, 4, 10, 0)
    workflow.sign(ticket=t2, by=liaison)  # late: 14 working hours; t3 is never signed
    now(2026, 3, 4, 11, 0)

    with CaptureQueriesContext(connection) as queries:
        got = unit_queue.figures(units["roads"], at(2026, 3, 4, 11, 0))
    assert len(queries) <= 2
    assert {k: got[k] for k in ("received", "signed", "signed_on_time", "replied", "replied_on_time", "returned",
                                "overdue", "rated", "satisfied")} == {
        "received": 5,  # t1 t2 t3 t5 t6
        "signed": 3,  # t1 t2 t6
        "signed_on_time": 2,  # t1 t6
        "replied": 2,  # t1 t6
        "replied_on_time": 2,
        "returned": 1,  # t5
        "overdue": 2,  # t3 (sign by Tue 10:00) and January's ticket
        "rated": 3,  # t1, t6 and February's ticket, all rated in March
        "satisfied": 2,  # 满意 + 基本满意
    }
    assert got["sign_missed"] == 1  # t3: its sign-by passed unsigned, so it counts as late
    assert got["signed_on_time_rate"] == Decimal("50.0")  # 2 / (3 signed + 1 missed)
    assert got["replied_on_time_rate"] == Decimal("100.0")
    assert got["sign_hours"] == Decimal("5.2")  # (0.5 + 1 + 14) / 3
    assert got["reply_hours"] == Decimal("3.5")  # (3 + 4) / 2
    assert got["satisfaction_rate"] == Decimal("66.7")

    client.force_login(people["head"])
    html = client.get("/unit/").content.decode()
    assert "本月统计（2026-03）" in html
    assert "<b>50.0%</b>及时签收率" in html
    assert 'title="本月派单中签收期限内签收的件数 ÷（已签收件数 + 已过签收期限仍未签收的件数）"' in html

    # 不满意 is what gets reopened: the reopen must not erase the rating from the unit's figures
    workflow.reopen(ticket=t6, by=op, reason="群众不满意，重办")
    again = unit_queue.figures(units["roads"], at(2026, 3, 4, 11, 0))
    assert (again["rated"], again["satisfied"]) == (3, 2)

    # the water bureau let its one ticket's sign-by pass (0%, not a dash); nothing was due to reply
    # and nobody rated it: those are a dash, not 0%
    client.force_login(people["other_liaison"])
    html = client.get("/unit/").content.decode()
    assert "<b>1</b>收到工单" in html
    assert "<b>0.0%</b>及时签收率" in html
    assert "<b>—</b>按时答复率" in html
    assert "<b>—</b>满意率" in html
    assert "<b>—</b>平均签收用时" in html


@pytest.mark.django_db
def test_the_month_is_counted_in_shanghai_time(db):
    start, end = unit_queue.month_bounds(at(2026, 3, 1, 0, 30))  # still February in UTC
    assert (start, end) == (at(2026, 3, 1, 0, 0), at(2026, 4, 1, 0, 0))
    start, end = unit_queue.month_bounds(at(2026, 12, 31, 23, 59))
    assert (start, end) == (at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0))
