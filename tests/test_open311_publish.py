"""An operator makes a ticket public for Open311 with a summary in their own words (workflow and ticket page)."""

import pytest

from hotline import workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import TicketEvent
from hotline.models.choices import Kind

V2 = "/open311/v2"


def test_an_operator_publishes_with_a_summary_on_the_record(make_ticket, people):
    ticket = make_ticket("dispatched")
    workflow.publish(ticket=ticket, by=people["operator"], summary="  村口路灯故障  ")
    ticket.refresh_from_db()
    assert ticket.public and ticket.public_summary == "村口路灯故障"
    event = ticket.events.get(action=TicketEvent.Action.PUBLISH)
    assert event.actor == people["operator"] and event.note == "村口路灯故障"
    record = ticket.history.first()
    assert record.public and record.public_summary == "村口路灯故障" and record.history_user == people["operator"]


def test_publishing_again_replaces_the_summary_and_unpublishing_withdraws_it(make_ticket, people):
    ticket = make_ticket("new")
    workflow.publish(ticket=ticket, by=people["operator"], summary="第一稿")
    workflow.publish(ticket=ticket, by=people["supervisor"], summary="第二稿")
    workflow.unpublish(ticket=ticket, by=people["supervisor"])
    ticket.refresh_from_db()
    assert not ticket.public and ticket.public_summary == "第二稿"
    event = ticket.events.get(action=TicketEvent.Action.UNPUBLISH)
    assert event.actor == people["supervisor"]
    assert ticket.history.first().history_user == people["supervisor"] and not ticket.history.first().public


@pytest.mark.parametrize("kw", [{"confidential": True}, {"kind": Kind.REPORT}], ids=["confidential", "report"])
def test_confidential_tickets_and_reports_are_never_published(make_ticket, people, refused, kw):
    ticket = make_ticket("dispatched", **kw)
    with refused(ticket, InvalidState):
        workflow.publish(ticket=ticket, by=people["operator"], summary="摘要")


@pytest.mark.parametrize(
    "summary",
    ["", "   ", "x" * 4001, "张三反映路灯坏了", "请回电13800138000", "请回电 138-0013-8000", "联系 139 1234 5678"],
    ids=["empty", "blank", "too-long", "name", "phone", "phone-dashes", "other-mobile"],
)
def test_a_summary_is_required_and_carries_no_personal_data(make_ticket, people, refused, summary):
    ticket = make_ticket("new")
    with refused(ticket, InvalidInput) as info:
        workflow.publish(ticket=ticket, by=people["operator"], summary=summary)
    assert "summary" in info.value.field_errors


@pytest.mark.parametrize("role", ["liaison", "head", "member", "editor", "system"])
def test_only_operators_and_supervisors_publish(make_ticket, people, refused, role):
    ticket = make_ticket("dispatched")
    with refused(ticket, NotAllowed):
        workflow.publish(ticket=ticket, by=people[role], summary="摘要")
    workflow.publish(ticket=ticket, by=people["operator"], summary="摘要")
    with refused(ticket, NotAllowed):
        workflow.unpublish(ticket=ticket, by=people[role])


def test_unpublishing_a_ticket_that_is_not_public_is_a_conflict(make_ticket, people, refused):
    ticket = make_ticket("new")
    with refused(ticket, InvalidState):
        workflow.unpublish(ticket=ticket, by=people["operator"])


# --- the ticket page ----------------------------------------------------------------------------


def _post(client, user, ticket, action, data=None):
    client.force_login(user)
    return client.post(f"/tickets/{ticket.number}/do/{action}/", {f"{action}-{k}": v for k, v in (data or {}).items()})


def test_the_operator_publishes_and_withdraws_from_the_ticket_page(client, make_ticket, people):
    ticket = make_ticket("in_progress")
    client.force_login(people["operator"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-action="publish"' in page and 'data-action="unpublish"' not in page

    response = _post(client, people["operator"], ticket, "publish", {"summary": "村口路灯故障，承办单位处理中"})
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.number}/"
    ticket.refresh_from_db()
    assert ticket.public
    (listed,) = client.get(f"{V2}/requests.json").json()
    assert listed["service_request_id"] == ticket.number and listed["description"] == "村口路灯故障，承办单位处理中"

    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-action="unpublish"' in page and "村口路灯故障，承办单位处理中" in page  # the form keeps the summary
    assert _post(client, people["operator"], ticket, "unpublish").status_code == 302
    ticket.refresh_from_db()
    assert not ticket.public
    assert client.get(f"{V2}/requests.json").json() == []


def test_the_page_shows_why_a_summary_was_refused(client, make_ticket, people):
    ticket = make_ticket("new")
    response = _post(client, people["operator"], ticket, "publish", {"summary": "张三说路灯坏了"})
    assert response.status_code == 400
    assert "公开摘要不能包含群众的姓名或电话号码" in response.content.decode()
    ticket.refresh_from_db()
    assert not ticket.public


def test_a_confidential_ticket_page_offers_no_publishing(client, make_ticket, people):
    ticket = make_ticket("new", confidential=True)
    client.force_login(people["operator"])
    assert 'data-action="publish"' not in client.get(f"/tickets/{ticket.number}/").content.decode()
    assert _post(client, people["operator"], ticket, "publish", {"summary": "摘要"}).status_code == 409
    ticket.refresh_from_db()
    assert not ticket.public


def test_a_unit_cannot_publish_from_the_page(client, make_ticket, people):
    ticket = make_ticket("in_progress")
    client.force_login(people["liaison"])
    assert 'data-action="publish"' not in client.get(f"/tickets/{ticket.number}/").content.decode()
    assert _post(client, people["liaison"], ticket, "publish", {"summary": "摘要"}).status_code == 403
    assert _post(client, people["other_liaison"], ticket, "publish", {"summary": "摘要"}).status_code == 404
    ticket.refresh_from_db()
    assert not ticket.public
