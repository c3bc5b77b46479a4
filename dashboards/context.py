from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hotline import access, ranking, roles


def navigation(request):
    """The menu of the signed-in user's pages, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    user_roles = access.roles_of(user)
    items = []
    if access.is_supervisor(user):
        items.append((reverse("supervisor"), _("督办台")))
    if roles.OPERATOR in user_roles or access.is_supervisor(user):
        items.append((reverse("console"), _("话务台")))
    if access.is_hotline_staff(user):
        items.append((reverse("ticket_new"), _("受理")))
    if access.is_unit_user(user):
        items.append((reverse("unit"), _("本单位工单")))
    if access.is_hotline_staff(user) or access.is_unit_user(user):
        items.append((reverse("ticket_list"), _("工单查询")))
    if roles.OPERATOR in user_roles or access.is_supervisor(user):
        items.append((reverse("ranking"), _("排名")))
    # 考核统计 (issue 7): every unit's figures for the hotline, the own unit's for a unit's users
    if roles.OPERATOR in user_roles or access.is_supervisor(user):
        items.append((reverse("supervisor_kpis"), _("考核统计")))
    elif access.is_unit_user(user):
        items.append((reverse("unit_kpis"), _("考核统计")))
    # reports (dashboards.urls_reports): editors write the work summary; the weekly brief is the supervisor's
    if access.is_supervisor(user):
        items.append((reverse("hot_topics"), _("热线专报")))
    if access.is_media_editor(user):
        items.append((reverse("summary"), _("工作总结")))
    # 推广申请: editors (and supervisors) run them; operators record those taken on the phone
    if access.is_media_editor(user):
        items.append((reverse("editor_promotions"), _("推广申请")))
    elif access.may_take_promotions(user):
        items.append((reverse("promotion_new"), _("登记推广")))
    # 承诺事项: editors publish every unit's pledges; a unit's users see their own (members read only)
    if access.is_media_editor(user):
        items.append((reverse("editor_pledges"), _("承诺事项")))
    elif access.is_unit_user(user):
        items.append((reverse("unit_pledges"), _("承诺事项")))
    # 办事指南: editors publish every unit's guides; a unit's liaison and head draft their own
    if access.is_media_editor(user):
        items.append((reverse("editor_guides"), _("办事指南")))
    elif access.drafting_unit(user) is not None:
        items.append((reverse("unit_guides"), _("办事指南")))
    if user.is_staff:
        items.append((reverse("admin:index"), _("管理后台")))
    live = bool(access.event_groups_for(user))
    return {"nav": items, "live_events": live, "event_labels": EVENT_LABELS if live else {}}


def public(request):
    # a callable: only the public base page asks, and it reads a cached flag (no query)
    return {"hotline_number": settings.HOTLINE_PUBLIC_PHONE, "public_ranking": ranking.has_public_months}


# What a live notice says for each workflow event (events carry ids only).
EVENT_LABELS = {
    "received": _("新工单"),
    "dispatched": _("工单已派单"),
    "signed": _("工单已签收"),
    "handed_over": _("工单已转交"),
    "return_requested": _("有新的退单申请"),
    "return_escalated": _("退单申请提交督办裁决"),
    "returned": _("工单已退回"),
    "return_decided": _("退单申请已审批"),
    "extension_requested": _("有新的延期申请"),
    "extension_decided": _("延期申请已审批"),
    "replied": _("单位已答复"),
    "reviewed": _("答复已审核"),
    "rated": _("群众已评价"),
    "reopened": _("工单已重办"),
    "closed": _("工单已办结"),
    "supervised": _("工单被督办"),
    "reminded": _("工单即将到期"),
    "merged": _("工单已合并"),
    "appended": _("群众补充了诉求"),
    "urged": _("群众催办"),
    "noted": _("工单有新备注"),
    "resident_called": _("已电话告知群众"),
}
