"""SMS wording: defaults here, each overridable by the supervisor (SmsTemplate rows).

Texts aim at one 70-character segment: short and plain for villagers.
"""

from string import Formatter

DEFAULTS = {
    "received": ("已受理您的诉求，工单号{number}。回复“CX {number}”查询进度。", "群众：受理回执"),
    "dispatched": ("工单{number}已转{unit}办理，将于{reply_by}前答复您。", "群众：已派单"),
    "extended": ("工单{number}办理期限延至{reply_by}，原因：{reason}", "群众：延期"),
    "answered": ("工单{number}答复：{answer}", "群众：直办答复"),
    "replied": ("工单{number}办理结果：{summary}", "群众：答复摘要"),
    "survey": ("请评价工单{number}的办理：回复1满意，2基本满意，3不满意。", "群众：满意度回访"),
    "reopened": ("工单{number}已重新交办{unit}，请留意办理进度。", "群众：重办"),
    "merged": ("您的诉求已并入工单{into}一并办理，回复“CX {into}”查询。", "群众：合并"),
    "emergency": ("您反映的紧急情况请立即拨打{service}。工单{number}已记录。", "群众：转紧急服务"),
    "closed": ("工单{number}已办结，感谢您的支持。", "群众：办结"),
    "unit_new": ("【热线】新工单{number}，请于{sign_by}前签收。", "单位：新派单"),
    "unit_new_co": ("【热线】工单{number}请贵单位协办，办结期限{reply_by}。", "单位：协办通知"),
    "unit_sign_reminder": ("【热线】工单{number}将于{sign_by}到签收期限，请尽快签收。", "单位：签收提醒"),
    "unit_reply_reminder": ("【热线】工单{number}将于{reply_by}到办结期限，请按时答复。", "单位：办结提醒"),
    "unit_sent_back": ("【热线】工单{number}的答复被退回：{note}", "单位：答复退回"),
    "unit_reopened": ("【热线】工单{number}群众不满意，已重办，请于{reply_by}前答复。", "单位：重办"),
    "supervised": ("【督办】工单{number}已超期（{unit}），请督促办理。", "督办通知"),
}


def placeholders(text):
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def render(code, params):
    """The SMS text for template `code` with `params`, using the supervisor's wording if set."""
    from hotline.models import SmsTemplate

    override = SmsTemplate.objects.filter(code=code).values_list("text", flat=True).first()
    text = override or DEFAULTS[code][0]
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        # a supervisor's edit named a placeholder we do not have: fall back to the default
        return DEFAULTS[code][0].format(**params)
