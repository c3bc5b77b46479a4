from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hotline.models.choices import (
    AssignmentRole,
    Channel,
    CloseReason,
    ContactMethod,
    EmergencyService,
    Kind,
    OPEN_STATUSES,
    Outcome,
    Priority,
    RequestStatus,
    ReviewStatus,
    Satisfaction,
    Status,
)
from hotline.numbers import random_number


class Category(models.Model):
    """事项分类, a tree such as 城乡建设 › 道路 › 路灯."""

    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级分类")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("事项分类")
        verbose_name_plural = _("事项分类")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_per_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="category_unique_root_name"
            ),
        ]

    def __str__(self):
        return " › ".join(c.name for c in self.ancestors(include_self=True))

    def ancestors(self, *, include_self=False):
        chain, node, seen = [], self if include_self else self.parent, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.pk and self.parent_id:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("上级分类不能是自己或自己的下级。")})
                node = node.parent


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def awaiting_rating(self):
        """Tickets the resident has not rated yet: an accepted reply, or a direct answer."""
        return self.filter(satisfaction="").filter(
            Q(status=Status.REPLIED, reply_accepted_at__isnull=False)
            | Q(status=Status.CLOSED, close_reason=CloseReason.ANSWERED)
        )

    def countable(self):
        """Tickets that count in KPIs and the work summary: not invalid, not merged duplicates, not imported."""
        return self.exclude(close_reason__in=UNCOUNTED_CLOSE_REASONS)


# closed this way, a ticket counts in no figure (kpis.counted_assignments, TicketQuerySet.countable)
UNCOUNTED_CLOSE_REASONS = (CloseReason.INVALID, CloseReason.DUPLICATE, CloseReason.IMPORTED)


class Ticket(models.Model):
    """工单. `status` is written only by hotline.workflow."""

    Kind = Kind
    Priority = Priority
    Channel = Channel
    Status = Status
    CloseReason = CloseReason
    Satisfaction = Satisfaction

    number = models.CharField(_("工单号"), max_length=8, unique=True, editable=False)
    kind = models.CharField(_("诉求类型"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("事项分类")
    )
    channel = models.CharField(_("来源渠道"), max_length=20, choices=Channel.choices)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("诉求内容"), blank=True)
    resident = models.ForeignKey(
        "hotline.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("群众")
    )
    village = models.ForeignKey(
        "hotline.Village", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("村/社区")
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    priority = models.CharField(_("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    confidential = models.BooleanField(_("保密"), default=False, help_text=_("举报件总是保密"))
    reported_unit = models.ForeignKey(
        "hotline.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_about",
        verbose_name=_("被举报单位"),
        help_text=_("举报件涉及的单位：永不派给该单位，也不对其显示"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NEW, editable=False)
    close_reason = models.CharField(_("办结方式"), max_length=20, choices=CloseReason.choices, blank=True, editable=False)
    lead_unit = models.ForeignKey(
        "hotline.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="lead_tickets",
        verbose_name=_("主办单位"), editable=False,
    )
    sign_by = models.DateTimeField(_("签收期限"), null=True, blank=True, editable=False)
    reply_by = models.DateTimeField(_("办结期限"), null=True, blank=True, editable=False)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True, editable=False)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True, editable=False)
    reply_accepted_at = models.DateTimeField(_("答复审核通过时间"), null=True, blank=True, editable=False)
    survey_sent_at = models.DateTimeField(_("回访短信时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    answer = models.TextField(_("直办答复"), blank=True, editable=False)
    answer_source = models.CharField(_("答复依据"), max_length=200, blank=True, editable=False)
    answer_guide = models.ForeignKey(
        "hotline.ServiceGuide", on_delete=models.SET_NULL, null=True, blank=True, related_name="cited_by",
        verbose_name=_("引用的办事指南"), editable=False,
    )
    pledge = models.ForeignKey(
        "hotline.Pledge", on_delete=models.PROTECT, null=True, blank=True, related_name="feedback_tickets",
        verbose_name=_("反馈的承诺事项"), editable=False,
    )
    emergency_service = models.CharField(
        _("转紧急服务"), max_length=3, choices=EmergencyService.choices, blank=True, editable=False
    )
    satisfaction = models.CharField(
        _("满意度"), max_length=20, choices=Satisfaction.choices, blank=True, editable=False
    )
    satisfaction_reason = models.TextField(_("不满意原因"), blank=True, editable=False)
    satisfaction_at = models.DateTimeField(_("评价时间"), null=True, blank=True, editable=False)
    supervised = models.BooleanField(_("督办"), default=False, editable=False)
    # 催办: the resident called or wrote again about this open ticket (workflow.urge)
    urge_count = models.PositiveIntegerField(_("催办次数"), default=0, editable=False)
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates",
        verbose_name=_("合并到"), editable=False,
    )
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("受理人"), editable=False,
    )
    created_at = models.DateTimeField(_("受理时间"), default=timezone.now, editable=False)
    # Open311: only tickets an operator made public are listed, with the operator's summary
    public = models.BooleanField(_("公开"), default=False, editable=False)
    public_summary = models.TextField(_("公开摘要"), blank=True, editable=False)
    # handed over by an upstream 12345 platform: its id for the ticket, and its deadline
    source_system = models.ForeignKey(
        "hotline.UpstreamSystem", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
        verbose_name=_("上级平台"), editable=False,
    )
    external_id = models.CharField(_("上级平台工单号"), max_length=100, blank=True, editable=False)
    upstream_reply_by = models.DateTimeField(_("上级平台办结期限"), null=True, blank=True, editable=False)
    # a past work order from import_tickets: the row's key, so that importing a file again adds nothing
    import_key = models.CharField(_("导入键"), max_length=64, null=True, blank=True, unique=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-created_at"]
        indexes = [
            # operator queues: open tickets by status, newest first
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            # liaison queue and the sweep: a unit's open tickets by deadline
            models.Index(fields=["lead_unit", "status", "reply_by"], name="ticket_unit_status_due"),
            # caller history screen-pop and SMS appending: a resident's tickets
            models.Index(fields=["resident", "-created_at"], name="ticket_resident_created"),
            # Open311 GET requests: public tickets, newest first
            models.Index(fields=["-created_at"], condition=Q(public=True), name="ticket_public_created"),
            # the API's updated_after/updated_before filter
            models.Index(fields=["updated_at"], name="ticket_updated"),
            # the work summary's and hot topics' counts of tickets received in a period
            models.Index(fields=["created_at"], name="ticket_created"),
            # the few tickets no KPI counts (kpis.counted_assignments): a small set hashed once per query
            models.Index(
                fields=["id"], condition=Q(close_reason__in=UNCOUNTED_CLOSE_REASONS),
                name="ticket_not_countable",
            ),
            # the console's 不满意待处理 queue: closed tickets rated 不满意, longest waiting first; covering
            # (its order and count read the index alone, even with a backlog of thousands)
            models.Index(
                fields=["satisfaction_at", "id"], include=["priority"],
                condition=Q(status="closed", satisfaction="unsatisfied"), name="ticket_unsatisfied_closed",
            ),
            # the console's 待电话回访 queue: direct answers not rated yet, by when they were answered
            models.Index(
                fields=["closed_at"], condition=Q(close_reason="answered", satisfaction=""), name="ticket_answered_unrated"
            ),
        ]
        constraints = [
            # an upstream platform's ticket is taken once, whatever the retries
            models.UniqueConstraint(
                fields=["source_system", "external_id"], condition=~Q(external_id=""), name="ticket_unique_external_id"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_report(self):
        return self.kind == Kind.REPORT

    @property
    def hides_resident_from_units(self):
        """Confidential tickets and every report: units never see who the resident is."""
        return self.confidential or self.kind == Kind.REPORT

    def is_overdue(self, now=None):
        now = now or timezone.now()
        if self.status in (Status.DISPATCHED,) and self.sign_by and now > self.sign_by:
            return True
        if self.status in (Status.DISPATCHED, Status.IN_PROGRESS) and self.reply_by and now > self.reply_by:
            return True
        return False

    def save(self, *args, **kwargs):
        if self.number:
            return super().save(*args, **kwargs)
        # Random numbers: retry on the rare collision; after a few, go to 8 digits.
        for attempt in range(12):
            self.number = random_number(digits=7 if attempt < 6 else 8)
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if not Ticket.objects.filter(number=self.number).exists():
                    raise
                self.pk = None
        raise IntegrityError("could not allocate a ticket number")


class Assignment(models.Model):
    """派单记录: one unit in one dispatch round. KPIs are counted from these rows."""

    Role = AssignmentRole

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("工单"))
    unit = models.ForeignKey("hotline.Unit", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("单位"))
    role = models.CharField(_("角色"), max_length=10, choices=AssignmentRole.choices)
    round = models.PositiveSmallIntegerField(_("派单轮次"), default=1)
    is_current = models.BooleanField(_("当前"), default=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="handled_assignments",
        verbose_name=_("经办人"),
    )
    dispatched_at = models.DateTimeField(_("派单时间"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("派单人")
    )
    sign_by = models.DateTimeField(_("签收期限"))
    reply_by = models.DateTimeField(_("办结期限"))
    original_reply_by = models.DateTimeField(_("原办结期限"))
    return_by = models.DateTimeField(_("退单期限"))
    sign_remind_at = models.DateTimeField(_("签收提醒时间"))
    reply_remind_at = models.DateTimeField(_("办结提醒时间"))
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("签收人")
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    sign_hours = models.DecimalField(_("签收用时（工作小时）"), max_digits=8, decimal_places=2, null=True, blank=True)
    reply_hours = models.DecimalField(_("答复用时（工作小时）"), max_digits=8, decimal_places=2, null=True, blank=True)
    signed_on_time = models.BooleanField(_("按时签收"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按时答复"), null=True, blank=True)
    # the outcome of this round's reply (set with replied_at, cleared with it when the reply is sent back):
    # stored so that 解决率 is read from this row, like the durations
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    # the resident's rating of this round's reply: kept here because a reopen clears the ticket's own
    satisfaction = models.CharField(_("群众评价"), max_length=12, choices=Satisfaction.choices, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    # 催办 while this unit held the ticket (counted against the unit in its KPIs)
    urge_count = models.PositiveIntegerField(_("催办次数"), default=0)
    # the sweep's claims: each reminder and escalation happens once
    sign_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    reply_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    sign_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    reply_escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("派单记录")
        verbose_name_plural = _("派单记录")
        ordering = ["ticket", "round", "role", "id"]
        indexes = [
            # access rule and liaison queue: a unit's current assignments
            models.Index(fields=["unit", "is_current"], name="assignment_unit_current"),
            # the deadline sweep: current lead rows not yet signed / replied, by reminder time
            models.Index(fields=["is_current", "role", "sign_remind_at"], name="assignment_sign_sweep"),
            models.Index(fields=["is_current", "role", "reply_remind_at"], name="assignment_reply_sweep"),
            # KPIs per unit and period
            models.Index(fields=["unit", "dispatched_at"], name="assignment_unit_dispatched"),
            # KPIs over all units: the rounds dispatched or rated in a period (docs/performance.md)
            models.Index(fields=["dispatched_at"], name="assignment_dispatched"),
            models.Index(fields=["rated_at"], condition=Q(rated_at__isnull=False), name="assignment_rated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "unit", "round"], name="assignment_unique_unit_per_round"
            ),
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(is_current=True, role="lead"), name="assignment_one_current_lead"
            ),
        ]

    def __str__(self):
        return f"{self.ticket.number} → {self.unit} ({self.get_role_display()}, {self.round})"


class TicketEvent(models.Model):
    """The human-readable timeline of a ticket (append-only)."""

    class Action(models.TextChoices):
        RECEIVE = "receive", _("受理")
        APPEND = "append", _("补充诉求")
        ANSWER = "answer", _("直办答复")
        EMERGENCY = "emergency", _("转紧急服务")
        INVALID = "invalid", _("标记无效")
        DISPATCH = "dispatch", _("派单")
        HAND_OVER = "hand_over", _("单位内转交")
        SIGN = "sign", _("签收")
        RETURN_REQUEST = "return_request", _("申请退单")
        RETURN_APPROVE = "return_approve", _("同意退单")
        RETURN_DENY = "return_deny", _("驳回退单")
        RETURN_ESCALATE = "return_escalate", _("退单提交督办裁决")
        EXTENSION_REQUEST = "extension_request", _("申请延期")
        EXTENSION_APPROVE = "extension_approve", _("同意延期")
        EXTENSION_DENY = "extension_deny", _("驳回延期")
        REPLY = "reply", _("答复")
        REVIEW_ACCEPT = "review_accept", _("答复审核通过")
        REVIEW_SEND_BACK = "review_send_back", _("答复退回重办")
        SATISFACTION = "satisfaction", _("满意度评价")
        REOPEN = "reopen", _("重办")
        CLOSE = "close", _("办结")
        REMIND = "remind", _("到期提醒")
        SUPERVISE = "supervise", _("督办")
        MERGE = "merge", _("合并重复件")
        NOTE = "note", _("备注")
        RESIDENT_CALLED = "resident_called", _("已电话告知群众")
        # Open311 (issue 5): an operator shows the ticket publicly with a summary, or withdraws it
        PUBLISH = "publish", _("公开")
        UNPUBLISH = "unpublish", _("取消公开")
        # issue 7: the resident asked again about this open ticket
        URGE = "urge", _("催办")
        # issue 8: a past work order taken from a spreadsheet
        IMPORT = "import", _("历史导入")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("工单"))
    action = models.CharField(_("动作"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    actor_unit = models.ForeignKey(
        "hotline.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作单位")
    )
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("群众可见"), default=False)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_created"),
            # has an operator noted a 不满意 ticket (hotline.queues, the 不满意待处理 queue)?
            models.Index(
                fields=["ticket", "created_at"], condition=Q(action="note", actor_unit__isnull=True),
                name="event_hotline_note",
            ),
        ]

    def __str__(self):
        return f"{self.ticket.number} {self.get_action_display()}"


class ReturnRequest(models.Model):
    """退单申请 by the lead unit; an operator or the supervisor decides."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="return_requests", verbose_name=_("工单"))
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="return_requests", verbose_name=_("派单记录"))
    reason = models.TextField(_("退单理由"))
    suggested_unit = models.ForeignKey(
        "hotline.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("建议承办单位")
    )
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    # 有争议的退单: an operator referred it to the supervisor (hotline.workflow.escalate_return);
    # a request is also disputed when the ticket was returned before (workflow.return_disputed)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("提交督办人"),
    )
    escalated_at = models.DateTimeField(_("提交督办时间"), null=True, blank=True)
    escalation_note = models.TextField(_("提交督办说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("退单申请")
        verbose_name_plural = _("退单申请")
        ordering = ["-requested_at"]
        indexes = [
            # the supervisor dashboard's and the operator console's pending return requests, oldest first
            models.Index(fields=["status", "requested_at"], name="return_status_requested"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status="pending"), name="return_one_pending_per_ticket"
            )
        ]

    def __str__(self):
        return f"{self.ticket.number} {self.get_status_display()}"


class ExtensionRequest(models.Model):
    """延期申请 by the lead unit; the supervisor decides."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="extension_requests", verbose_name=_("工单"))
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extension_requests", verbose_name=_("派单记录"))
    reason = models.TextField(_("延期理由"))
    requested_reply_by = models.DateTimeField(_("申请延至"))
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审批人")
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(status="pending"), name="extension_one_pending_per_ticket"
            )
        ]

    def __str__(self):
        return f"{self.ticket.number} {self.get_status_display()}"


class Reply(models.Model):
    """答复 by the lead unit, and the operator's review of it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies", verbose_name=_("工单"))
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies", verbose_name=_("派单记录"))
    text = models.TextField(_("答复内容"))
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices)
    outcome_reason = models.TextField(_("无法解决的原因"), blank=True)
    contact_method = models.CharField(_("联系方式"), max_length=20, choices=ContactMethod.choices)
    contacted_at = models.DateTimeField(_("联系群众时间"))
    call = models.ForeignKey(
        "hotline.Call", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("中转通话")
    )
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("答复人"))
    created_at = models.DateTimeField(_("答复时间"), default=timezone.now)
    review_status = models.CharField(_("审核"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("审核人")
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.ticket.number} {self.get_outcome_display()}"
