"""A 举报 sent as feedback on a pledge is about the pledge's unit: the ticket names it as the reported
unit (so it is never dispatched there) and hides the reporter, like any report."""

import pytest

from hotline import pledges, workflow
from hotline.errors import WorkflowError
from hotline.models import Resident
from tests.pledge_helpers import make_pledge


def test_a_report_on_a_pledge_names_its_unit_and_cannot_go_to_it(people, units):
    pledge = make_pledge(people, units)
    resident = Resident.for_phone("13800138001", by=people["system"])
    ticket = pledges.feedback(pledge=pledge, resident=resident, text="举报施工队偷工减料", by=people["system"])
    assert (ticket.kind, ticket.reported_unit, ticket.confidential) == ("report", units["roads"], True)
    with pytest.raises(WorkflowError):
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])


def test_other_feedback_names_no_unit(people, units):
    pledge = make_pledge(people, units)
    resident = Resident.for_phone("13800138001", by=people["system"])
    ticket = pledges.feedback(pledge=pledge, resident=resident, text="建议加装路灯", by=people["system"])
    assert (ticket.kind, ticket.reported_unit, ticket.confidential) == ("suggestion", None, False)
