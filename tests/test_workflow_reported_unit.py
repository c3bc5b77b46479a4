"""A report's unit may be named after receipt, while no unit holds it; then it never goes to that unit."""

import pytest

from hotline import access, workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed

pytestmark = pytest.mark.django_db


def test_an_operator_names_the_unit_a_report_is_about(people, units, make_ticket):
    report = make_ticket("new", kind="report")
    workflow.name_reported_unit(ticket=report, by=people["operator"], unit=units["roads"])
    report.refresh_from_db()
    assert report.reported_unit == units["roads"]
    assert report.history.latest("history_date").history_user == people["operator"]
    with pytest.raises(InvalidInput):
        workflow.dispatch(ticket=report, by=people["operator"], lead_unit=units["roads"])


def test_not_while_a_unit_holds_it(people, units, make_ticket, refused):
    report = make_ticket("dispatched", kind="report", lead="water")
    with refused(report, InvalidState):
        workflow.name_reported_unit(ticket=report, by=people["operator"], unit=units["water"])


def test_only_for_reports_and_only_by_the_hotline(people, units, make_ticket, refused):
    complaint = make_ticket("new", kind="complaint")
    with refused(complaint, InvalidInput):
        workflow.name_reported_unit(ticket=complaint, by=people["operator"], unit=units["roads"])
    report = make_ticket("new", kind="report")
    with refused(report, NotAllowed):
        workflow.name_reported_unit(ticket=report, by=people["liaison"], unit=units["roads"])


def test_named_in_the_admin_on_a_returned_report(client, people, units, make_ticket):
    report = make_ticket("dispatched", kind="report", lead="water")
    workflow.request_return(ticket=report, by=people["other_liaison"], reason="非本单位职责")
    workflow.decide_return(ticket=report, by=people["operator"], approve=True)
    supervisor = people["supervisor"]
    supervisor.is_staff = True
    supervisor.save()
    client.force_login(supervisor)
    url = f"/admin/hotline/ticket/{report.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "reported_unit" in form.fields
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data["reported_unit"] = units["roads"].pk
    for prefix in ("assignments", "replies", "events", "messages", "calls"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.reported_unit == units["roads"] and not access.can_see(people["liaison"], report)
