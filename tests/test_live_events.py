"""Live events go out after commit, carry ids only, and reach the groups concerned."""

import pytest
from django.db import transaction

from hotline import workflow
from tests.helpers import drain, listen


@pytest.mark.django_db(transaction=True)
def test_dispatch_reaches_operators_and_the_units_after_commit(people, units, make_ticket):
    ticket = make_ticket("new")
    layer, channel = listen(f"unit-{units['roads'].pk}", f"unit-{units['water'].pk}")
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"], co_units=[units["water"]])
    events = drain(layer, channel)
    assert {e["event"] for e in events} == {"dispatched"}
    assert len(events) == 2  # one per unit group
    assert all(set(e) == {"type", "event", "ticket"} and e["ticket"] == ticket.pk for e in events)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_no_event(people, units, make_ticket):
    ticket = make_ticket("new")
    layer, channel = listen("operators")
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
            raise RuntimeError("the outer request failed")
    assert drain(layer, channel) == []
    ticket.refresh_from_db()
    assert ticket.status == "new"


@pytest.mark.django_db(transaction=True)
def test_the_returning_unit_hears_that_its_return_was_approved(people, units, make_ticket):
    ticket = make_ticket("in_progress")
    workflow.request_return(ticket=ticket, by=people["liaison"], reason="不属于本单位职责")
    layer, channel = listen(f"unit-{units['roads'].pk}")
    workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)
    assert "returned" in {e["event"] for e in drain(layer, channel)}
