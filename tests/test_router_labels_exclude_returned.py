"""A returned ticket teaches the classifier nothing about the unit that returned it: the label is the
unit that finally handled it."""

import pytest

from hotline import clock, workflow
from hotline.models.choices import ContactMethod, Outcome
from hotline.routing import training
from tests.conftest import advance_ticket


@pytest.mark.django_db
def test_only_the_unit_that_handled_it_in_the_end_is_the_label(units, people, resident):
    returned = workflow.receive(by=people["operator"], kind="help", channel="phone", title="自来水管爆裂", resident=resident)
    workflow.dispatch(ticket=returned, by=people["operator"], lead_unit=units["water"])
    workflow.request_return(ticket=returned, by=people["other_liaison"], reason="是公路上的管道，不归我们")
    workflow.decide_return(ticket=returned, by=people["operator"], approve=True)
    returned.refresh_from_db()
    advance_ticket(returned, "closed", people=people, lead_unit=units["roads"])

    reopened = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路面塌陷", resident=resident)
    reopened = advance_ticket(reopened, "closed", people=people, lead_unit=units["roads"])
    workflow.reopen(ticket=reopened, by=people["operator"], reason="群众不满意", lead_unit=units["water"])
    reopened.refresh_from_db()  # dispatched again, to the water bureau, which handles it
    workflow.sign(ticket=reopened, by=people["other_liaison"])
    workflow.reply(
        ticket=reopened, by=people["other_liaison"], text="已修复", outcome=Outcome.RESOLVED,
        contact_method=ContactMethod.PHONE, contacted_at=clock.now(),
    )

    still_open = workflow.receive(by=people["operator"], kind="help", channel="phone", title="桥梁栏杆损坏")
    advance_ticket(still_open, "in_progress", people=people, lead_unit=units["roads"])

    labels = {row["document"].split(" ")[0]: row["unit"] for row in training.labelled_history()}
    assert labels == {"自来水管爆裂": units["roads"].pk, "路面塌陷": units["water"].pk}
    assert training.labelled_count() == 2
