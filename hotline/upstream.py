"""Upstream 12345 platforms (issue 5 point 6): tickets handed over by the city's or province's
12345 system, and the signed webhooks that tell it every state change.

Taking tickets: the platform calls the API as its own login (`UpstreamSystem.user`, which needs
the operator role, because it receives tickets as an operator would). `receive_from_upstream` is
idempotent on (platform, external id): the same id again, also two requests at once, is one ticket
(the unique constraint `ticket_unique_external_id` decides; the loser of a race finds the winner's
ticket). The ticket keeps the platform's deadline: at every dispatch the unit's reply-by is the
earlier of the SLA deadline and the platform's (`keep_upstream_deadline`).

Telling the platform: each state change of such a ticket writes a `WebhookDelivery` row in the
action's own transaction (`queue_webhook`, called from the workflow's `_Change.publish`), so a
change that rolls back leaves no row. A task sends it after commit, as SMS are sent
(hotline.messaging): a lease claimed by a conditional UPDATE keeps two workers from sending one row
at once; a failure (no 2xx, a timeout, a refused connection) is retried with exponential backoff by
the scheduler's minutely job until the platform accepts it. Deliveries of one ticket go out in order:
a row is not sent while an earlier row of its ticket is not delivered. Delivery is at least once (a
worker that dies after the platform accepted a row sends it again when its lease expires): the
receiver de-duplicates by the `X-Hotline-Delivery` header (the row id).

The request: POST, JSON body (UTF-8), headers
    X-Hotline-Signature: sha256=<hex HMAC-SHA256 of the raw body with the platform's secret>
    X-Hotline-Event: <event>
    X-Hotline-Delivery: <row id>
    X-Hotline-Timestamp: <Unix seconds, also inside the signed body as "timestamp">
The body carries no personal data of the resident (no name, phone, address or words). See README.md.
"""

import dataclasses
import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import urllib.error
import urllib.request

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hotline import access, clock
from hotline.errors import InvalidInput, NotAllowed
from hotline.models import ExtensionRequest, Ticket, UpstreamSystem, WebhookDelivery
from hotline.models.choices import Channel, CloseReason, RequestStatus, ReviewStatus, Status

logger = logging.getLogger(__name__)

Delivery = WebhookDelivery


# --- taking tickets ------------------------------------------------------------------------


def system_for(user):
    """The active upstream platform whose API login `user` is; NotAllowed otherwise."""
    system = None
    if user is not None and getattr(user, "is_authenticated", False):
        system = UpstreamSystem.objects.filter(user=user).first()
    if system is None:
        raise NotAllowed(_("该账号不是上级平台的接口账号，不能按上级平台工单号转办工单。"))
    if not system.is_active:
        raise NotAllowed(_("上级平台“%(name)s”已停用。") % {"name": system.name})
    return system


def _deadline(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime):
        message = _("上级平台办结期限须为日期时间（ISO 8601）。")
        raise InvalidInput(message, field_errors={"upstream_reply_by": [message]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # read in the hotline's zone (Asia/Shanghai)
    return value


def receive_from_upstream(*, by, external_id, upstream_reply_by=None, **receive_kwargs):
    """受理 a ticket handed over by an upstream platform, once per (platform, external id).

    `by` is the platform's API login; `receive_kwargs` go to `workflow.receive` (kind, title,
    description, phone, …; channel `upstream` unless given). Returns (ticket, created): the same
    external id again returns the existing ticket unchanged with created=False, also when two
    requests race (the unique constraint decides, the loser finds the winner's ticket).
    `upstream_reply_by` (the platform's deadline, a datetime or ISO 8601 text; naive means
    Asia/Shanghai) caps the units' reply deadline at dispatch.
    """
    from hotline import workflow  # workflow imports this module

    system = system_for(by)
    if not access.can(by, "receive"):
        raise NotAllowed(
            _("上级平台“%(name)s”的接口账号%(user)s没有话务员角色，不能受理工单。")
            % {"name": system.name, "user": by.get_username()}
        )
    external_id = str(external_id or "").strip()
    max_length = Ticket._meta.get_field("external_id").max_length
    if not external_id or len(external_id) > max_length:
        message = _("请填写上级平台工单号（不超过%(n)s个字符）。") % {"n": max_length}
        raise InvalidInput(message, field_errors={"external_id": [message]})
    upstream_reply_by = _deadline(upstream_reply_by)

    existing = Ticket.objects.filter(source_system=system, external_id=external_id).first()
    if existing is not None:
        return existing, False
    receive_kwargs.setdefault("channel", Channel.UPSTREAM)
    try:
        with transaction.atomic():
            ticket = workflow.receive(
                by=by, source_system=system, external_id=external_id, upstream_reply_by=upstream_reply_by,
                **receive_kwargs,
            )
    except IntegrityError:
        # a concurrent request with the same id committed first (its SMS and webhook rows are its own)
        existing = Ticket.objects.filter(source_system=system, external_id=external_id).first()
        if existing is None:
            raise
        return existing, False
    return ticket, True


def keep_upstream_deadline(ticket, deadlines, *, now):
    """The round's deadlines, with the upstream platform's deadline kept.

    Rule: the reply-by is the earlier of the SLA deadline and the platform's `upstream_reply_by`,
    as long as the platform's deadline still lies ahead; the sign-by, the return window and both
    reminders are brought forward so none falls after the reply-by. When the platform's deadline
    has already passed (a re-dispatch after a return, or a reopen, after it), the SLA deadline
    applies: a deadline in the past gives a unit no time at all; the platform still sees every
    change and its own deadline in the webhooks. An extension approved later may go beyond the
    platform's deadline (the supervisor's decision); the `extended` webhook tells the platform.
    """
    limit = ticket.upstream_reply_by
    if limit is None or limit <= now or limit >= deadlines.reply_by:
        return deadlines
    from hotline.deadlines import WorkCalendar, policy_for

    calendar, policy = WorkCalendar.load(), policy_for(ticket.kind, ticket.priority)
    sign_by = min(deadlines.sign_by, limit)
    sign_remind_at = deadlines.sign_remind_at
    if sign_by != deadlines.sign_by:
        sign_remind_at = calendar.remind_at(now, sign_by, policy.remind_before_hours, policy.sign_measure)
    return dataclasses.replace(
        deadlines,
        reply_by=limit,
        sign_by=sign_by,
        return_by=min(deadlines.return_by, limit),
        sign_remind_at=min(sign_remind_at, sign_by),
        reply_remind_at=min(
            calendar.remind_at(now, limit, policy.remind_before_hours, policy.reply_measure), limit
        ),
    )


# --- telling the platform: the rows -------------------------------------------------------

# The events sent, by the name the workflow publishes (hotline.workflow `_Change.publish`).
# A return decision is sent as `returned` only when approved, an extension decision as
# `extended` only when approved: a denial changes nothing the platform sees. Notes, hand-overs
# inside a unit, reminders, supervision and pending requests are not state changes and not sent.
STATE_EVENTS = {
    "received", "dispatched", "signed", "replied", "reviewed", "rated", "reopened", "closed", "merged",
}
WEBHOOK_EVENTS = sorted(STATE_EVENTS | {"returned", "extended"})


def _webhook_event(ticket, event):
    if event in STATE_EVENTS:
        return event
    if event == "return_decided":
        return "returned" if ticket.status == Status.RETURNED else None
    if event == "extension_decided":
        latest = (
            ExtensionRequest.objects.filter(ticket=ticket, decided_at__isnull=False)
            .order_by("-decided_at", "-pk").values_list("status", flat=True).first()
        )
        return "extended" if latest == RequestStatus.APPROVED else None
    return None


def queue_webhook(*, ticket, event):
    """Write the WebhookDelivery row for this change, in the caller's transaction, and send it after commit.

    Only for a ticket of an active platform with a webhook URL, and only for the events above.
    Called by the workflow for every action (`_Change.publish`); costs nothing for other tickets.
    """
    if not ticket.source_system_id or clock.is_replaying():
        return None
    event = _webhook_event(ticket, event)
    if event is None:
        return None
    system = ticket.source_system
    if not system.is_active or not system.webhook_url:
        return None
    delivery = WebhookDelivery.objects.create(
        system=system, ticket=ticket, event=event, payload=build_payload(ticket, event), created_at=clock.now(),
        next_attempt_at=timezone.now(),
    )
    deliver_after_commit([delivery.pk])
    return delivery


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def _public_reply(ticket):
    """The answer the resident was given: the accepted reply of this round, or the direct answer."""
    if ticket.reply_accepted_at is not None:
        reply = (
            ticket.replies.filter(review_status=ReviewStatus.ACCEPTED)
            .order_by("-reviewed_at", "-pk").values("text", "outcome").first()
        )
        if reply is not None:
            from hotline.models.choices import Outcome

            return {"text": reply["text"], "outcome": reply["outcome"], "outcome_label": str(Outcome(reply["outcome"]).label)}
    if ticket.close_reason == CloseReason.ANSWERED and ticket.answer:
        return {"text": ticket.answer, "outcome": "", "outcome_label": ""}
    return None


def build_payload(ticket, event):
    """What the platform hears of one change: the ticket's state now. No personal data of the resident.

    Labels are in the hotline's language (Simplified Chinese), whoever made the change.
    """
    with translation.override(settings.LANGUAGE_CODE):
        lead = ticket.lead_unit if ticket.lead_unit_id else None
        merged_into = ticket.merged_into if ticket.merged_into_id else None
        return {
            "event": event,
            "occurred_at": _iso(clock.now()),
            "ticket": {
                "number": ticket.number,
                "external_id": ticket.external_id,
                "system": ticket.source_system.code,
                "kind": ticket.kind,
                "kind_label": str(ticket.get_kind_display()),
                "status": ticket.status,
                "status_label": str(ticket.get_status_display()),
                "close_reason": ticket.close_reason,
                "close_reason_label": str(ticket.get_close_reason_display()) if ticket.close_reason else "",
                "lead_unit": lead.name if lead else None,
                "dispatched_at": _iso(ticket.dispatched_at),
                "sign_by": _iso(ticket.sign_by),
                "signed_at": _iso(ticket.signed_at),
                "reply_by": _iso(ticket.reply_by),
                "upstream_reply_by": _iso(ticket.upstream_reply_by),
                "replied_at": _iso(ticket.replied_at),
                "closed_at": _iso(ticket.closed_at),
                "extension_count": ticket.extension_count,
                "reopen_count": ticket.reopen_count,
                "satisfaction": ticket.satisfaction,
                "satisfaction_label": str(ticket.get_satisfaction_display()) if ticket.satisfaction else "",
                "merged_into": merged_into.number if merged_into else None,
                "merged_into_external_id": (
                    merged_into.external_id
                    if merged_into and merged_into.source_system_id == ticket.source_system_id else None
                ),
                "reply": _public_reply(ticket),
            },
        }


# --- telling the platform: signing ------------------------------------------------------------


def generate_secret():
    return secrets.token_urlsafe(32)


def signature(secret, body):
    """The X-Hotline-Signature value: `sha256=` and the hex HMAC-SHA256 of the raw body bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret, body, header, *, max_age=None, now=None):
    """What a receiver does (in any language): recompute the HMAC over the raw body, compare in
    constant time, and (with `max_age` seconds) reject a body whose signed timestamp is too old."""
    if not header or not hmac.compare_digest(signature(secret, body), header):
        return False
    if max_age is not None:
        try:
            stamp = int(json.loads(body)["timestamp"])
        except (ValueError, KeyError, TypeError):
            return False
        now = dt.datetime.now(dt.timezone.utc).timestamp() if now is None else now
        return abs(now - stamp) <= max_age
    return True


def request_body(delivery, *, now):
    """The raw bytes sent: the stored payload with the row id and the send time, signed together."""
    body = {"delivery": delivery.pk, "timestamp": int(now.timestamp()), **delivery.payload}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


# --- telling the platform: delivery -----------------------------------------------------------


def _config(name):
    return settings.HOTLINE[name]


def deliver_after_commit(delivery_ids):
    """Enqueue the sending of these rows once the current transaction commits."""
    ids = [i for i in delivery_ids if i]
    if not ids or clock.is_replaying():
        return

    def enqueue():
        from hotline.tasks import deliver_webhook

        for delivery_id in ids:
            try:
                deliver_webhook.enqueue(delivery_id=delivery_id)
            except Exception:  # the scheduler's minutely job picks it up
                logger.exception("could not enqueue webhook delivery %s", delivery_id)

    transaction.on_commit(enqueue)


def earlier_undelivered():
    """An earlier row of the same ticket not delivered yet (pending, or given up): this one waits."""
    return Exists(
        WebhookDelivery.objects.filter(ticket=OuterRef("ticket"), pk__lt=OuterRef("pk"))
        .exclude(status=WebhookDelivery.Status.DELIVERED)
    )


def backoff(attempts):
    """Wait after the `attempts`-th failed attempt: doubling from WEBHOOK_BACKOFF_SECONDS, capped."""
    first, cap = _config("WEBHOOK_BACKOFF_SECONDS"), _config("WEBHOOK_MAX_BACKOFF_SECONDS")
    return dt.timedelta(seconds=min(first * 2 ** min(max(attempts - 1, 0), 30), cap))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is not an acceptance: it is retried like any other answer


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url, body, headers, timeout):
    """POST; returns (HTTP status, start of the answer's body). Network errors raise OSError."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, (exc.read(500) or b"").decode("utf-8", "replace")


def deliver(*, delivery_id, now=None):
    """Send one row, at most once at a time and in its ticket's order; returns its status afterwards.

    The claim (a conditional UPDATE) takes a lease and counts the attempt; it fails while another
    worker holds the row's lease, while the row is not due, and while an earlier row of the same
    ticket is not delivered (that row's delivery sends this one next: `deliver_in_order`). The result
    is written only while the lease is still ours. Accepted is any 2xx answer; anything else (another
    status, a timeout, a refused connection) is retried after `backoff`, for ever unless
    WEBHOOK_MAX_ATTEMPTS caps it: then the row is marked failed (shown in the admin, which can retry it).
    A row of a platform that was deactivated or lost its URL meanwhile is marked failed too.
    """
    explicit_now = now is not None
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=_config("WEBHOOK_LEASE_SECONDS"))
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .filter(~earlier_undelivered())
        .update(lease_until=lease, attempts=F("attempts") + 1)
    )
    delivery = WebhookDelivery.objects.select_related("system").get(pk=delivery_id)
    if not claimed:
        return delivery.status
    mine = WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING, lease_until=lease)
    system, max_attempts = delivery.system, _config("WEBHOOK_MAX_ATTEMPTS")

    if not system.is_active or not system.webhook_url:
        mine.update(status=WebhookDelivery.Status.FAILED, lease_until=None,
                    last_error=_("上级平台已停用或未设置状态回传地址。"))
        return _status_of(delivery_id)
    if max_attempts and delivery.attempts > max_attempts:
        # the earlier attempts' leases expired without a result (their workers died)
        mine.update(status=WebhookDelivery.Status.FAILED, lease_until=None,
                    last_error=_append(delivery.last_error, f"gave up: no result after {max_attempts} attempts"))
        return _status_of(delivery_id)

    sent_at = now if explicit_now else timezone.now()
    body = request_body(delivery, now=sent_at)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "hotline-webhook/1",
        "X-Hotline-Event": delivery.event,
        "X-Hotline-Delivery": str(delivery.pk),
        "X-Hotline-Timestamp": str(int(sent_at.timestamp())),
        "X-Hotline-Signature": signature(system.secret, body),
    }
    try:
        status, answer = _post(system.webhook_url, body, headers, _config("WEBHOOK_TIMEOUT_SECONDS"))
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, reset, timed out, DNS, bad URL or answer
        return _attempt_failed(mine, delivery, error=f"{type(exc).__name__}: {exc}", status=None, now=now)
    if 200 <= status < 300:
        mine.update(status=WebhookDelivery.Status.DELIVERED, lease_until=None, response_status=status,
                    last_error="", delivered_at=timezone.now())
        return _status_of(delivery_id)
    return _attempt_failed(mine, delivery, error=f"HTTP {status}: {answer.strip()[:300]}", status=status, now=now)


def _append(previous, line):
    return (previous + "\n" if previous else "") + line


def _status_of(delivery_id):
    return WebhookDelivery.objects.values_list("status", flat=True).get(pk=delivery_id)


def _attempt_failed(mine, delivery, *, error, status, now):
    max_attempts = _config("WEBHOOK_MAX_ATTEMPTS")
    fields = {"lease_until": None, "response_status": status, "last_error": error[:1000]}
    if max_attempts and delivery.attempts >= max_attempts:
        fields["status"] = WebhookDelivery.Status.FAILED
        logger.error("webhook %s to %s given up after %s attempts: %s", delivery.pk, delivery.system.code,
                     delivery.attempts, error[:200])
    else:
        fields["next_attempt_at"] = now + backoff(delivery.attempts)
        logger.warning("webhook %s to %s attempt %s failed: %s", delivery.pk, delivery.system.code,
                       delivery.attempts, error[:200])
    mine.update(**fields)
    return _status_of(delivery.pk)


def next_in_line(delivery_id):
    """The ticket's next row waiting behind this one (its earliest pending row after it), or None."""
    row = WebhookDelivery.objects.filter(pk=delivery_id).values("ticket_id").first()
    if row is None:
        return None
    return (
        WebhookDelivery.objects.filter(ticket_id=row["ticket_id"], pk__gt=delivery_id, status=WebhookDelivery.Status.PENDING)
        .order_by("pk").values_list("pk", flat=True).first()
    )


def deliver_in_order(*, delivery_id, now=None):
    """Send this row, then, while they are accepted, the rows of its ticket that waited behind it.

    Returns (status of `delivery_id`, number of rows attempted).
    """
    status = deliver(delivery_id=delivery_id, now=now)
    attempted, current, current_status = 1, delivery_id, status
    while current_status == WebhookDelivery.Status.DELIVERED:
        current = next_in_line(current)
        if current is None:
            break
        current_status = deliver(delivery_id=current, now=now)
        attempted += 1
    return status, attempted


def due_delivery_ids(*, now=None, limit=500):
    """Rows whose (next) attempt is due or whose lease expired, first in their ticket's line, oldest first."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .filter(~earlier_undelivered())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def has_pending_deliveries():
    """For the scheduler: anything left to send at all (one indexed query)."""
    return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).exists()


def retry_now(queryset):
    """The admin's "retry now": the selected pending or failed rows are due at once (a failed row
    gets a fresh count of attempts). Rows being sent right now (an active lease) are left alone.
    Returns how many rows were put back; their sending is enqueued after commit, oldest first."""
    now = timezone.now()
    rows = (
        queryset.filter(status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED])
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    )
    ids = sorted(rows.values_list("pk", flat=True))
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk__in=ids, status=WebhookDelivery.Status.FAILED).update(attempts=0)
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=now, lease_until=None
        )
        deliver_after_commit(ids)
    return len(ids)
