"""The ticket page goes through the access rule: 404 for tickets a user may not see, and per-role content."""

import pytest

from hotline import workflow


def _page(client, user, ticket):
    client.force_login(user)
    return client.get(f"/tickets/{ticket.number}/")


def test_operators_see_the_resident_the_sms_and_the_field_history(client, people, make_ticket):
    ticket = make_ticket("dispatched")
    body = _page(client, people["operator"], ticket).content.decode()
    assert "+8613800138000" in body and "张三" in body
    assert "字段变更记录" in body and "短信" in body
    assert 'data-action="dispatch"' not in body  # already dispatched
    assert 'data-action="supervise"' not in body  # supervisors only


def test_the_field_history_shows_the_workflows_changes_in_words(client, people, make_ticket):
    ticket = make_ticket("replied")
    body = _page(client, people["operator"], ticket).content.decode()
    assert "状态：待受理 → 已派单" in body and "状态：办理中 → 已答复" in body
    assert "主办单位：— → 区交通运输局" in body


def test_a_liaison_opening_another_units_ticket_gets_404(client, people, make_ticket):
    ticket = make_ticket("dispatched")
    response = _page(client, people["other_liaison"], ticket)
    assert response.status_code == 404
    assert ticket.title not in response.content.decode()


def test_the_lead_units_liaison_can_sign_but_sees_no_sms_or_history(client, people, make_ticket):
    ticket = make_ticket("dispatched")
    body = _page(client, people["liaison"], ticket).content.decode()
    assert 'data-action="sign"' in body
    assert 'data-action="dispatch"' not in body
    assert "字段变更记录" not in body
    assert "+8613800138000" in body  # an ordinary ticket: the unit calls the resident itself


def test_a_confidential_tickets_resident_is_hidden_from_the_unit(client, people, make_ticket):
    ticket = make_ticket("in_progress", confidential=True)
    body = _page(client, people["liaison"], ticket).content.decode()
    assert "13800138000" not in body and "张三" not in body
    assert 'data-action="masked_call"' in body
    assert 'data-action="reply"' in body


def test_a_member_sees_only_tickets_handed_to_them(client, people, make_ticket):
    ticket = make_ticket("in_progress")
    assert _page(client, people["member"], ticket).status_code == 404
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    body = _page(client, people["member"], ticket).content.decode()
    assert 'data-action="reply"' in body
    assert 'data-action="sign"' not in body and 'data-action="request_return"' not in body
    assert _page(client, people["other_member"], ticket).status_code == 404


def test_a_report_about_a_unit_is_never_shown_to_it(client, people, units, make_ticket):
    ticket = make_ticket("dispatched", kind="report", reported_unit=units["roads"], lead="water")
    assert _page(client, people["liaison"], ticket).status_code == 404
    assert _page(client, people["other_liaison"], ticket).status_code == 200


def test_anonymous_users_are_sent_to_the_login_page(client, make_ticket):
    ticket = make_ticket("new")
    response = client.get(f"/tickets/{ticket.number}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["operator", "supervisor"])
def test_hotline_staff_get_the_decisions_their_role_allows(client, people, make_ticket, role):
    ticket = make_ticket("in_progress")
    workflow.request_extension(
        ticket=ticket, by=people["liaison"], reason="需要协调", new_reply_by=ticket.reply_by.replace(year=ticket.reply_by.year + 1)
    )
    body = _page(client, people[role], ticket).content.decode()
    assert ('data-action="decide_extension"' in body) is (role == "supervisor")


def test_the_ticket_page_costs_a_fixed_number_of_queries(client, people, make_ticket, django_assert_max_num_queries):
    ticket = make_ticket("closed")
    client.force_login(people["operator"])
    with django_assert_max_num_queries(30):
        assert client.get(f"/tickets/{ticket.number}/").status_code == 200


def test_a_disputed_return_is_decided_by_the_supervisor_only(client, people, units, make_ticket):
    ticket = make_ticket("in_progress")
    workflow.request_return(ticket=ticket, by=people["liaison"], reason="不属于本单位职责")
    body = _page(client, people["operator"], ticket).content.decode()
    assert 'data-action="decide_return"' in body and 'data-action="escalate_return"' in body
    workflow.escalate_return(ticket=ticket, by=people["operator"], note="双方各执一词")
    body = _page(client, people["operator"], ticket).content.decode()
    assert 'data-action="decide_return"' not in body and 'data-action="escalate_return"' not in body
    assert "有争议，由督办裁决" in body
    assert 'data-action="decide_return"' in _page(client, people["supervisor"], ticket).content.decode()
    client.force_login(people["operator"])
    assert ticket.number not in client.get("/console/queue/return_undisputed/").content.decode()


def test_actions_the_workflow_would_refuse_now_are_not_offered(client, people, make_ticket, monday, time_machine):
    ticket = make_ticket("in_progress")
    body = _page(client, people["liaison"], ticket).content.decode()
    assert 'data-action="request_return"' in body and 'data-action="request_extension"' in body
    time_machine.shift(60 * 60 * 24 * 30)  # past the return window and the reply deadline
    body = _page(client, people["liaison"], ticket).content.decode()
    assert 'data-action="request_return"' not in body and 'data-action="request_extension"' not in body
    assert 'data-action="reply"' in body  # late, but still to be done


def test_close_as_unrated_is_offered_only_after_the_survey_wait(client, people, make_ticket, monday, time_machine):
    ticket = make_ticket("accepted")
    assert 'data-action="close"' not in _page(client, people["operator"], ticket).content.decode()
    time_machine.shift(60 * 60 * 24 * 7)
    assert 'data-action="close"' in _page(client, people["operator"], ticket).content.decode()


def test_a_masked_call_is_offered_only_to_staff_with_a_phone_on_record(client, people, make_ticket):
    ticket = make_ticket("in_progress", confidential=True)
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])  # the member has no phone
    assert 'data-action="masked_call"' in _page(client, people["liaison"], ticket).content.decode()
    assert 'data-action="masked_call"' not in _page(client, people["member"], ticket).content.decode()
