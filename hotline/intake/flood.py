"""Inbound SMS floods from one number (issue 10: a flood becomes one ticket with a note, not hundreds).

Counted in the database, from the rows every SMS leaves anyway, within the last
SMS_FLOOD_WINDOW_MINUTES (settings.HOTLINE), while hotline.intake.commands holds the
resident's row lock (so one sender's messages are counted one at a time):

- past SMS_FLOOD_TICKETS new tickets or promotion requests of the sender in the window, an SMS
  that would open another one (free text, 承诺/CN feedback, 推广/TG) joins the sender's latest
  ticket instead: as 补充 while it is open, as a note once it is closed;
- past SMS_FLOOD_MESSAGES inbound SMS from the number in the window, or once a message was
  merged, the sender gets one notice (`sms_flood`) per window and then no reply at all: each
  further reply is still recorded, as skipped with the reason (no SMS pumping at the hotline's cost);
- either way the ticket gets one note "短时间内大量来信，已合并" per window, and a flood does not
  count as repeated 催办.

Every inbound SMS is stored (hotline.intake.sms) before any of this: nothing is lost.
"""

import dataclasses
import datetime as dt
import functools

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from hotline import workflow
from hotline.models import Message, PromotionRequest, Ticket, TicketEvent
from hotline.models.choices import Status

# where workflow.append_message takes a resident's further words (as hotline.intake.commands)
APPENDABLE = (Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS, Status.RETURNED)


def _note():
    return _("短时间内大量来信，已合并")


def _window():
    return dt.timedelta(minutes=settings.HOTLINE["SMS_FLOOD_WINDOW_MINUTES"])


@dataclasses.dataclass(frozen=True)
class State:
    since: dt.datetime
    messages: int  # inbound SMS from the number in the window, this one included (at most SMS_FLOOD_MESSAGES + 1)
    created: int  # the sender's new tickets and promotion requests in the window

    @property
    def flooding(self):
        return self.messages > settings.HOTLINE["SMS_FLOOD_MESSAGES"]

    @property
    def tickets_full(self):
        return self.created >= settings.HOTLINE["SMS_FLOOD_TICKETS"]


def measure(inbound, resident, now):
    """The sender's counts in the window: one statement of three counts, each on its own index.

    Every SMS asks this, so it is one round trip in plain SQL rather than three ORM counts (which cost
    about twenty times the Python of this whole function; bench/webhook_load.py). The sender's messages are
    counted from their own newest few (the phone index), up to one more than the flood limit: asked
    "since a time" PostgreSQL took the recent rows for a handful whenever its statistics predated them
    (autovacuum analyses a big table rarely) and scanned every SMS of the last hour by time, all of them,
    for each new one — in a flood, which is when it matters, about 10 ms a message at 10,000 an hour.
    """
    since = now - _window()
    at = connection.ops.adapt_datetimefield_value(since)
    resident_id = resident.pk if resident is not None else None
    with connection.cursor() as cursor:
        cursor.execute(
            _counts_sql(connection.vendor),
            [inbound.phone, Message.Direction.INBOUND, _message_cap(), at, resident_id, at, resident_id, at],
        )
        messages, created = cursor.fetchone()
    return State(since=since, messages=messages, created=created)


def _message_cap():
    """Messages counted at most: enough to tell a flood (State.flooding) from none."""
    return settings.HOTLINE["SMS_FLOOD_MESSAGES"] + 1


@functools.cache
def _counts_sql(vendor):
    def column(model, field):
        return connection.ops.quote_name(model._meta.get_field(field).column)

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    m, t, p = Message, Ticket, PromotionRequest
    created = column(m, "created_at")
    return (
        f"SELECT (SELECT COUNT(*) FROM (SELECT {created} FROM {table(m)}"
        f" WHERE {column(m, 'phone')} = %s AND {column(m, 'direction')} = %s ORDER BY {created} DESC LIMIT %s)"
        f" newest WHERE {created} >= %s),"
        f" (SELECT COUNT(*) FROM {table(t)} WHERE {column(t, 'resident')} = %s AND {column(t, 'created_at')} >= %s)"
        f" + (SELECT COUNT(*) FROM {table(p)} WHERE {column(p, 'resident')} = %s AND {column(p, 'created_at')} >= %s)"
    )


def note_once(ticket, state, by):
    """The flood note on `ticket`, once per window."""
    if not TicketEvent.objects.filter(
        ticket=ticket, action=TicketEvent.Action.NOTE, note=_note(), created_at__gte=state.since
    ).exists():
        workflow.add_note(ticket=ticket, by=by, note=_note())


def merge(text, resident, state, by):
    """Put `text` on the sender's latest ticket instead of a new one; returns that ticket, or None if they
    have none (then the stored SMS is all there is: the operators see it in the SMS list)."""
    ticket = Ticket.objects.filter(resident=resident).order_by("-created_at", "-pk").first()
    if ticket is None:
        return None
    text = text.strip() or _("（空短信）")
    if ticket.status in APPENDABLE:
        workflow.append_message(ticket=ticket, by=by, text=text)
    else:  # closed, or a reply under review: the words go on the timeline as a note
        workflow.add_note(ticket=ticket, by=by, note=_("%(note)s：%(text)s") % {"note": _note(), "text": text})
    note_once(ticket, state, by)
    return ticket


def reply_verdict(inbound, answer, state):
    """'send', 'notice' (the one flood notice of the window) or 'skip' for the reply to `inbound`."""
    if not answer.template or not (state.flooding or answer.flood):
        return "send"
    noticed = Message.objects.filter(
        phone=inbound.phone, direction=Message.Direction.OUTBOUND, template="sms_flood", created_at__gte=state.since
    ).exists()
    return "skip" if noticed else "notice"
