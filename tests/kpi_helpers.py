"""Tickets walked through the real workflow at chosen instants, for the KPI tests (tests/test_kpi_*.py)."""

from hotline import kpis, workflow
from hotline.models import Unit
from hotline.models.choices import ContactMethod, Outcome
from tests.conftest import at


class Flow:
    """`flow.at(2026, 3, 2, 10, 0)` moves the clock; the other methods run one workflow action as a person."""

    def __init__(self, time_machine, people, units):
        self.time_machine, self.people, self.units = time_machine, people, units
        self.op, self.sup = people["operator"], people["supervisor"]

    def at(self, *args):
        moment = at(*args)
        self.time_machine.move_to(moment, tick=False)
        return moment

    def liaison_of(self, unit):
        return self.people["other_liaison"] if unit == "water" else self.people["liaison"]

    def receive(self, **kw):
        fields = {"kind": "help", "channel": "phone", "title": "路灯不亮"} | kw
        return workflow.receive(by=self.op, **fields)

    def dispatch(self, ticket=None, lead="roads", co=(), **kw):
        ticket = ticket or self.receive(**kw)
        return workflow.dispatch(
            ticket=ticket, by=self.op, lead_unit=self.units[lead], co_units=[self.units[c] for c in co]
        )

    def sign(self, ticket, unit="roads"):
        return workflow.sign(ticket=ticket, by=self.liaison_of(unit))

    def reply(self, ticket, unit="roads", outcome=Outcome.RESOLVED, accept=True):
        ticket.refresh_from_db()
        workflow.reply(
            ticket=ticket, by=self.liaison_of(unit), text="已处理", outcome=outcome,
            outcome_reason="不符合政策" if outcome == Outcome.NOT_RESOLVABLE else "",
            contact_method=ContactMethod.VIA_OPERATOR if ticket.hides_resident_from_units else ContactMethod.PHONE,
            contacted_at=ticket.dispatched_at,
        )
        if accept:
            workflow.review(ticket=ticket, by=self.op, accept=True)
        ticket.refresh_from_db()
        return ticket

    def rate(self, ticket, satisfaction="satisfied"):
        reason = "没解决" if satisfaction == "unsatisfied" else ""
        return workflow.record_satisfaction(ticket=ticket, by=self.op, satisfaction=satisfaction, reason=reason)

    def reopen(self, ticket, lead=None):
        return workflow.reopen(
            ticket=ticket, by=self.op, reason="群众不满意", lead_unit=self.units[lead] if lead else None
        )

    def return_(self, ticket, unit="roads"):
        workflow.request_return(ticket=ticket, by=self.liaison_of(unit), reason="不属于本单位职责")
        workflow.decide_return(ticket=ticket, by=self.op, approve=True)
        ticket.refresh_from_db()
        return ticket


def month(year, number, now=None):
    start, end = kpis.month_bounds(at(year, number, 1, 0, 0).date())
    return {"start": start, "end": end, **({"now": now} if now else {})}


def row_of(table, unit):
    """The row of `unit` (a Unit) in `kpis.unit_table`."""
    (row,) = [r for r in table if r["unit"] == unit]
    return row


def table(units, year, number, now=None):
    """{unit key: row} of the month's unit table, for the fixture's units."""
    got = kpis.unit_table(**month(year, number, now))
    assert [r["unit"] for r in got] == list(Unit.objects.filter(is_active=True).order_by("kind", "name"))
    return {key: row_of(got, unit) for key, unit in units.items()}
