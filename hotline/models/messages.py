from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Message(models.Model):
    """An SMS in or out (append-only record). Outbound rows are delivered by a task."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("收到")
        OUTBOUND = "out", _("发出")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已收到")
        QUEUED = "queued", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        DELIVERED = "delivered", _("已送达")
        UNDELIVERED = "undelivered", _("未送达")
        FAILED = "failed", _("发送失败")
        # not sent by SMS, the reason in `error`: the resident opted out (退订), has a landline and is told
        # by phone, or the sender is flooding us (hotline.intake.flood)
        SKIPPED = "skipped", _("未发送")
        CALLBACK = "callback", _("待电话告知")
        CALLED = "called", _("已电话告知")  # a callback row done: who and when in called_by/called_at

    provider = models.CharField(_("通道"), max_length=20, blank=True)
    external_id = models.CharField(_("通道编号"), max_length=64, null=True, blank=True)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    phone = models.CharField(_("对方号码"), max_length=20)
    resident = models.ForeignKey(
        "hotline.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages", verbose_name=_("群众")
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("接收工作人员"),
    )
    ticket = models.ForeignKey(
        "hotline.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages", verbose_name=_("工单")
    )
    template = models.CharField(_("模板"), max_length=50, blank=True)
    params = models.JSONField(_("模板参数"), default=dict, blank=True)
    body = models.TextField(_("内容"))
    segments = models.PositiveSmallIntegerField(_("条数"), default=1, help_text=_("按70字一条计"))
    media = models.JSONField(_("彩信附件"), default=list, blank=True, help_text=_("[{url, content_type}]"))
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="answers", verbose_name=_("回复的短信"),
        help_text=_("直接回答群众来信的短信，退订后仍会发送"),
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    error_code = models.CharField(_("错误码"), max_length=20, blank=True)
    status_updated_at = models.DateTimeField(_("状态更新时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送"), null=True, blank=True)
    lease_until = models.DateTimeField(_("发送租约到期"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    # the landline callback list: who told the resident by phone, and when (hotline.messaging.mark_called)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("电话告知人"),
    )
    called_at = models.DateTimeField(_("电话告知时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"], condition=Q(external_id__isnull=False),
                name="message_unique_provider_sid",
            )
        ]
        indexes = [
            # the delivery scheduler: queued messages whose next attempt is due
            models.Index(fields=["status", "next_attempt_at"], name="message_status_next"),
            # a ticket's messages on its page
            models.Index(fields=["ticket", "created_at"], name="message_ticket_created"),
            # SMS intake: a phone's latest inbound message (appending to an open ticket)
            models.Index(fields=["phone", "direction", "-created_at"], name="message_phone_dir_created"),
            # the work summary's SMS counts for a period, read from the index alone
            models.Index(fields=["created_at", "direction", "status", "segments"], name="message_created_counts"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class Call(models.Model):
    """A phone call or voicemail (append-only record), unique by provider and call SID."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("来电")
        OUTBOUND = "out", _("去电")
        BRIDGED = "bridged", _("中转通话")

    provider = models.CharField(_("通道"), max_length=20)
    external_id = models.CharField(_("通道编号"), max_length=64)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices)
    phone = models.CharField(_("对方号码"), max_length=20)
    resident = models.ForeignKey(
        "hotline.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls", verbose_name=_("群众")
    )
    ticket = models.ForeignKey(
        "hotline.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls", verbose_name=_("工单")
    )
    status = models.CharField(_("状态"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    answered_at = models.DateTimeField(_("接听时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("接听人"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("发起人"), help_text=_("中转通话：请求回拨的联络员"),
    )
    duration_seconds = models.PositiveIntegerField(_("通话时长（秒）"), null=True, blank=True)
    recording_sid = models.CharField(_("录音编号"), max_length=64, blank=True)
    recording_url = models.URLField(_("录音"), blank=True)
    recording_seconds = models.PositiveIntegerField(_("录音时长（秒）"), null=True, blank=True)
    transcript = models.TextField(_("转写"), blank=True)

    class Meta:
        verbose_name = _("通话")
        verbose_name_plural = _("通话")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="call_unique_provider_sid")
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.started_at:%Y-%m-%d %H:%M}"


class SmsTemplate(models.Model):
    """The wording of one kind of SMS, editable by the supervisor without code.

    `text` uses {placeholders}; `provider_template_id` is the approved template
    id for providers (Aliyun, Tencent Cloud) that only send registered templates.
    """

    code = models.CharField(_("代码"), max_length=50, unique=True)
    text = models.CharField(_("内容"), max_length=300)
    provider_template_id = models.CharField(_("通道模板编号"), max_length=50, blank=True)
    description = models.CharField(_("用途"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        ordering = ["code"]

    def __str__(self):
        return self.code
