"""Every API error has one JSON shape: {"error": {"code", "message", "fields"}}, with the
status the issue asks for and the user-facing text in Chinese (English on request)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hotline.models import Ticket

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(user=user).key)
    return client


def error_of(response, status, code):
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_it_answers_400_with_the_fields_the_input_gets_wrong(people):
    error = error_of(
        client_for(people["operator"]).post("/api/tickets/", {"kind": "gossip", "title": ""}, format="json"),
        400, "invalid",
    )
    assert set(error["fields"]) == {"kind", "title"}
    assert all(isinstance(m, str) for messages in error["fields"].values() for m in messages)
    assert error["message"] in error["fields"]["kind"] + error["fields"]["title"]


def test_it_answers_400_with_the_field_the_workflow_refuses(people):
    error = error_of(
        client_for(people["operator"]).post("/api/tickets/", {"kind": "help", "title": "停水", "phone": "12"}, format="json"),
        400, "invalid_input",
    )
    assert list(error["fields"]) == ["phone"]
    assert "不是有效的电话号码" in error["message"]


def test_nested_field_errors_are_dotted(people, make_ticket):
    ticket = make_ticket("new")
    error = error_of(
        client_for(people["operator"]).post(
            f"/api/tickets/{ticket.number}/dispatch/", {"lead_unit": 999999, "co_units": ["x"]}, format="json"
        ),
        400, "invalid",
    )
    assert set(error["fields"]) == {"lead_unit", "co_units.0"}


def test_it_answers_401_without_credentials_and_with_a_bad_token():
    error = error_of(APIClient().get("/api/tickets/"), 401, "not_authenticated")
    assert error["message"] == "身份认证信息未提供。"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get("/api/tickets/")
    error_of(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_it_answers_403_when_the_user_sees_the_ticket_but_may_not_act(people, make_ticket):
    ticket = make_ticket("dispatched")
    error = error_of(client_for(people["operator"]).post(f"/api/tickets/{ticket.number}/sign/"), 403, "permission_denied")
    assert error["message"] == "您无权对该工单执行此操作。"


def test_another_units_ticket_is_404_exactly_like_a_missing_one(people, make_ticket):
    ticket = make_ticket("dispatched")  # held by the roads bureau
    water = client_for(people["other_liaison"])
    missing = "9" * 8 if ticket.number != "9" * 8 else "8" * 8
    assert not Ticket.objects.filter(number=missing).exists()
    for path in ("/api/tickets/{}/", "/api/tickets/{}/calls/"):
        hidden = water.get(path.format(ticket.number))
        absent = water.get(path.format(missing))
        assert error_of(hidden, 404, "not_found") == error_of(absent, 404, "not_found")
    for action, body in (("sign", {}), ("notes", {"note": "x"}), ("return", {})):
        hidden = water.post(f"/api/tickets/{ticket.number}/{action}/", body, format="json")
        absent = water.post(f"/api/tickets/{missing}/{action}/", body, format="json")
        assert error_of(hidden, 404, "not_found") == error_of(absent, 404, "not_found")


def test_a_confidential_report_is_404_for_the_unit_it_is_about(people, units, make_ticket):
    ticket = make_ticket("dispatched", kind="report", reported_unit=units["water"])
    error_of(client_for(people["other_liaison"]).get(f"/api/tickets/{ticket.number}/"), 404, "not_found")


def test_signing_twice_is_a_409_conflict(people, make_ticket):
    ticket = make_ticket("dispatched")
    liaison = client_for(people["liaison"])
    assert liaison.post(f"/api/tickets/{ticket.number}/sign/").status_code == 200
    error = error_of(liaison.post(f"/api/tickets/{ticket.number}/sign/"), 409, "invalid_state")
    assert error["message"] == f"工单{ticket.number}已签收或不在待签收状态。"


def test_an_operator_may_not_decide_a_disputed_return(people, units, make_ticket):
    from hotline import workflow

    ticket = make_ticket("dispatched")
    workflow.request_return(ticket=ticket, by=people["liaison"], reason="不归我们管")
    workflow.escalate_return(ticket=ticket, by=people["operator"], note="双方各执一词")
    body = {"decision": "approve"}
    error = error_of(
        client_for(people["operator"]).post(f"/api/tickets/{ticket.number}/return-decision/", body, format="json"),
        403, "permission_denied",
    )
    assert "督办" in error["message"]
    response = client_for(people["supervisor"]).post(f"/api/tickets/{ticket.number}/return-decision/", body, format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"


def test_unknown_paths_and_methods_answer_in_the_same_shape(people):
    client = client_for(people["operator"])
    error_of(client.get("/api/no-such-thing/"), 404, "not_found")
    error_of(client.get("/api/tickets/not-a-number/"), 404, "not_found")
    error_of(client.delete("/api/tickets/"), 405, "method_not_allowed")
    error_of(client.post("/api/tickets/", "kind=help", content_type="application/x-www-form-urlencoded"),
             415, "unsupported_media_type")
    error_of(client.post("/api/tickets/", "{not json", content_type="application/json"), 400, "parse_error")


def test_messages_are_english_when_the_user_chose_english(people, make_ticket):
    ticket = make_ticket("dispatched")
    client = client_for(people["liaison"])
    client.cookies["django_language"] = "en"
    client.post(f"/api/tickets/{ticket.number}/sign/")
    error = error_of(client.post(f"/api/tickets/{ticket.number}/sign/"), 409, "invalid_state")
    assert error["message"].isascii()
