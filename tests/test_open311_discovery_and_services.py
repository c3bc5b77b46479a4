"""Open311 discovery, services and service definitions, in JSON (validated) and the spec's XML."""

import pytest

from hotline.models import Category
from tests.open311_schema import json_errors, json_of, xml_errors, xml_of

V2 = "/open311/v2"


@pytest.fixture
def categories(db):
    roads = Category.objects.create(name="城乡建设")
    lamps = Category.objects.create(name="路灯", parent=Category.objects.create(name="道路", parent=roads))
    retired = Category.objects.create(name="旧分类", is_active=False)
    return {"roads": roads, "lamps": lamps, "retired": retired}


def test_discovery_names_the_endpoint_and_both_formats(client, categories):
    document = json_of(client.get(f"{V2}/discovery.json"), "discovery")
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert document["changeset"].endswith("+08:00")

    root = xml_of(client.get(f"{V2}/discovery.xml"), "discovery")
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    assert root.find("endpoints/endpoint/url").text == "http://testserver/open311/v2"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_the_root_leads_to_discovery(client, db):
    response = client.get(f"{V2}/")
    assert response.status_code == 302 and response.url == f"{V2}/discovery.xml"


def test_services_are_the_active_categories_and_general(client, categories):
    services = json_of(client.get(f"{V2}/services.json"), "services")
    by_code = {s["service_code"]: s for s in services}
    lamps = by_code[str(categories["lamps"].pk)]
    assert lamps["service_name"] == "城乡建设 › 道路 › 路灯"
    assert lamps["group"] == "城乡建设" and lamps["keywords"] == "城乡建设, 道路, 路灯"
    assert lamps["metadata"] is True and lamps["type"] == "realtime"
    assert "general" in by_code
    assert str(categories["retired"].pk) not in by_code

    root = xml_of(client.get(f"{V2}/services.xml"), "services")
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert codes == [s["service_code"] for s in services]
    first = root.find("service")
    assert [child.tag for child in first] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]
    assert first.findtext("metadata") == "true"


def test_a_service_definition_offers_the_kind_and_confidentiality(client, categories):
    code = str(categories["lamps"].pk)
    definition = json_of(client.get(f"{V2}/services/{code}.json"), "service-definition")
    assert definition["service_code"] == code
    kind = next(a for a in definition["attributes"] if a["code"] == "kind")
    assert kind["datatype"] == "singlevaluelist" and kind["required"] is False
    assert {v["key"] for v in kind["values"]} == {"consultation", "help", "complaint", "suggestion", "praise"}

    root = xml_of(client.get(f"{V2}/services/{code}.xml"), "service_definition")
    assert root.findtext("service_code") == code
    attribute = root.find("attributes/attribute")
    assert [c.tag for c in attribute] == [
        "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
    ]
    assert [v.findtext("key") for v in attribute.findall("values/value")] == [v["key"] for v in kind["values"]]
    assert json_of(client.get(f"{V2}/services/general.json"), "service-definition")["service_code"] == "general"


@pytest.mark.parametrize("code", ["999999", "abc", "RETIRED"])
def test_an_unknown_service_code_is_404_in_both_formats(client, categories, code):
    code = str(categories["retired"].pk) if code == "RETIRED" else code
    (error,) = json_errors(client.get(f"{V2}/services/{code}.json"), 404)
    assert code in error["description"]
    xml_errors(client.get(f"{V2}/services/{code}.xml"), 404)


def test_jurisdiction_id_is_accepted_and_an_unknown_one_is_404(client, settings, categories):
    settings.OPEN311 = {**settings.OPEN311, "JURISDICTION_ID": "hotline.example.cn"}
    for path in ("discovery", "services", f"services/{categories['lamps'].pk}", "requests"):
        assert client.get(f"{V2}/{path}.json", {"jurisdiction_id": "hotline.example.cn"}).status_code == 200
        assert client.get(f"{V2}/{path}.xml", {"jurisdiction_id": "HOTLINE.example.cn"}).status_code == 200
        assert client.get(f"{V2}/{path}.json", {"jurisdiction_id": ""}).status_code == 200
        json_errors(client.get(f"{V2}/{path}.json", {"jurisdiction_id": "sfgov.org"}), 404)
        xml_errors(client.get(f"{V2}/{path}.xml", {"jurisdiction_id": "sfgov.org"}), 404)


def test_unknown_resources_and_formats_are_the_spec_404(client, db):
    xml_errors(client.get(f"{V2}/pets.xml"), 404)
    json_errors(client.get(f"{V2}/pets.json"), 404)
    xml_errors(client.get(f"{V2}/services.html"), 404)


def test_a_wrong_method_is_405_in_the_error_format(client, db):
    response = client.post(f"{V2}/services.json")
    assert json_errors(response, 405) and "GET" in response["Allow"]
    xml_errors(client.delete(f"{V2}/requests.xml"), 405)


def test_public_reads_allow_browser_clients(client, db):
    assert client.get(f"{V2}/services.json")["Access-Control-Allow-Origin"] == "*"
