"""Working time: the calendar, deadline arithmetic and the SLA policy lookup.

Working days skip weekends and statutory holidays and count make-up workdays
(调休). A date's status comes from, in order: a CalendarDay row entered in the
admin; weekends, for a year whose schedule the supervisor entered
(CalendarYear); the chinese-calendar package, for the years it knows;
weekends, for any other year — never an exception.

"N working days" is N times the working hours of a day, counted from the
start instant; so 1 working day from Monday 10:00 ends Tuesday 10:00, and
from Monday 8:30 (the start of the day) ends Monday 17:30. Urgent deadlines
measured in clock hours run on the clock.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils import timezone

from hotline.models import CalendarDay, CalendarYear, SlaPolicy, WorkPeriod

DEFAULT_PERIODS = ((dt.time(8, 30), dt.time(12, 0)), (dt.time(14, 0), dt.time(17, 30)))
_MAX_DAYS_SCANNED = 3660  # a deadline never lies ten years out; stops a bad calendar from looping


@dataclass
class WorkCalendar:
    periods: tuple = DEFAULT_PERIODS
    overrides: dict = field(default_factory=dict)  # date -> True (workday) / False (holiday)
    entered_years: frozenset = frozenset()
    tz: dt.tzinfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))

    @classmethod
    def load(cls):
        periods = tuple(WorkPeriod.objects.order_by("start").values_list("start", "end")) or DEFAULT_PERIODS
        overrides = {
            day: kind == CalendarDay.Kind.WORKDAY for day, kind in CalendarDay.objects.values_list("date", "kind")
        }
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        return cls(periods=periods, overrides=overrides, entered_years=years)

    @property
    def day_seconds(self):
        return Decimal(sum(_seconds(start, end) for start, end in self.periods))

    def is_workday(self, day):
        if day in self.overrides:
            return self.overrides[day]
        if day.year not in self.entered_years:
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:
                pass
        return day.weekday() < 5

    def _at(self, day, time):
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def add_working_seconds(self, start, seconds):
        """The instant at which `seconds` of working time after `start` have passed.

        A deadline that lands exactly on the end of a period stays there
        (17:30), rather than moving to the start of the next one.
        """
        remaining = Decimal(seconds)
        t = timezone.localtime(start, self.tz)
        day = t.date()
        for _ in range(_MAX_DAYS_SCANNED):
            if self.is_workday(day):
                for p_start, p_end in self.periods:
                    begin, end = max(self._at(day, p_start), t), self._at(day, p_end)
                    if end <= begin:
                        continue
                    available = Decimal((end - begin).total_seconds())
                    if remaining <= available:
                        return begin + dt.timedelta(seconds=float(remaining))
                    remaining -= available
            day += dt.timedelta(days=1)
            t = self._at(day, dt.time(0))
        raise ValueError("no working time found within ten years; check the work calendar")

    def working_seconds_between(self, start, end):
        """Working time, in seconds, between two instants (0 if end is not after start)."""
        if end <= start:
            return 0
        start, end = timezone.localtime(start, self.tz), timezone.localtime(end, self.tz)
        total, day = 0.0, start.date()
        while day <= end.date():
            if self.is_workday(day):
                for p_start, p_end in self.periods:
                    begin = max(self._at(day, p_start), start)
                    finish = min(self._at(day, p_end), end)
                    if finish > begin:
                        total += (finish - begin).total_seconds()
            day += dt.timedelta(days=1)
        return total

    def working_hours_between(self, start, end):
        return (Decimal(self.working_seconds_between(start, end)) / 3600).quantize(Decimal("0.01"))

    def deadline(self, start, limit, measure):
        """`limit` units of `measure` (an SlaPolicy.Measure) after `start`."""
        limit = Decimal(limit)
        if measure == SlaPolicy.Measure.CLOCK_HOURS:
            return start + dt.timedelta(hours=float(limit))
        if measure == SlaPolicy.Measure.WORKING_HOURS:
            return self.add_working_seconds(start, limit * 3600)
        if measure == SlaPolicy.Measure.WORKING_DAYS:
            return self.add_working_seconds(start, limit * self.day_seconds)
        raise ValueError(f"unknown deadline measure {measure!r}")

    def remind_at(self, start, deadline, before_hours, measure):
        """When to remind: `before_hours` before the deadline, measured like the deadline.

        If the whole span is shorter than that, remind half-way.
        """
        before = Decimal(before_hours) * 3600
        if measure == SlaPolicy.Measure.CLOCK_HOURS:
            span = Decimal((deadline - start).total_seconds())
            offset = span - before if span > before else span / 2
            return start + dt.timedelta(seconds=float(offset))
        span = Decimal(self.working_seconds_between(start, deadline))
        offset = span - before if span > before else span / 2
        return self.add_working_seconds(start, offset)

    def working_days_after(self, start, days):
        return self.add_working_seconds(start, Decimal(days) * self.day_seconds)


# Used when the SLA table has no row for a kind and priority (and seeded by a migration).
DEFAULT_SLA = {
    # kind: (sign, reply, return window), each (limit, measure); urgent rows below
    "consultation": ((1, "working_days"), (2, "working_days"), (2, "working_days")),
    "help": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
    "complaint": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
    "report": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
    "suggestion": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
    "praise": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
}
DEFAULT_URGENT_SLA = ((2, "clock_hours"), (24, "clock_hours"), (2, "clock_hours"))
DEFAULT_REMIND_BEFORE = {"normal": Decimal(4), "urgent": Decimal("0.5")}


def default_policy(kind, priority):
    (sign, reply, ret) = DEFAULT_URGENT_SLA if priority == "urgent" else DEFAULT_SLA.get(kind, DEFAULT_SLA["help"])
    return SlaPolicy(
        kind=kind,
        priority=priority,
        sign_limit=Decimal(sign[0]),
        sign_measure=sign[1],
        reply_limit=Decimal(reply[0]),
        reply_measure=reply[1],
        return_window=Decimal(ret[0]),
        return_measure=ret[1],
        remind_before_hours=DEFAULT_REMIND_BEFORE[priority],
    )


def policy_for(kind, priority):
    return SlaPolicy.objects.filter(kind=kind, priority=priority).first() or default_policy(kind, priority)


@dataclass(frozen=True)
class Deadlines:
    sign_by: dt.datetime
    reply_by: dt.datetime
    return_by: dt.datetime
    sign_remind_at: dt.datetime
    reply_remind_at: dt.datetime


def deadlines_from(start, *, kind, priority, calendar=None):
    """The deadlines of a dispatch at `start` (both run from dispatch, not signing)."""
    calendar = calendar or WorkCalendar.load()
    policy = policy_for(kind, priority)
    sign_by = calendar.deadline(start, policy.sign_limit, policy.sign_measure)
    reply_by = calendar.deadline(start, policy.reply_limit, policy.reply_measure)
    return Deadlines(
        sign_by=sign_by,
        reply_by=reply_by,
        return_by=calendar.deadline(start, policy.return_window, policy.return_measure),
        sign_remind_at=calendar.remind_at(start, sign_by, policy.remind_before_hours, policy.sign_measure),
        reply_remind_at=calendar.remind_at(start, reply_by, policy.remind_before_hours, policy.reply_measure),
    )


def reply_remind_for(*, start, reply_by, kind, priority, calendar=None):
    """The reminder time for a reply deadline moved by an extension."""
    calendar = calendar or WorkCalendar.load()
    policy = policy_for(kind, priority)
    return calendar.remind_at(start, reply_by, policy.remind_before_hours, policy.reply_measure)


def _seconds(start, end):
    return (dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).total_seconds()
