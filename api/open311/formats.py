"""Open311 output: the same data as JSON or as the spec's XML, and the spec's error array.

GeoReport v2 maps XML to JSON by the "Spark convention": a list is an element holding one
element per item, named for the list (<services><service>…, <service_requests><request>…,
<errors><error>…); JSON has the bare array. Every response is UTF-8 with the content types
the spec names; XML starts with the declaration and carries no namespace.
"""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# the spec's element name for each item of a list, by the list's element name
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    """Answered as the spec's error array: `status` is the HTTP status and each error's code."""

    def __init__(self, status, *descriptions, headers=None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(parent, name, value):
    element = ET.Element(name) if parent is None else ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, child in value.items():
            _element(element, key, child)
    elif isinstance(value, (list, tuple)):
        item_name = ITEM_NAMES[name]
        for child in value:
            _element(element, item_name, child)
    else:
        element.text = _text(value)
    return element


def to_xml(root, data):
    """`data` (dicts, lists, scalars) as an XML document whose root element is `root`, in UTF-8 bytes."""
    body = ET.tostring(_element(None, root, data), encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def respond(data, fmt, *, root, status=200, headers=None):
    """`data` in `fmt`; `root` names the XML root element (in JSON the data is the document)."""
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8", "replace")
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(fmt, error):
    data = [{"code": error.status, "description": description} for description in error.descriptions]
    return respond(data, fmt, root="errors", status=error.status, headers=error.headers)
