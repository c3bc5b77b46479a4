"""The Open311 schemas the tests validate against are the published ones, and the validation bites."""

import json

import pytest
from jsonschema import ValidationError

from tests.open311_schema import HERE, SCHEMA_FILES, SHARED, validate

GOOD_REQUEST = {
    "service_request_id": "1234567", "status": "open", "service_code": "4",
    "requested_datetime": "2026-03-02T10:00:00+08:00",
}


@pytest.mark.parametrize("name", [*SCHEMA_FILES, "swagger.json"])
def test_the_copied_schemas_are_the_shared_ones(name):
    # CI allows no skipped test: without ../shared next to the clone, the copies stand alone
    copy = (HERE / name).read_bytes()
    json.loads(copy)
    if SHARED.is_dir():
        assert copy == (SHARED / name).read_bytes()
    assert "47e06a44" in (HERE / "README.md").read_text(encoding="utf-8")


def test_a_valid_request_list_passes():
    validate([GOOD_REQUEST, {**GOOD_REQUEST, "description": None, "lat": None}], "requests")


@pytest.mark.parametrize(
    "change",
    [
        {"status": "pending"},  # not open/closed
        {"service_request_id": 1234567},  # a number, not a string
        {"requested_datetime": "2026-03-02 10:00"},  # not a W3C datetime
        {"requested_datetime": "2026-03-02T10:00:00"},  # no offset
        {"description": "x" * 4001},  # longer than the spec allows
        {"media_url": "not a url"},
    ],
    ids=["status", "id-type", "datetime", "offset", "length", "uri"],
)
def test_an_invalid_request_fails(change):
    with pytest.raises(ValidationError):
        validate([{**GOOD_REQUEST, **change}], "requests")


def test_a_request_without_a_required_field_fails():
    request = dict(GOOD_REQUEST)
    del request["service_code"]
    with pytest.raises(ValidationError):
        validate([request], "requests")


def test_errors_need_an_integer_code_and_a_description():
    validate([{"code": 403, "description": "Invalid api_key"}], "errors")
    with pytest.raises(ValidationError):
        validate([{"code": "403", "description": "Invalid api_key"}], "errors")
    with pytest.raises(ValidationError):
        validate([], "errors")


def test_a_post_response_must_carry_strings():
    validate([{"service_request_id": "1", "service_notice": "ok"}], "post-response")
    with pytest.raises(ValidationError):
        validate([{"service_request_id": 1, "service_notice": "ok"}], "post-response")
