"""Working-time deadlines across weekends, National Day, Spring Festival and unknown years."""

import datetime as dt
from decimal import Decimal

import pytest

from hotline.deadlines import WorkCalendar, deadlines_from
from hotline.models import CalendarDay, CalendarYear, SlaPolicy
from tests.conftest import at

DAYS, HOURS, CLOCK = "working_days", "working_hours", "clock_hours"


@pytest.fixture
def cal(db):
    return WorkCalendar.load()


def test_one_working_day_ends_at_the_same_working_time_next_day(cal):
    assert cal.deadline(at(2026, 11, 24, 10, 0), 1, DAYS) == at(2026, 11, 25, 10, 0)


def test_lunch_break_and_evenings_do_not_count(cal):
    # 11:00 + 2 working hours: one hour before lunch, one after → 15:00
    assert cal.deadline(at(2026, 11, 24, 11, 0), 2, HOURS) == at(2026, 11, 24, 15, 0)
    # 17:00 + 1 working hour: half an hour today, half tomorrow morning
    assert cal.deadline(at(2026, 11, 24, 17, 0), 1, HOURS) == at(2026, 11, 25, 9, 0)


def test_a_start_outside_working_hours_counts_from_the_next_working_moment(cal):
    # dispatched at 20:00 on Tuesday: the clock starts Wednesday 8:30; a full day ends Wednesday 17:30
    assert cal.deadline(at(2026, 11, 24, 20, 0), 1, DAYS) == at(2026, 11, 25, 17, 30)


def test_weekends_are_skipped(cal):
    # Friday 10:00 + 1 working day → Monday 10:00
    assert cal.deadline(at(2026, 11, 27, 10, 0), 1, DAYS) == at(2026, 11, 30, 10, 0)
    # Saturday counts from Monday morning
    assert cal.deadline(at(2026, 11, 28, 9, 0), 2, HOURS) == at(2026, 11, 30, 10, 30)


def test_national_day_holidays_are_skipped_and_the_make_up_saturday_counts(cal):
    # 2026: 1–7 October off; Saturday 10 October is a make-up workday.
    assert not cal.is_workday(dt.date(2026, 10, 5))
    assert cal.is_workday(dt.date(2026, 10, 10))
    # Wednesday 30 September 10:00 + 2 working days: 30 Sep → 8 Oct (Thursday) → 9 Oct (Friday) 10:00
    assert cal.deadline(at(2026, 9, 30, 10, 0), 2, DAYS) == at(2026, 10, 9, 10, 0)
    # Friday 9 October 10:00 + 1 working day → the make-up Saturday, 10 October, 10:00
    assert cal.deadline(at(2026, 10, 9, 10, 0), 1, DAYS) == at(2026, 10, 10, 10, 0)


def test_spring_festival_with_make_up_workdays(cal):
    # 2026 Spring Festival: 15–23 February off; Saturday 14 February and Saturday 28 February worked.
    assert cal.is_workday(dt.date(2026, 2, 14))
    assert not cal.is_workday(dt.date(2026, 2, 16))
    assert cal.is_workday(dt.date(2026, 2, 28))
    # Friday 13 Feb 10:00 + 1 working day → Saturday 14 Feb 10:00; + 2 → Tuesday 24 Feb 10:00
    assert cal.deadline(at(2026, 2, 13, 10, 0), 1, DAYS) == at(2026, 2, 14, 10, 0)
    assert cal.deadline(at(2026, 2, 13, 10, 0), 2, DAYS) == at(2026, 2, 24, 10, 0)
    # five working days from Thursday 12 Feb: 13, 14, 24, 25, 26 → Thursday 26 Feb
    assert cal.deadline(at(2026, 2, 12, 16, 0), 5, DAYS) == at(2026, 2, 26, 16, 0)


def test_a_year_the_holiday_package_does_not_know_falls_back_to_weekends(cal):
    # chinese-calendar knows up to 2026; 2027 must not raise.
    assert cal.is_workday(dt.date(2027, 1, 4))  # Monday
    assert not cal.is_workday(dt.date(2027, 1, 9))  # Saturday
    # Thursday 31 Dec 2026 10:00 + 1 working day → 1 Jan 2027 is a plain Friday here (unknown year)
    assert cal.deadline(at(2026, 12, 31, 10, 0), 1, DAYS) == at(2027, 1, 1, 10, 0)
    assert cal.deadline(at(2026, 12, 31, 10, 0), 2, DAYS) == at(2027, 1, 4, 10, 0)


def test_deadlines_across_into_2027_use_the_schedule_the_supervisor_entered(db):
    CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕X号")
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(date=dt.date(2027, 1, 2), kind=CalendarDay.Kind.WORKDAY, name="元旦调休")
    cal = WorkCalendar.load()
    assert not cal.is_workday(dt.date(2027, 1, 1))
    assert cal.is_workday(dt.date(2027, 1, 2))  # a Saturday worked
    # Thursday 31 Dec 10:00 + 1 working day → New Year's Day off, the make-up Saturday 2 Jan
    assert cal.deadline(at(2026, 12, 31, 10, 0), 1, DAYS) == at(2027, 1, 2, 10, 0)
    assert cal.deadline(at(2026, 12, 31, 10, 0), 2, DAYS) == at(2027, 1, 4, 10, 0)


def test_an_entered_day_overrides_the_holiday_package(db):
    CalendarDay.objects.create(date=dt.date(2026, 11, 25), kind=CalendarDay.Kind.HOLIDAY, name="地方假日")
    cal = WorkCalendar.load()
    assert not cal.is_workday(dt.date(2026, 11, 25))
    assert cal.deadline(at(2026, 11, 24, 10, 0), 1, DAYS) == at(2026, 11, 26, 10, 0)


def test_urgent_deadlines_run_on_the_clock(cal):
    assert cal.deadline(at(2026, 10, 3, 22, 0), 2, CLOCK) == at(2026, 10, 4, 0, 0)


def test_working_hours_between_counts_only_working_time(cal):
    # Friday 16:30 → Monday 9:30: one hour on Friday, one on Monday
    assert cal.working_hours_between(at(2026, 11, 27, 16, 30), at(2026, 11, 30, 9, 30)) == Decimal("2.00")
    assert cal.working_hours_between(at(2026, 11, 30, 9, 30), at(2026, 11, 27, 16, 30)) == Decimal("0.00")


def test_both_deadlines_come_from_the_sla_policy(db):
    SlaPolicy.objects.filter(kind="consultation", priority="normal").update(
        sign_limit=4, sign_measure=HOURS, reply_limit=3, reply_measure=DAYS
    )
    d = deadlines_from(at(2026, 11, 24, 10, 0), kind="consultation", priority="normal")
    assert d.sign_by == at(2026, 11, 24, 16, 0)  # 2 h before lunch, 2 h after
    assert d.reply_by == at(2026, 11, 27, 10, 0)
    assert d.return_by == at(2026, 11, 26, 10, 0)  # 2 working days (seeded default)
    assert at(2026, 11, 24, 10, 0) < d.sign_remind_at < d.sign_by
    # 4 working hours before Friday 10:00: 1.5 h on Friday morning, 2.5 h back from Thursday 17:30
    assert d.reply_remind_at == at(2026, 11, 26, 15, 0)


def test_a_missing_sla_row_falls_back_to_the_defaults(db):
    SlaPolicy.objects.all().delete()
    d = deadlines_from(at(2026, 11, 24, 10, 0), kind="help", priority="urgent")
    assert d.sign_by == at(2026, 11, 24, 12, 0)
    assert d.reply_by == at(2026, 11, 25, 10, 0)
