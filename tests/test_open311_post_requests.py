"""POST requests: a client with an active api_key files a ticket through the workflow; errors are the spec's."""

import hashlib
import secrets

import pytest
from django.utils import timezone

from hotline import workflow
from hotline.models import Category, Message, Open311Key, Ticket, TicketEvent
from hotline.models.choices import Channel, Kind, Status
from tests.open311_schema import json_errors, json_of, xml_errors, xml_of

V2 = "/open311/v2"


@pytest.fixture
def api_key(db):
    key = secrets.token_urlsafe(32)
    Open311Key.objects.create(name="城市App", prefix=key[:8], key_hash=hashlib.sha256(key.encode()).hexdigest())
    return key


@pytest.fixture
def lamps(db):
    return Category.objects.create(name="路灯", parent=Category.objects.create(name="城乡建设"))


@pytest.fixture
def post(client):
    def send(fmt="json", **fields):
        return client.post(f"{V2}/requests.{fmt}", fields)

    return send


def _fields(api_key, lamps, **overrides):
    return {
        "api_key": api_key, "jurisdiction_id": "hotline.example.cn", "service_code": str(lamps.pk),
        "address_string": "石门村村委会旁", "description": "路灯坏了三天，晚上很黑\n请尽快修理",
        "phone": "13912345678", "first_name": "四", "last_name": "李", "attribute[kind]": "complaint",
        **overrides,
    }


def test_a_post_files_a_ticket_through_the_workflow(post, api_key, lamps, village, outbox):
    response = post(**_fields(api_key, lamps, address_id=str(village.pk), lat="25.05", long="103.21"))
    assert response.status_code == 200
    (created,) = json_of(response, "post-response")
    ticket = Ticket.objects.get(number=created["service_request_id"])
    assert "token" not in created and "account_id" not in created
    assert ticket.channel == Channel.OPEN311 and ticket.status == Status.NEW
    assert ticket.kind == Kind.COMPLAINT and ticket.category == lamps and ticket.village == village
    assert ticket.title == "路灯坏了三天，晚上很黑"
    assert ticket.description.startswith("路灯坏了三天，晚上很黑\n请尽快修理") and "城市App" in ticket.description
    assert ticket.place == "石门村村委会旁 (25.050000, 103.210000)"
    assert ticket.created_by == workflow.system_user() and not ticket.public and not ticket.confidential
    assert ticket.resident.phone == "+8613912345678" and ticket.resident.name == "李四"
    assert TicketEvent.objects.filter(ticket=ticket, action=TicketEvent.Action.RECEIVE).exists()
    ack = Message.objects.get(ticket=ticket)  # the acknowledgement with the number, as for any channel
    assert ack.phone == "+8613912345678" and ticket.number in ack.body
    # the submitter's phone and name are never echoed back
    assert "13912345678" not in response.content.decode() and "李" not in response.content.decode()
    key = Open311Key.objects.get()
    assert key.last_used_at is not None and key.last_used_at <= timezone.now()


def test_the_xml_answer_names_the_request(post, api_key, lamps):
    response = post("xml", **_fields(api_key, lamps))
    assert response.status_code == 200
    root = xml_of(response, "service_requests")
    (request,) = root.findall("request")
    number = request.findtext("service_request_id")
    assert Ticket.objects.filter(number=number, channel=Channel.OPEN311).exists()
    assert request.findtext("service_notice")


def test_a_posted_request_appears_in_the_operator_queue(client, post, api_key, lamps, people):
    (created,) = json_of(post(**_fields(api_key, lamps)), "post-response")
    client.force_login(people["operator"])
    fragment = client.get("/console/queue/new/").content.decode()
    assert f'data-ticket-number="{created["service_request_id"]}"' in fragment


def test_it_is_not_listed_until_an_operator_publishes_it(client, post, api_key, lamps, people):
    (created,) = json_of(post(**_fields(api_key, lamps)), "post-response")
    number = created["service_request_id"]
    json_errors(client.get(f"{V2}/requests/{number}.json"), 404)
    assert json_of(client.get(f"{V2}/requests.json"), "requests") == []
    workflow.publish(ticket=Ticket.objects.get(number=number), by=people["operator"], summary="村里路灯坏了")
    (listed,) = json_of(client.get(f"{V2}/requests/{number}.json"), "requests")
    assert listed["description"] == "村里路灯坏了" and listed["service_code"] == str(lamps.pk)
    assert "13912345678" not in client.get(f"{V2}/requests/{number}.xml").content.decode()


def test_general_service_without_phone_and_defaults(post, api_key, db):
    fields = {"api_key": api_key, "service_code": "general", "lat": "25.1", "long": "103.2", "description": "问一下"}
    (created,) = json_of(post(**fields), "post-response")
    ticket = Ticket.objects.get(number=created["service_request_id"])
    assert ticket.category is None and ticket.kind == Kind.HELP and ticket.resident is None
    assert ticket.place == "25.100000, 103.200000"
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_resident_may_ask_for_confidentiality(post, api_key, lamps):
    (created,) = json_of(post(**_fields(api_key, lamps, **{"attribute[confidential]": "true"})), "post-response")
    assert Ticket.objects.get(number=created["service_request_id"]).confidential


@pytest.mark.parametrize("key", [None, "", "wrong-key", "INACTIVE"], ids=["missing", "empty", "wrong", "inactive"])
def test_a_missing_wrong_or_inactive_api_key_is_403(post, api_key, lamps, key):
    if key == "INACTIVE":
        Open311Key.objects.update(is_active=False)
        key = api_key
    fields = _fields(api_key, lamps)
    if key is None:
        del fields["api_key"]
    else:
        fields["api_key"] = key
    (error,) = json_errors(post(**fields), 403)
    assert "api_key" in error["description"]
    xml_errors(post("xml", **fields), 403)
    assert not Ticket.objects.exists()


def test_an_unknown_or_retired_service_code_is_404(post, api_key, lamps):
    retired = Category.objects.create(name="旧", is_active=False)
    for code in ("999999", str(retired.pk), "abc"):
        (error,) = json_errors(post(**_fields(api_key, lamps, service_code=code)), 404)
        assert code in error["description"]
        xml_errors(post("xml", **_fields(api_key, lamps, service_code=code)), 404)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "change, count",
    [
        ({"service_code": ""}, 1),
        ({"address_string": "", "description": ""}, 2),  # no location and no description: both said
        ({"address_string": "", "lat": "25.1"}, 1),  # lat without long
        ({"lat": "91", "long": "0"}, 1),
        ({"lat": "north", "long": "east"}, 2),
        ({"address_id": "999999"}, 1),
        ({"description": "x" * 4001}, 1),
        ({"attribute[kind]": "gossip"}, 1),
        ({"attribute[kind]": "report"}, 1),  # reports are taken by the hotline itself
        ({"attribute[confidential]": "maybe"}, 1),
        ({"media_url": "javascript:alert(1)"}, 1),
        ({"phone": "12"}, 1),  # rejected by the workflow's phone check
    ],
    ids=["no-service", "no-location-no-description", "half-coordinates", "lat-range", "coordinates-text",
         "unknown-address-id", "long-description", "bad-kind", "report", "bad-confidential", "bad-media", "bad-phone"],
)
def test_missing_or_bad_fields_are_400_in_both_formats(post, api_key, lamps, change, count):
    fields = {k: v for k, v in _fields(api_key, lamps, **change).items() if v != ""}
    assert len(json_errors(post(**fields), 400)) == count
    assert len(xml_errors(post("xml", **fields), 400)) == count
    assert not Ticket.objects.exists()


def test_fields_may_come_in_the_query_string(client, api_key, lamps):
    response = client.post(
        f"{V2}/requests.json?api_key={api_key}&service_code={lamps.pk}&address_string=石门村&description=路灯坏了"
    )
    (created,) = json_of(response, "post-response")
    assert Ticket.objects.filter(number=created["service_request_id"]).exists()


def test_a_wrong_jurisdiction_is_404_before_anything_is_filed(post, api_key, lamps):
    json_errors(post(**_fields(api_key, lamps, jurisdiction_id="sfgov.org")), 404)
    assert not Ticket.objects.exists()


def test_posts_are_throttled_per_address_and_per_key(client, post, api_key, lamps, settings):
    settings.OPEN311 = {**settings.OPEN311, "POST_RATE_PER_ADDRESS": "2/min", "POST_RATE_PER_KEY": "3/hour"}
    assert post(**_fields(api_key, lamps)).status_code == 200
    json_errors(post(**{**_fields(api_key, lamps), "api_key": "guess"}), 403)
    response = post("xml", **_fields(api_key, lamps))
    xml_errors(response, 429)
    assert int(response["Retry-After"]) >= 1
    # another address has its own allowance, but the key's is shared
    other = {"REMOTE_ADDR": "10.1.1.1"}
    assert client.post(f"{V2}/requests.json", _fields(api_key, lamps), **other).status_code == 200
    assert client.post(f"{V2}/requests.json", _fields(api_key, lamps), **{"REMOTE_ADDR": "10.1.1.2"}).status_code == 200
    json_errors(client.post(f"{V2}/requests.json", _fields(api_key, lamps), **{"REMOTE_ADDR": "10.1.1.3"}), 429)
    assert Ticket.objects.count() == 3


def test_batch_mode_answers_with_a_token_that_resolves_to_the_request(client, post, api_key, lamps, settings):
    settings.OPEN311 = {**settings.OPEN311, "RESPONSE_TYPE": "batch"}
    assert {s["type"] for s in json_of(client.get(f"{V2}/services.json"), "services")} == {"batch"}
    (answer,) = json_of(post(**_fields(api_key, lamps)), "post-response")
    assert "service_request_id" not in answer
    token = answer["token"]
    ticket = Ticket.objects.get()
    (resolved,) = json_of(client.get(f"{V2}/tokens/{token}.json"), "token-response")
    assert resolved == {"service_request_id": ticket.number, "token": token}
    root = xml_of(client.get(f"{V2}/tokens/{token}.xml"), "service_requests")
    assert root.findtext("request/service_request_id") == ticket.number and root.findtext("request/token") == token
    xml_token = xml_of(post("xml", **_fields(api_key, lamps)), "service_requests").findtext("request/token")
    assert xml_token and client.get(f"{V2}/tokens/{xml_token}.json").status_code == 200


def test_an_unknown_forged_or_expired_token_is_404(client, post, api_key, lamps, settings, time_machine):
    settings.OPEN311 = {**settings.OPEN311, "RESPONSE_TYPE": "batch", "TOKEN_MAX_AGE_DAYS": 1}
    (answer,) = json_of(post(**_fields(api_key, lamps)), "post-response")
    token = answer["token"]
    number = Ticket.objects.get().number
    forged = token.replace(number, "1234567")
    for bad in ("12345", forged, number):
        json_errors(client.get(f"{V2}/tokens/{bad}.json"), 404)
        xml_errors(client.get(f"{V2}/tokens/{bad}.xml"), 404)
    time_machine.move_to(timezone.now() + timezone.timedelta(days=2))
    json_errors(client.get(f"{V2}/tokens/{token}.json"), 404)
