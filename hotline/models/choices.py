from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    VOICEMAIL = "voicemail", _("语音留言")
    WEB = "web", _("网站")
    WALK_IN = "walk_in", _("来访")
    OPEN311 = "open311", _("Open311")
    UPSTREAM = "upstream", _("上级平台转办")
    PLEDGE_FEEDBACK = "pledge_feedback", _("承诺事项反馈")
    # issue 8: past work orders taken from a spreadsheet (import_tickets)
    IMPORT = "import", _("历史导入")


class Status(models.TextChoices):
    NEW = "new", _("待受理")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("已办结")


OPEN_STATUSES = (Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS, Status.REPLIED, Status.RETURNED)


class CloseReason(models.TextChoices):
    ANSWERED = "answered", _("直办")
    RATED = "rated", _("已回访")
    UNRATED = "unrated", _("未评价自动办结")
    EMERGENCY = "emergency", _("转紧急服务")
    INVALID = "invalid", _("无效工单")
    DUPLICATE = "duplicate", _("重复件合并")
    # issue 8: a past work order from a spreadsheet: it teaches the unit classifier, and counts in no KPI
    IMPORTED = "imported", _("历史导入")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    PARTLY = "partly", _("部分解决")
    NOT_RESOLVABLE = "not_resolvable", _("无法解决")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    MASKED_CALL = "masked_call", _("热线中转通话")
    VISIT = "visit", _("上门")
    SMS = "sms", _("短信")
    VIA_OPERATOR = "via_operator", _("请话务员联系")


class EmergencyService(models.TextChoices):
    POLICE = "110", _("110 报警")
    FIRE = "119", _("119 火警")
    AMBULANCE = "120", _("120 急救")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    DENIED = "denied", _("已驳回")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("审核通过")
    SENT_BACK = "sent_back", _("退回重办")
