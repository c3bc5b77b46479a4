"""Validate Open311 responses: JSON against the GeoReport v2 JSON Schemas in this folder (see README.md),
XML for well-formedness and the spec's element names.

- services.json, services/{code}.json and requests.json, requests/{id}.json: the published schemas
  (services.json, service-definition.json, requests.json, which refer to service.json and request.json);
- POST requests and tokens/{id}: swagger.json's RequestResponse and TokenResponse definitions (the
  published set has no schema file for them);
- discovery and errors: the published set has neither; the small schemas below say what the spec
  (wiki.open311.org/Service_Discovery and GeoReport_v2 "Errors") requires of them.
Formats are checked too: "date-time" as a W3C datetime with its offset, "uri" as an absolute URL.
"""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

HERE = Path(__file__).parent
SHARED = Path(__file__).resolve().parents[3] / "shared" / "open311" / "schema"  # ../shared next to the clone
SCHEMA_FILES = ("request.json", "requests.json", "service.json", "services.json", "service-definition.json")

W3C_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _w3c(value):
    return not isinstance(value, str) or bool(W3C_DATETIME.fullmatch(value))


@FORMATS.checks("uri")
def _uri(value):
    return not isinstance(value, str) or bool(re.fullmatch(r"https?://\S+", value))


def load(name):
    return json.loads((HERE / name).read_text(encoding="utf-8"))


REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(load(name), default_specification=DRAFT4)) for name in SCHEMA_FILES
)
SWAGGER_DEFINITIONS = load("swagger.json")["definitions"]

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string", "minLength": 1}},
    },
}
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string"},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                    "changeset": {"type": "string"},
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"enum": ["text/xml", "application/json"]}},
                },
            },
        },
    },
}


def _swagger_array(definition, required):
    return {
        "definitions": SWAGGER_DEFINITIONS,
        "type": "array",
        "minItems": 1,
        "items": {"allOf": [{"$ref": f"#/definitions/{definition}"}, {"required": required}]},
    }


SCHEMAS = {
    "services": load("services.json"),
    "service-definition": load("service-definition.json"),
    "requests": load("requests.json"),
    "request": load("request.json"),
    "post-response": _swagger_array("RequestResponse", ["service_notice"]),
    "token-response": _swagger_array("TokenResponse", ["service_request_id", "token"]),
    "errors": ERRORS,
    "discovery": DISCOVERY,
}


def validate(document, schema):
    """Raise jsonschema.ValidationError unless `document` fits the named schema."""
    Draft4Validator(SCHEMAS[schema], registry=REGISTRY, format_checker=FORMATS).validate(document)


def json_of(response, schema):
    """The response's JSON, after checking its content type and validating it against `schema`."""
    assert response["Content-Type"] == "application/json; charset=utf-8", response["Content-Type"]
    document = json.loads(response.content.decode("utf-8"))
    validate(document, schema)
    return document


# the spec's XML: root element, and the element of each item of each list
XML_LISTS = {
    "services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
    "values": "value", "endpoints": "endpoint", "formats": "format",
}


def xml_of(response, root):
    """The response's XML root element, after checking the declaration, content type, well-formedness,
    the root's name and that every list holds only its items' elements."""
    assert response["Content-Type"] == "text/xml; charset=utf-8", response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    element = ET.fromstring(response.content)  # raises on anything not well-formed
    assert element.tag == root, element.tag
    for parent in element.iter():
        if parent.tag in XML_LISTS:
            assert all(child.tag == XML_LISTS[parent.tag] for child in parent), (parent.tag, [c.tag for c in parent])
    return element


def xml_errors(response, status):
    """(code, description) of each <error> of an XML error response with this HTTP status."""
    assert response.status_code == status, (response.status_code, response.content)
    root = xml_of(response, "errors")
    found = [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")]
    assert found and all(code == str(status) and description for code, description in found), found
    return found


def json_errors(response, status):
    assert response.status_code == status, (response.status_code, response.content)
    document = json_of(response, "errors")
    assert all(error["code"] == status for error in document), document
    return document
