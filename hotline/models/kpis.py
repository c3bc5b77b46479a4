"""Assessment: appeals against KPI outcomes (申诉), the ranking's weights, and published rankings."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class KpiAppeal(models.Model):
    """A unit asks that one outcome of one assignment not count against it; the supervisor decides.

    An approved appeal takes that assignment out of that figure altogether (neither for nor against).
    """

    class Metric(models.TextChoices):
        SIGNED_ON_TIME = "signed_on_time", _("及时签收")
        RETURNED = "returned", _("退单")
        REPLIED_ON_TIME = "replied_on_time", _("按时办结")
        SATISFACTION = "satisfaction", _("满意度")
        REOPENED = "reopened", _("重办")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已同意")
        DENIED = "denied", _("已驳回")

    assignment = models.ForeignKey(
        "hotline.Assignment", on_delete=models.CASCADE, related_name="appeals", verbose_name=_("派单记录")
    )
    metric = models.CharField(_("申诉指标"), max_length=20, choices=Metric.choices)
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申诉人")
    )
    requested_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核申诉")
        verbose_name_plural = _("考核申诉")
        ordering = ["-requested_at"]
        constraints = [
            # one appeal per outcome: a denied one is final, so the unit cannot wear the supervisor down
            models.UniqueConstraint(fields=["assignment", "metric"], name="appeal_once_per_outcome"),
        ]
        indexes = [
            # the KPI queries' "approved appeal exists" subquery, and the supervisor's pending list
            models.Index(fields=["assignment", "metric", "status"], name="appeal_lookup"),
            models.Index(fields=["status", "requested_at"], name="appeal_status"),
        ]


class RankingScheme(models.Model):
    """The composite score's weights (percent points); one row, edited by the supervisor, kept in history."""

    signed_on_time = models.DecimalField(_("及时签收率权重"), max_digits=5, decimal_places=2, default=Decimal("15"))
    replied_on_time = models.DecimalField(_("按时办结率权重"), max_digits=5, decimal_places=2, default=Decimal("30"))
    satisfaction = models.DecimalField(_("满意率权重"), max_digits=5, decimal_places=2, default=Decimal("35"))
    resolution = models.DecimalField(_("解决率权重"), max_digits=5, decimal_places=2, default=Decimal("10"))
    not_returned = models.DecimalField(_("未退单率权重"), max_digits=5, decimal_places=2, default=Decimal("5"))
    not_reopened = models.DecimalField(_("未重办率权重"), max_digits=5, decimal_places=2, default=Decimal("5"))
    marked = models.PositiveSmallIntegerField(_("红黑榜各标注单位数"), default=3)
    min_received = models.PositiveSmallIntegerField(_("参与排名的最少工单数"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("修改人"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("排名权重")
        verbose_name_plural = _("排名权重")

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()


class RankingPublication(models.Model):
    """A month's ranking as published on the public site: the table is kept as it was when published."""

    month = models.DateField(_("月份"), unique=True, help_text=_("当月1日"))
    rows = models.JSONField(_("排名表"), default=list)
    published = models.BooleanField(_("公开"), default=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公开排名")
        verbose_name_plural = _("公开排名")
        ordering = ["-month"]
