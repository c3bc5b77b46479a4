"""Actions posted from the ticket page run the workflow; bad input and state conflicts change nothing."""

from hotline.models import Ticket
from hotline.models.choices import Status


def _post(client, user, ticket, action, data, **extra):
    client.force_login(user)
    return client.post(
        f"/tickets/{ticket.number}/do/{action}/", {f"{action}-{k}": v for k, v in data.items()}, **extra
    )


def test_an_operator_dispatches_from_the_ticket_page(client, people, units, make_ticket, outbox):
    ticket = make_ticket("new")
    response = _post(client, people["operator"], ticket, "dispatch", {"lead_unit": units["roads"].pk, "co_units": [units["water"].pk]})
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.number}/"
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit == units["roads"]
    assert ticket.assignments.filter(is_current=True).count() == 2
    page = client.get(response.url).content.decode()
    assert "已派单至区交通运输局" in page


def test_a_missing_field_is_shown_on_the_form_and_nothing_changes(client, people, make_ticket):
    ticket = make_ticket("new")
    response = _post(client, people["operator"], ticket, "dispatch", {"note": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "该字段是必填项" in body and 'data-action="dispatch" open' in body
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_a_workflow_input_error_lands_on_its_field(client, people, make_ticket):
    ticket = make_ticket("in_progress")
    response = _post(
        client, people["liaison"], ticket, "reply",
        {"text": "已处理", "outcome": "not_resolvable", "contact_method": "phone", "contacted_at": "", "contacted": "on"},
    )
    assert response.status_code == 400
    assert "无法解决时请说明原因" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_signing_a_ticket_already_signed_is_a_conflict(client, people, make_ticket):
    ticket = make_ticket("in_progress")
    response = _post(client, people["liaison"], ticket, "sign", {})
    assert response.status_code == 409
    assert "已签收或不在待签收状态" in response.content.decode()


def test_another_unit_posting_an_action_gets_404_and_changes_nothing(client, people, make_ticket):
    ticket = make_ticket("dispatched")
    assert _post(client, people["other_liaison"], ticket, "sign", {}).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_a_role_without_the_right_gets_403(client, people, make_ticket):
    ticket = make_ticket("new")
    response = _post(client, people["liaison"], ticket, "dispatch", {})
    assert response.status_code in (403, 404)
    ticket = make_ticket("in_progress")
    response = _post(client, people["member"], ticket, "sign", {})
    assert response.status_code == 404  # not handed to the member: not even visible


def test_a_one_click_button_returns_to_a_local_page_only(client, people, make_ticket):
    ticket = make_ticket("dispatched")
    client.force_login(people["liaison"])
    response = client.post(f"/tickets/{ticket.number}/do/sign/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.number}/"
    ticket = make_ticket("dispatched")
    response = client.post(f"/tickets/{ticket.number}/do/sign/", {"next": "/unit/"})
    assert response.url == "/unit/"


def test_the_liaison_replies_after_contacting_the_resident(client, people, make_ticket, monday, time_machine):
    ticket = make_ticket("in_progress")
    time_machine.shift(3600)
    response = _post(
        client, people["liaison"], ticket, "reply",
        {"text": "路灯已修复", "outcome": "resolved", "contact_method": "phone",
         "contacted_at": ticket.signed_at.astimezone().strftime("%Y-%m-%dT%H:%M"), "contacted": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_the_operator_accepts_the_reply_and_records_the_callback(client, people, make_ticket, outbox):
    ticket = make_ticket("replied")
    assert _post(client, people["operator"], ticket, "review", {"decision": "accept"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.reply_accepted_at is not None
    assert _post(client, people["operator"], ticket, "satisfaction", {"satisfaction": "satisfied"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.satisfaction == "satisfied"


def test_sending_a_reply_back_needs_a_note(client, people, make_ticket):
    ticket = make_ticket("replied")
    response = _post(client, people["operator"], ticket, "review", {"decision": "send_back"})
    assert response.status_code == 400
    assert "退回答复请说明" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED


def test_an_operator_merges_a_duplicate_by_number(client, people, make_ticket):
    first, second = make_ticket("new"), make_ticket("new")
    assert _post(client, people["operator"], second, "merge", {"into": first.number}).status_code == 302
    second.refresh_from_db()
    assert second.merged_into == first and second.status == Status.CLOSED
    response = _post(client, people["operator"], first, "merge", {"into": "0000000"})
    assert response.status_code == 400 and "找不到工单0000000" in response.content.decode()


def test_an_unknown_action_is_404(client, people, make_ticket):
    ticket = make_ticket("new")
    client.force_login(people["operator"])
    assert client.post(f"/tickets/{ticket.number}/do/explode/", {}).status_code == 404
    assert client.get(f"/tickets/{ticket.number}/do/sign/").status_code == 405
