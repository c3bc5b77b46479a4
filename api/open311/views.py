"""Open311 GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2, ../shared/open311/).

Plain Django views rather than DRF: the formats (a URL suffix, the spec's XML), the error
array and the status codes are the spec's, not the REST API's, and these endpoints stay out
of /api/schema/. Every endpoint answers in .json and .xml; errors are the spec's array with
404 for what does not exist, 403 for a missing or invalid api_key, 405 for a wrong method,
429 when throttled and 400 for everything else.
"""

from functools import wraps

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from api.open311 import keys, service_requests, services, throttle
from api.open311.formats import Open311Error, error_response, respond
from hotline.models import Ticket

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
TOKEN_SALT = "open311.token"


def _params(request):
    """Query string and form body together; the body wins (POST sends its fields in the body)."""
    params = request.GET.copy()
    params.update(request.POST)
    return params


def _check_jurisdiction(params):
    """jurisdiction_id is optional (one jurisdiction); when sent it must be ours."""
    sent = (params.get("jurisdiction_id") or "").strip()
    if sent and sent.lower() != settings.OPEN311["JURISDICTION_ID"].lower():
        raise Open311Error(404, _("jurisdiction_id %(id)s 不存在。") % {"id": sent[:100]})


def endpoint(*methods):
    """An Open311 endpoint: `fmt` from the URL suffix, method, throttle and jurisdiction checked,
    and every Open311Error answered as the spec's error array in that format."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view):
        @csrf_exempt  # api_key, not a session, authorises POST requests
        @wraps(view)
        def wrapper(request, fmt, **kwargs):
            try:
                if request.method not in allowed:
                    raise Open311Error(
                        405, _("此地址不接受 %(method)s 请求。") % {"method": request.method},
                        headers={"Allow": ", ".join(sorted(allowed))},
                    )
                if request.method in ("GET", "HEAD"):
                    throttle.hit("get", throttle.client_address(request), "GET_RATE_PER_ADDRESS")
                _check_jurisdiction(_params(request))
                response = view(request, fmt, **kwargs)
            except Open311Error as exc:
                response = error_response(fmt, exc)
            if request.method in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"  # public data, for browser clients too
            return response

        return wrapper

    return decorate


def root(request):
    """The endpoint's root: its discovery document."""
    return redirect("open311:discovery", fmt="xml")


@endpoint("GET")
def discovery(request, fmt):
    changed = service_requests.w3c(services.changeset()) or "2026-01-01T00:00:00+08:00"
    conf = settings.OPEN311
    base = request.build_absolute_uri(reverse("open311:root")).rstrip("/")
    data = {
        "changeset": changed,
        "contact": conf.get("CONTACT") or _("请联系办实事热线的督办/管理员。"),
        "key_service": conf.get("KEY_SERVICE") or _("api_key 由热线督办/管理员在管理后台（Open311密钥）为每个客户端生成。"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": changed,
                "type": "test" if conf.get("ENDPOINT_TYPE") == "test" else "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(data, fmt, root="discovery")


@endpoint("GET")
def service_list(request, fmt):
    return respond([s.as_open311() for s in services.Catalogue().offered()], fmt, root="services")


@endpoint("GET")
def service_definition(request, fmt, code):
    service = services.Catalogue().get(code)
    if service is None:
        raise Open311Error(404, _("service_code %(code)s 不存在。") % {"code": code[:50]})
    return respond(services.definition(service), fmt, root="service_definition")


@endpoint("GET", "POST")
def request_list(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    catalogue = services.Catalogue()
    found = service_requests.rows(service_requests.filtered(request.GET, catalogue))
    return respond([service_requests.as_open311(row, catalogue) for row in found], fmt, root="service_requests")


def _create(request, fmt):
    params = _params(request)
    throttle.hit("post", throttle.client_address(request), "POST_RATE_PER_ADDRESS")
    key = keys.active_key(params.get("api_key"))
    if key is None:
        raise Open311Error(403, _("api_key 缺失或无效，无法提交诉求。"))
    throttle.hit("post-key", key.pk, "POST_RATE_PER_KEY")
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("请提供 service_code。"))
    service = services.Catalogue().get(code)
    if service is None:
        raise Open311Error(404, _("service_code %(code)s 不存在。") % {"code": code[:50]})
    ticket = service_requests.create(params, service=service, client_name=key.name)
    notice = _("热线已受理，将派往承办单位办理；提交人留有电话的，会收到带工单号的短信。")
    if services.response_type() == "batch":
        item = {"token": signing.TimestampSigner(salt=TOKEN_SALT).sign(ticket.number), "service_notice": notice}
    else:
        item = {"service_request_id": ticket.number, "service_notice": notice}
    return respond([item], fmt, root="service_requests")


@endpoint("GET")
def request_detail(request, fmt, number):
    found = list(service_requests.rows(service_requests.public_tickets().filter(number=number)))
    if not found:
        raise Open311Error(404, _("service_request_id %(id)s 不存在或未公开。") % {"id": number[:20]})
    catalogue = services.Catalogue()
    return respond([service_requests.as_open311(found[0], catalogue)], fmt, root="service_requests")


@endpoint("GET")
def token_detail(request, fmt, token):
    max_age = settings.OPEN311.get("TOKEN_MAX_AGE_DAYS", 30) * 86400
    try:
        number = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        number = None
    if number is None or not Ticket.objects.filter(number=number).exists():
        raise Open311Error(404, _("token %(token)s 不存在或已过期。") % {"token": token[:80]})
    return respond([{"service_request_id": number, "token": token}], fmt, root="service_requests")


def not_found(request, path=""):
    """Anything else under /open311/v2/: the spec's 404, in JSON when the path asks for it."""
    fmt = "json" if path.endswith(".json") else "xml"
    return error_response(fmt, Open311Error(404, _("没有这个 Open311 接口：%(path)s") % {"path": path[:100]}))
