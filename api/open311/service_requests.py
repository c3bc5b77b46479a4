"""Open311 service requests: which tickets are shown and how, the GET filters, and POST.

No personal data ever leaves through Open311:
- only tickets an operator made public (workflow.publish) are listed, and never a
  confidential ticket or a report (举报), whatever their `public` flag says;
- `description` is the operator's public summary, never the resident's words; the
  resident, their phone, the ticket's own `place` (often a house or a name) and the
  units' replies are never read here (the queries select named columns only);
- `address` is the village and its township ("石门村, 青山镇"): a village of hundreds of
  households, coarse enough not to point at a person, and what tells the public where
  the matter is; `address_id` is the village's id, the same id POST takes; no lat/long;
- `status_notes` are the hotline's own words for the state and outcome, never a reply.
"""

import datetime
import re

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from api.open311.formats import Open311Error
from api.open311.services import DEFAULT_KIND, GENERAL, OPEN311_KINDS
from hotline import workflow
from hotline.errors import WorkflowError
from hotline.models import Category, Reply, Ticket, Village
from hotline.models.choices import Channel, CloseReason, Kind, Outcome, ReviewStatus, Status

MAX_REQUESTS = 1000  # the spec's default query limit: 90 days or 1,000 requests, whichever is smaller
DEFAULT_SPAN = datetime.timedelta(days=90)
DESCRIPTION_MAX = 4000

COLUMNS = (
    "number", "status", "close_reason", "category_id", "public_summary", "reply_by", "created_at", "updated_at",
    "closed_at", "lead_unit__name", "village_id", "village__name", "village__township__name", "outcome",
)


def public_tickets():
    """The only tickets Open311 shows: made public, not confidential, not a report."""
    return Ticket.objects.filter(public=True, confidential=False).exclude(kind=Kind.REPORT)


def rows(queryset):
    """The columns Open311 shows, one query: the outcome of the latest accepted reply comes as a subquery."""
    accepted = Reply.objects.filter(ticket=OuterRef("pk"), review_status=ReviewStatus.ACCEPTED).order_by("-created_at")
    return queryset.annotate(outcome=Subquery(accepted.values("outcome")[:1])).values(*COLUMNS)


def w3c(moment):
    """A W3C datetime in the hotline's time zone, with its offset (2026-03-02T10:00:00+08:00)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _public_state(status):
    return {
        Status.NEW: _("已受理，待派单"),
        Status.DISPATCHED: _("已派往承办单位"),
        Status.IN_PROGRESS: _("承办单位办理中"),
        Status.REPLIED: _("承办单位已答复，待回访"),
        Status.RETURNED: _("待重新派单"),
    }.get(status, "")


def _closed_state(reason):
    return {
        CloseReason.ANSWERED: _("热线已直接答复，已办结"),
        CloseReason.RATED: _("已办结，已回访"),
        CloseReason.UNRATED: _("已办结"),
        CloseReason.EMERGENCY: _("已转紧急服务"),
        CloseReason.INVALID: _("无效诉求，已办结"),
        CloseReason.DUPLICATE: _("重复诉求，已合并办理"),
    }.get(reason, _("已办结"))


def status_notes(row):
    note = _closed_state(row["close_reason"]) if row["status"] == Status.CLOSED else _public_state(row["status"])
    if row["outcome"] in Outcome.values and row["close_reason"] not in (CloseReason.INVALID, CloseReason.DUPLICATE):
        note = _("%(state)s；办理结果：%(outcome)s") % {"state": note, "outcome": Outcome(row["outcome"]).label}
    return note


def service_notice():
    return _("热线受理后派往承办单位，按期限办结并回访群众；本接口只显示热线审核公开的诉求摘要。")


def as_open311(row, catalogue):
    service = catalogue.for_category(row["category_id"])
    closed = row["status"] == Status.CLOSED
    village = row["village__name"]
    address = ", ".join(filter(None, [village, row["village__township__name"]])) if village else None
    return {
        "service_request_id": row["number"],
        "status": "closed" if closed else "open",
        "status_notes": status_notes(row),
        "service_name": service.name if service else None,
        "service_code": service.code if service else GENERAL,
        "description": row["public_summary"][:DESCRIPTION_MAX] or None,
        "agency_responsible": row["lead_unit__name"],
        "service_notice": service_notice(),
        "requested_datetime": w3c(row["created_at"]),
        "updated_datetime": w3c(row["closed_at"] if closed and row["closed_at"] else row["updated_at"]),
        "expected_datetime": w3c(row["reply_by"]),
        "address": address,
        "address_id": str(row["village_id"]) if row["village_id"] else None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


# --- GET requests: the spec's filters --------------------------------------------------------


def _listed(params, name):
    """A filter's values: comma-delimited, and/or the parameter declared several times."""
    return [part.strip() for value in params.getlist(name) for part in value.split(",") if part.strip()]


def parse_w3c(name, value, *, end=False):
    """A W3C datetime or date; a naive one is in the hotline's time zone; a date alone means its start
    (for end_date: its end). A '+' the query string turned into a space is put back."""
    value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
    try:
        day = parse_date(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
        else:
            moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s 不是有效的 W3C 日期时间（例如 2026-03-02T10:00:00+08:00）。") % {"name": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def filtered(params, catalogue, *, now=None):
    """The public tickets the query asks for, newest first, at most 1,000 (the spec's defaults)."""
    queryset = public_tickets().order_by("-created_at", "-pk")
    ids = _listed(params, "service_request_id")
    if ids:  # overrides every other argument
        return queryset.filter(number__in=ids[:MAX_REQUESTS])[:MAX_REQUESTS]

    problems = []
    codes = _listed(params, "service_code")
    unknown = [code for code in codes if catalogue.get(code, offered_only=False) is None]
    if unknown:
        problems.append(_("service_code %(codes)s 不存在。") % {"codes": ", ".join(unknown)})
    statuses = {s.lower() for s in _listed(params, "status")}
    if statuses - {"open", "closed"}:
        problems.append(_("status 只能是 open 或 closed（可用逗号分隔多个）。"))
    start = end = None
    for name in ("start_date", "end_date"):
        if (params.get(name) or "").strip():
            try:
                moment = parse_w3c(name, params[name], end=name == "end_date")
            except Open311Error as exc:
                problems.extend(exc.descriptions)
                continue
            start, end = (moment, end) if name == "start_date" else (start, moment)
    if start and end:
        if end < start:
            problems.append(_("end_date 不能早于 start_date。"))
        elif end - start > DEFAULT_SPAN:
            problems.append(_("start_date 与 end_date 之间不能超过 90 天。"))
    if problems:
        raise Open311Error(400, *problems)

    now = now or timezone.now()
    if start is None and end is None:
        start, end = now - DEFAULT_SPAN, now
    elif start is None:
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    queryset = queryset.filter(created_at__gte=start, created_at__lte=end)
    if codes:
        services = [catalogue.get(code, offered_only=False) for code in codes]
        wanted = Q(category_id__in=[s.category_id for s in services if s.category_id])
        if any(s.category_id is None for s in services):
            wanted |= Q(category__isnull=True)
        queryset = queryset.filter(wanted)
    if statuses == {"open"}:
        queryset = queryset.exclude(status=Status.CLOSED)
    elif statuses == {"closed"}:
        queryset = queryset.filter(status=Status.CLOSED)
    return queryset[:MAX_REQUESTS]


# --- POST requests -------------------------------------------------------------------------------


def _attribute(params, code):
    for name in (f"attribute[{code}]", f"attribute[{code}][]"):
        value = (params.get(name) or "").strip()
        if value:
            return value
    return ""


def _coordinate(params, name, limit, problems):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not -limit <= value <= limit:
        problems.append(_("%(name)s 必须是 -%(limit)d 到 %(limit)d 之间的数（WGS84）。") % {"name": name, "limit": limit})
        return None
    return value


def _resident_name(first, last):
    if first and last:
        cjk = all(re.fullmatch(r"[\u3400-\u9fff·]+", part) for part in (first, last))
        return f"{last}{first}" if cjk else f"{first} {last}"
    return first or last


def create(params, *, service, client_name):
    """POST requests: a ticket through workflow.receive, by the system login, on the Open311 channel.

    Required (the spec, and what a hotline ticket needs): a location (lat & long, address_string or
    address_id = a village id) and a description. The submitter's phone makes them the ticket's
    resident (they get the SMS acknowledgement with the number); it is never echoed or listed.
    """
    problems = []
    lat = _coordinate(params, "lat", 90, problems)
    long = _coordinate(params, "long", 180, problems)
    if (lat is None) != (long is None) and not problems:
        problems.append(_("lat 与 long 需要同时提供。"))
    address = (params.get("address_string") or "").strip()
    village = None
    address_id = (params.get("address_id") or "").strip()
    if address_id:
        village = Village.objects.filter(pk=address_id).first() if address_id.isdigit() else None
        if village is None:
            problems.append(_("address_id %(id)s 不存在（应为村/社区编号）。") % {"id": address_id})
    if not (address or address_id or (lat is not None and long is not None)) and not problems:
        problems.append(_("请提供地点：lat 与 long、address_string 或 address_id 之一。"))
    description = (params.get("description") or "").strip()
    if not description:
        problems.append(_("请填写 description（诉求内容）。"))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(_("description 不能超过 4000 个字。"))
    kind = _attribute(params, "kind") or DEFAULT_KIND
    if kind not in [k.value for k in OPEN311_KINDS]:
        message = _("举报请直接拨打热线，以保护举报人。") if kind == Kind.REPORT else _("attribute[kind] 无效。")
        problems.append(message)
    confidential = _attribute(params, "confidential").lower()
    if confidential not in ("", "true", "false"):
        problems.append(_("attribute[confidential] 只能是 true 或 false。"))
    media_url = (params.get("media_url") or "").strip()
    if media_url and not re.match(r"^https?://\S+$", media_url):
        problems.append(_("media_url 必须是 http(s) 网址。"))
    if problems:
        raise Open311Error(400, *problems)

    place = address
    if lat is not None:
        place = f"{address} ({lat:.6f}, {long:.6f})".strip() if address else f"{lat:.6f}, {long:.6f}"
    extra = [_("Open311 客户端：%(name)s") % {"name": client_name}]
    if media_url:
        extra.append(_("图片/附件：%(url)s") % {"url": media_url})
    email = (params.get("email") or "").strip()
    if email:
        extra.append(_("提交人邮箱：%(email)s") % {"email": email[:254]})
    first_line = description.splitlines()[0].strip()
    title = first_line if len(first_line) <= 40 else first_line[:39] + "…"
    name = _resident_name((params.get("first_name") or "").strip()[:25], (params.get("last_name") or "").strip()[:25])
    try:
        return workflow.receive(
            by=workflow.system_user(),
            kind=kind,
            channel=Channel.OPEN311,
            title=title,
            description="\n".join([description, "", *extra]),
            phone=(params.get("phone") or "").strip() or None,
            resident_name=name,
            village=village,
            place=place[:200],
            category=Category.objects.get(pk=service.category_id) if service.category_id else None,
            confidential=confidential == "true",
        )
    except WorkflowError as exc:
        messages = [m for errors in exc.field_errors.values() for m in errors] or [exc.message]
        raise Open311Error(400, *messages) from exc
