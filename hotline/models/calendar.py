from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hotline.models.choices import Kind, Priority


class WorkPeriod(models.Model):
    """A daily working period, e.g. 8:30–12:00 and 14:00–17:30 (same on every working day)."""

    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作时段")
        verbose_name_plural = _("工作时段")
        ordering = ["start"]

    def __str__(self):
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start and self.end and self.start >= self.end:
            raise ValidationError(_("结束时间必须晚于开始时间。"))
        overlapping = WorkPeriod.objects.exclude(pk=self.pk).filter(start__lt=self.end, end__gt=self.start)
        if self.start and self.end and overlapping.exists():
            raise ValidationError(_("与已有工作时段重叠。"))


class CalendarYear(models.Model):
    """A year whose official holiday schedule the supervisor entered by hand.

    For such a year only its CalendarDay rows and weekends count; the
    chinese-calendar package is not asked. A year nobody entered uses the
    package where it knows the year, and plain weekends otherwise.
    """

    year = models.PositiveIntegerField(_("年份"), unique=True)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("例如：国务院办公厅通知文号"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度放假安排")
        verbose_name_plural = _("年度放假安排")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """One day that is not what its weekday says: a holiday or a make-up workday (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("上班（调休）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("例如：国庆节"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("节假日/调休")
        verbose_name_plural = _("节假日/调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class SlaPolicy(models.Model):
    """Deadlines for one ticket kind and priority (the SLA policy table)."""

    class Measure(models.TextChoices):
        WORKING_DAYS = "working_days", _("工作日")
        WORKING_HOURS = "working_hours", _("工作小时")
        CLOCK_HOURS = "clock_hours", _("自然小时")

    kind = models.CharField(_("诉求类型"), max_length=20, choices=Kind.choices)
    priority = models.CharField(_("紧急程度"), max_length=10, choices=Priority.choices)
    sign_limit = models.DecimalField(_("签收时限"), max_digits=6, decimal_places=2)
    sign_measure = models.CharField(_("签收时限单位"), max_length=20, choices=Measure.choices)
    reply_limit = models.DecimalField(_("办结时限"), max_digits=6, decimal_places=2)
    reply_measure = models.CharField(_("办结时限单位"), max_length=20, choices=Measure.choices)
    return_window = models.DecimalField(
        _("退单时限"), max_digits=6, decimal_places=2, help_text=_("派单后多长时间内允许申请退单")
    )
    return_measure = models.CharField(_("退单时限单位"), max_length=20, choices=Measure.choices)
    remind_before_hours = models.DecimalField(
        _("提前提醒（小时）"),
        max_digits=6,
        decimal_places=2,
        default=4,
        help_text=_("到期前多少小时提醒承办单位；按与时限相同的计时方式计算"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["kind", "priority"]
        constraints = [models.UniqueConstraint(fields=["kind", "priority"], name="sla_unique_kind_priority")]

    def __str__(self):
        return f"{self.get_kind_display()} / {self.get_priority_display()}"

    def clean(self):
        for field in ("sign_limit", "reply_limit", "return_window"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                raise ValidationError({field: _("时限必须大于 0。")})
