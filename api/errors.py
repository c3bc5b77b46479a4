"""Every API error in one JSON shape:

    {"error": {"code": "invalid_state", "message": "工单1234567已签收或不在待签收状态。", "fields": {}}}

`code` is stable (for programs), `message` is the user-facing text in the request's
language (Chinese by default), `fields` maps input fields to their messages (400 only;
nested fields are dotted: "co_units.1").

| error | status | code |
| --- | --- | --- |
| input the serializer rejects | 400 | invalid |
| input the workflow rejects (hotline.errors.InvalidInput) | 400 | invalid_input |
| not logged in, bad or revoked token | 401 | not_authenticated, authentication_failed |
| may see the ticket but not do this (hotline.errors.NotAllowed) | 403 | permission_denied |
| no such ticket, or not visible to this user (existence must not leak) | 404 | not_found |
| the ticket's state forbids the action (hotline.errors.InvalidState) | 409 | invalid_state |
| too many requests | 429 | throttled |
| an outside service (Twilio) refused, e.g. a masked call | 502 | service_unavailable |
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from hotline.errors import InvalidInput, InvalidState, NotAllowed, WorkflowError


def error_body(code, message, fields=None):
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail, prefix=""):
    """DRF's nested error detail → {"field": ["message", ...], "co_units.1": [...]}."""
    out = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _first_message(fields):
    for messages in fields.values():
        if messages:
            return messages[0]
    return _("请检查输入。")


def _code(exc):
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: workflow and DRF errors → the one shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if str(exc) else None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if str(exc) else None)

    if isinstance(exc, WorkflowError):
        set_rollback()
        if isinstance(exc, InvalidInput):
            fields = {key: [str(m) for m in (msgs if isinstance(msgs, (list, tuple)) else [msgs])]
                      for key, msgs in exc.field_errors.items()}
            return Response(error_body("invalid_input", exc.message, fields), status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, NotAllowed):
            # views that know the ticket turn this into 404 when the user cannot see it (api.views.tickets)
            return Response(error_body("permission_denied", exc.message), status=status.HTTP_403_FORBIDDEN)
        if isinstance(exc, InvalidState):
            return Response(error_body("invalid_state", exc.message), status=status.HTTP_409_CONFLICT)
        # e.g. hotline.intake.masked_calls.CallFailed: Twilio did not take the call
        return Response(error_body("service_unavailable", exc.message), status=status.HTTP_502_BAD_GATEWAY)

    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handling (and the logs) take it

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = "%d" % exc.wait
    set_rollback()

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        return Response(
            error_body("invalid", _first_message(fields), fields), status=exc.status_code, headers=headers
        )
    if isinstance(exc, exceptions.Throttled):
        message = _("请求过于频繁，请%(seconds)s秒后再试。") % {"seconds": "%d" % exc.wait} if exc.wait else _(
            "请求过于频繁，请稍后再试。"
        )
        return Response(error_body("throttled", message), status=exc.status_code, headers=headers)
    detail = exc.detail
    if isinstance(detail, (list, dict)):
        fields = _flatten(detail)
        message = _first_message(fields)
    else:
        message = str(detail)
    return Response(error_body(_code(exc), message), status=exc.status_code, headers=headers)


# --- the shape, for the OpenAPI document ---------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="invalid, invalid_input, not_authenticated, authentication_failed, "
                                           "permission_denied, not_found, invalid_state, throttled, …")
    message = serializers.CharField(help_text=gettext_lazy("给用户看的说明（默认中文）"))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy("字段 → 错误说明（仅 400）；嵌套字段以点号连接，如 co_units.1"),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
