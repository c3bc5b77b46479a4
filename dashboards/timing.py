"""Deadlines as people read them: working time left or overdue, from one calendar per request."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.deadlines import WorkCalendar


@dataclass(frozen=True)
class Due:
    deadline: object
    seconds_left: float  # working seconds; negative when overdue
    text: str
    css: str  # "overdue", "due-today", "due-soon" or ""
    rank: int  # 0 overdue, 1 due today, 2 due soon, 3 later: the liaison queue's order

    @property
    def overdue(self):
        return self.seconds_left < 0


class WorkingClock:
    """Load the work calendar once (three queries) and describe any number of deadlines."""

    def __init__(self, now=None, calendar=None):
        self.now = now or clock.now()
        self.calendar = calendar or WorkCalendar.load()
        self.day_seconds = float(self.calendar.day_seconds) or 8 * 3600.0

    def _amount(self, seconds):
        seconds = abs(seconds)
        if seconds < self.day_seconds:
            hours = Decimal(seconds / 3600).quantize(Decimal("0.1"))
            return _("%(hours)s个工作小时") % {"hours": hours}
        days = Decimal(seconds / self.day_seconds).quantize(Decimal("0.1"))
        return _("%(days)s个工作日") % {"days": days}

    def due(self, deadline):
        if deadline is None:
            return None
        if deadline <= self.now:
            seconds = -self.calendar.working_seconds_between(deadline, self.now)
            return Due(deadline, min(seconds, -1), _("超期%(amount)s") % {"amount": self._amount(seconds)}, "overdue", 0)
        seconds = self.calendar.working_seconds_between(self.now, deadline)
        today = timezone.localtime(deadline).date() == timezone.localtime(self.now).date()
        if today:
            css, rank = "due-today", 1
        elif seconds <= self.day_seconds:
            css, rank = "due-soon", 2
        else:
            css, rank = "", 3
        return Due(deadline, seconds, _("剩余%(amount)s") % {"amount": self._amount(seconds)}, css, rank)


def current_deadline(ticket):
    """The deadline that matters now: signing while dispatched, then the reply."""
    from hotline.models.choices import Status

    if ticket.status == Status.DISPATCHED and ticket.signed_at is None:
        return ticket.sign_by
    if ticket.status in (Status.DISPATCHED, Status.IN_PROGRESS):
        return ticket.reply_by
    return None
