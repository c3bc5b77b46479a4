"""Other systems: upstream 12345 platforms that hand tickets over and hear back, and Open311 clients."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UpstreamSystem(models.Model):
    """上级平台: the city's or province's 12345 system. It creates tickets through the API as its own
    login, with its own ids (Ticket.external_id), and hears of every state change by signed webhook."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="upstream_system",
        verbose_name=_("接口账号"), help_text=_("该平台调用接口时使用的账号（需有话务员角色）"),
    )
    webhook_url = models.URLField(_("状态回传地址"), blank=True, help_text=_("留空则不回传"))
    secret = models.CharField(_("签名密钥"), max_length=128, help_text=_("回传请求用 HMAC-SHA256 签名"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("上级平台")
        verbose_name_plural = _("上级平台")
        ordering = ["name"]

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One state change of an upstream ticket, to be sent back: a row first, delivered by a task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("已放弃")

    system = models.ForeignKey(UpstreamSystem, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("上级平台"))
    ticket = models.ForeignKey("hotline.Ticket", on_delete=models.CASCADE, related_name="webhook_deliveries", verbose_name=_("工单"))
    event = models.CharField(_("事件"), max_length=40)
    payload = models.JSONField(_("内容"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送"), default=timezone.now)
    lease_until = models.DateTimeField(_("发送租约到期"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("响应状态码"), null=True, blank=True)
    last_error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("状态回传")
        verbose_name_plural = _("状态回传")
        ordering = ["created_at", "pk"]
        indexes = [
            # the delivery task: what is due now, oldest first
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due"),
        ]

    def __str__(self):
        return f"{self.system} {self.event} {self.ticket_id}"


class Open311Key(models.Model):
    """An Open311 client's api_key (for POST requests). Only its SHA-256 is kept; the key is shown once."""

    name = models.CharField(_("客户端名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False, help_text=_("用于辨认，不是完整密钥"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311密钥")
        verbose_name_plural = _("Open311密钥")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
