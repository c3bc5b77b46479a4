"""Smart dispatch (智能派单): keyword rules per unit, the trained unit classifier's versions, and the
flags of possible duplicates. The logic is in hotline/routing/."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RoutingRule(models.Model):
    """关键词规则: words that point a ticket to a unit (edited in the admin, checked for conflicts)."""

    unit = models.ForeignKey(
        "hotline.Unit", on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("承办单位")
    )
    keywords = models.TextField(
        _("关键词"), help_text=_("一行一个，或用顿号、逗号分隔；出现在工单标题或内容中即命中，不区分全角半角和大小写。")
    )
    weight = models.DecimalField(
        _("权重"), max_digits=3, decimal_places=1, default=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("3"))],
        help_text=_("1 为常规；关键词很能说明问题时调高（最高 3），只作参考时调低（最低 0.1）。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("派单关键词规则")
        verbose_name_plural = _("派单关键词规则")
        ordering = ["unit__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0.1, weight__lte=3), name="routing_rule_weight_range"),
        ]

    def __str__(self):
        return f"{self.unit}：{self.keywords[:30]}"


class RouterModel(models.Model):
    """A version of the unit classifier, with its accuracy on a held-out slice of the history.

    At most one is ACTIVE (the one suggestions use) and at most one is TRAINING (two schedulers or a
    command and the nightly job never train at once). A new model replaces the active one only if it
    is not worse on the same held-out tickets.
    """

    class Status(models.TextChoices):
        TRAINING = "training", _("训练中")
        ACTIVE = "active", _("使用中")
        RETIRED = "retired", _("已替换")
        REJECTED = "rejected", _("未采用")
        FAILED = "failed", _("训练失败")

    version = models.PositiveIntegerField(_("版本"), unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.TRAINING)
    trigger = models.CharField(_("触发方式"), max_length=10, choices=[("nightly", _("每晚自动")), ("manual", _("手动"))])
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("操作人"),
    )
    samples = models.PositiveIntegerField(_("历史工单数"), default=0)
    train_samples = models.PositiveIntegerField(_("训练集"), default=0)
    test_samples = models.PositiveIntegerField(_("留出检验集"), default=0)
    classes = models.PositiveIntegerField(_("单位数"), default=0)
    # accuracy on the held-out slice (the newest tickets), 0–1
    top1 = models.FloatField(_("首位命中率"), null=True, blank=True)
    top3 = models.FloatField(_("前三命中率"), null=True, blank=True)
    # the model it was compared with, and that model's accuracy on the same held-out tickets
    compared_with = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("对比版本")
    )
    compared_top1 = models.FloatField(_("对比版本首位命中率"), null=True, blank=True)
    # how many held-out tickets both were scored on (tickets newer than the compared version's history,
    # which it never saw); 0: too few, so the compared figure is that version's own held-out accuracy
    compared_on = models.PositiveIntegerField(_("对比工单数"), default=0)
    # the newest ticket of its history: a later version compares with it on tickets after this only
    data_until = models.DateTimeField(_("历史截至"), null=True, blank=True)
    # the keyword rules and townships alone on the same tickets (what suggestions are without a model)
    rules_top1 = models.FloatField(_("仅规则首位命中率"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    library = models.CharField(_("程序库版本"), max_length=40, blank=True)
    # the fitted scikit-learn pipeline (joblib); dropped once the version is no longer active
    artifact = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("派单模型")
        verbose_name_plural = _("派单模型")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="active"), name="router_one_active"),
            models.UniqueConstraint(fields=["status"], condition=Q(status="training"), name="router_one_training"),
        ]

    def __str__(self):
        return f"v{self.version} {self.get_status_display()}"


class DuplicateFlag(models.Model):
    """A new ticket that looks like an open one: shown to the operator as a candidate for merging."""

    ticket = models.ForeignKey(
        "hotline.Ticket", on_delete=models.CASCADE, related_name="duplicate_flags", verbose_name=_("工单")
    )
    candidate = models.ForeignKey(
        "hotline.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("疑似重复的工单")
    )
    score = models.FloatField(_("相似度"))
    reason = models.CharField(_("理由"), max_length=200)
    created_at = models.DateTimeField(_("标记时间"), default=timezone.now)
    dismissed_at = models.DateTimeField(_("排除时间"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("排除人"),
    )

    class Meta:
        verbose_name = _("疑似重复")
        verbose_name_plural = _("疑似重复")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "candidate"], name="duplicate_flag_unique_pair"),
        ]

    def __str__(self):
        return f"{self.ticket_id} ≈ {self.candidate_id}"
