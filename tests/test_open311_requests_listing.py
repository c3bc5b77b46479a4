"""GET requests: only tickets an operator made public, in the operator's words, with the spec's filters."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hotline import workflow
from hotline.models import Category, Ticket
from hotline.models.choices import Kind
from tests.conftest import at
from tests.open311_schema import json_errors, json_of, xml_errors, xml_of

V2 = "/open311/v2"
SUMMARY = "某村路灯故障，已派单维修（热线摘要）"


@pytest.fixture
def publish(people):
    def make_public(ticket, summary=SUMMARY):
        return workflow.publish(ticket=ticket, by=people["operator"], summary=summary)

    return make_public


@pytest.fixture
def lamps(db):
    return Category.objects.create(name="路灯", parent=Category.objects.create(name="城乡建设"))


def time_machine_at(moment):
    return time_machine.travel(moment, tick=False)


def _ids(document):
    return [request["service_request_id"] for request in document]


def test_a_public_ticket_is_listed_with_the_operators_summary_and_no_personal_data(
    client, people, units, village, resident, lamps, publish
):
    ticket = workflow.receive(
        by=people["operator"], kind="complaint", channel="phone", title="张三家门口路灯不亮",
        description="我是张三，电话13800138000，家门口路灯坏了三天", resident=resident, village=village,
        place="张三家门口", category=lamps,
    )
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    publish(ticket)
    for path in ("requests", f"requests/{ticket.number}"):
        json_response, xml_response = client.get(f"{V2}/{path}.json"), client.get(f"{V2}/{path}.xml")
        for body in (json_response.content.decode(), xml_response.content.decode()):
            for personal in ("张三", "13800138000", "138****8000", "8000", "家门口", "坏了三天"):
                assert personal not in body, (path, personal)
        (request,) = json_of(json_response, "requests")
        ticket.refresh_from_db()
        assert request["service_request_id"] == ticket.number
        assert request["status"] == "open" and request["status_notes"] == "已派往承办单位"
        assert request["description"] == SUMMARY
        assert request["service_code"] == str(lamps.pk) and request["service_name"] == "城乡建设 › 路灯"
        assert request["agency_responsible"] == "区交通运输局"
        assert request["address"] == "石门村, 青山镇" and request["address_id"] == str(village.pk)
        assert request["requested_datetime"] == timezone.localtime(ticket.created_at).isoformat(timespec="seconds")
        assert request["requested_datetime"].endswith("+08:00")
        assert request["expected_datetime"] == timezone.localtime(ticket.reply_by).isoformat(timespec="seconds")
        assert request["lat"] is None and request["long"] is None and request["media_url"] is None

        root = xml_of(xml_response, "service_requests")
        (element,) = root.findall("request")
        assert element.findtext("service_request_id") == ticket.number
        assert element.findtext("description") == SUMMARY
        assert [child.tag for child in element] == list(request)


def test_markup_and_control_characters_keep_the_xml_well_formed(client, make_ticket, publish):
    ticket = publish(make_ticket("new"), summary='路灯 <b>坏了</b> & "急"\x07\x0b 🚧')
    root = xml_of(client.get(f"{V2}/requests/{ticket.number}.xml"), "service_requests")
    assert root.findtext("request/description") == '路灯 <b>坏了</b> & "急" 🚧'
    (request,) = json_of(client.get(f"{V2}/requests/{ticket.number}.json"), "requests")
    assert request["description"] == '路灯 <b>坏了</b> & "急"\x07\x0b 🚧'


def test_a_closed_ticket_shows_closed_with_its_outcome(client, make_ticket, publish):
    ticket = publish(make_ticket("closed"))
    (request,) = json_of(client.get(f"{V2}/requests/{ticket.number}.json"), "requests")
    ticket.refresh_from_db()
    assert request["status"] == "closed"
    assert request["status_notes"] == "已办结，已回访；办理结果：已解决"
    assert request["updated_datetime"] == timezone.localtime(ticket.closed_at).isoformat(timespec="seconds")
    assert request["service_code"] == "general" and request["address"] is None
    root = xml_of(client.get(f"{V2}/requests/{ticket.number}.xml"), "service_requests")
    assert root.findtext("request/status") == "closed"


def test_confidential_reports_and_unpublished_tickets_never_appear(client, make_ticket, publish):
    shown = publish(make_ticket("dispatched"))
    unpublished = make_ticket("dispatched")
    confidential = make_ticket("dispatched", confidential=True)
    report = make_ticket("new", kind=Kind.REPORT)
    withdrawn = publish(make_ticket("new"))
    workflow.unpublish(ticket=withdrawn, by=withdrawn.created_by)
    # even if a flag said otherwise (e.g. made confidential after publishing), they stay hidden
    Ticket.objects.filter(pk__in=[confidential.pk, report.pk]).update(public=True, public_summary="不应公开")
    hidden = [unpublished, confidential, report, withdrawn]

    everything = {"service_request_id": ",".join(t.number for t in [shown, *hidden])}
    for params in ({}, everything, {"status": "open,closed"}):
        assert _ids(json_of(client.get(f"{V2}/requests.json", params), "requests")) == [shown.number]
        root = xml_of(client.get(f"{V2}/requests.xml", params), "service_requests")
        assert [r.findtext("service_request_id") for r in root] == [shown.number]
    for ticket in hidden:
        json_errors(client.get(f"{V2}/requests/{ticket.number}.json"), 404)
        xml_errors(client.get(f"{V2}/requests/{ticket.number}.xml"), 404)
    json_errors(client.get(f"{V2}/requests/0000000.json"), 404)


def test_status_filters_open_and_closed(client, make_ticket, publish):
    open_ticket, closed = publish(make_ticket("in_progress")), publish(make_ticket("closed"))
    assert _ids(json_of(client.get(f"{V2}/requests.json", {"status": "open"}), "requests")) == [open_ticket.number]
    assert _ids(json_of(client.get(f"{V2}/requests.json", {"status": "closed"}), "requests")) == [closed.number]
    both = json_of(client.get(f"{V2}/requests.json", {"status": "closed,open"}), "requests")
    assert _ids(both) == [closed.number, open_ticket.number]  # newest first
    declared_twice = json_of(client.get(f"{V2}/requests.json?status=open&status=closed"), "requests")
    assert _ids(declared_twice) == _ids(both)


def test_service_code_filters_by_category_and_general(client, make_ticket, publish, lamps):
    categorised = make_ticket("new")
    Ticket.objects.filter(pk=categorised.pk).update(category=lamps)
    publish(categorised)
    general = publish(make_ticket("new"))
    assert _ids(json_of(client.get(f"{V2}/requests.json", {"service_code": str(lamps.pk)}), "requests")) == [
        categorised.number
    ]
    assert _ids(json_of(client.get(f"{V2}/requests.json", {"service_code": "general"}), "requests")) == [general.number]
    both = {"service_code": f"general,{lamps.pk}"}
    assert set(_ids(json_of(client.get(f"{V2}/requests.json", both), "requests"))) == {general.number, categorised.number}


def test_service_request_id_overrides_every_other_argument(client, make_ticket, publish):
    with time_machine_at(timezone.now() - dt.timedelta(days=200)):
        old = publish(make_ticket("closed"))
    recent = publish(make_ticket("new"))
    params = {"service_request_id": f"{old.number},{recent.number}", "status": "open", "service_code": "999"}
    assert set(_ids(json_of(client.get(f"{V2}/requests.json", params), "requests"))) == {old.number, recent.number}


def test_the_default_window_is_the_last_90_days(client, make_ticket, publish):
    with time_machine_at(timezone.now() - dt.timedelta(days=91)):
        old = publish(make_ticket("new"))
    with time_machine_at(timezone.now() - dt.timedelta(days=89)):
        recent = publish(make_ticket("new"))
    assert _ids(json_of(client.get(f"{V2}/requests.json"), "requests")) == [recent.number]
    window = {"start_date": (timezone.now() - dt.timedelta(days=100)).isoformat(), "end_date": timezone.now().isoformat()}
    json_errors(client.get(f"{V2}/requests.json", window), 400)  # more than 90 days
    only_start = {"start_date": (timezone.now() - dt.timedelta(days=95)).strftime("%Y-%m-%d")}
    assert _ids(json_of(client.get(f"{V2}/requests.json", only_start), "requests")) == [recent.number, old.number]


def test_start_and_end_dates_in_w3c_forms(client, make_ticket, publish):
    with time_machine_at(at(2026, 3, 2, 10, 0)):
        march = publish(make_ticket("new"))
    with time_machine_at(at(2026, 5, 20, 9, 0)):
        may = publish(make_ticket("new"))
    cases = [
        ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-03-31T00:00:00Z"}, [march.number]),
        ({"start_date": "2026-03-02T10:00:00+08:00", "end_date": "2026-03-02T10:00:00+08:00"}, [march.number]),
        ({"start_date": "2026-03-02T02:00:01Z", "end_date": "2026-04-01"}, []),  # a second after the ticket
        ({"start_date": "2026-05-01", "end_date": "2026-05-20"}, [may.number]),  # an end date includes its day
        ({"start_date": "2026-03-01T00:00", "end_date": "2026-05-29T00:00"}, [may.number, march.number]),
        ({"end_date": "2026-05-20T23:59:59+08:00"}, [may.number, march.number]),  # 90 days back from the end
        ({"end_date": "2026-03-31"}, [march.number]),
    ]
    for params, expected in cases:
        assert _ids(json_of(client.get(f"{V2}/requests.json", params), "requests")) == expected, params
    # a '+' left unencoded in a query string arrives as a space
    response = client.get(f"{V2}/requests.json?start_date=2026-03-02T10:00:00+08:00&end_date=2026-03-03T00:00:00+08:00")
    assert _ids(json_of(response, "requests")) == [march.number]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45"},
        {"start_date": "2026-05-02", "end_date": "2026-05-01"},
        {"start_date": "2026-01-01", "end_date": "2026-12-31"},
        {"status": "pending"},
        {"service_code": "999999"},
    ],
    ids=["bad-start", "bad-end", "end-before-start", "over-90-days", "bad-status", "unknown-service"],
)
def test_bad_arguments_are_400_in_both_formats(client, db, params):
    json_errors(client.get(f"{V2}/requests.json", params), 400)
    xml_errors(client.get(f"{V2}/requests.xml", params), 400)


def test_every_problem_is_reported_at_once(client, db):
    errors = json_errors(client.get(f"{V2}/requests.json", {"start_date": "x", "status": "y", "service_code": "z"}), 400)
    assert len(errors) == 3


def test_at_most_1000_requests_newest_first(client, db):
    now = timezone.now()
    Ticket.objects.bulk_create(
        Ticket(number=f"9{i:06d}", kind="help", channel="phone", title="t", public=True, public_summary=f"摘要{i}",
               created_at=now - dt.timedelta(minutes=i))
        for i in range(1001)
    )
    document = json_of(client.get(f"{V2}/requests.json"), "requests")
    assert len(document) == 1000
    assert document[0]["service_request_id"] == "9000000" and document[-1]["service_request_id"] == "9000999"
    root = xml_of(client.get(f"{V2}/requests.xml"), "service_requests")
    assert len(root.findall("request")) == 1000


def test_the_list_costs_two_queries_whatever_its_length(client, make_ticket, publish, django_assert_num_queries):
    publish(make_ticket("closed"))
    with CaptureQueriesContext(connection) as one:
        assert len(json_of(client.get(f"{V2}/requests.json"), "requests")) == 1
    for state in ("new", "dispatched", "in_progress", "replied", "closed", "closed"):
        publish(make_ticket(state))
    with django_assert_num_queries(len(one)):
        assert len(json_of(client.get(f"{V2}/requests.json"), "requests")) == 7
    with django_assert_num_queries(len(one)):
        xml_of(client.get(f"{V2}/requests.xml"), "service_requests")
    assert len(one) == 2  # the categories, and the tickets with their units, villages and outcomes


def test_gets_are_throttled_per_address(client, db, settings):
    settings.OPEN311 = {**settings.OPEN311, "GET_RATE_PER_ADDRESS": "3/min"}
    for _ in range(3):
        assert client.get(f"{V2}/services.json").status_code == 200
    response = client.get(f"{V2}/requests.xml")
    xml_errors(response, 429)
    assert int(response["Retry-After"]) >= 1
    assert client.get(f"{V2}/services.json", REMOTE_ADDR="10.0.0.9").status_code == 200
