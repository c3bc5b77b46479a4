"""SMS wording: defaults here, each overridable by the supervisor (SmsTemplate rows).

Texts aim at one 70-character segment: short and plain for villagers.
"""

from string import Formatter

DEFAULTS = {
    "received": ("已受理您的诉求，工单号{number}。回复“CX {number}”查询进度。", "群众：受理回执"),
    # appended to a resident's first acknowledgement ("received"): the privacy notice's link (hotline.privacy)
    "privacy_notice": ("隐私说明：{link}", "群众：首条回执所附隐私说明"),
    "dispatched": ("工单{number}已转{unit}办理，将于{reply_by}前答复您。", "群众：已派单"),
    "extended": ("工单{number}办理期限延至{reply_by}，原因：{reason}", "群众：延期"),
    "answered": ("工单{number}答复：{answer}", "群众：直办答复"),
    "replied": ("工单{number}办理结果：{summary}", "群众：答复摘要"),
    "survey": ("请评价工单{number}的办理：回复1满意，2基本满意，3不满意。", "群众：满意度回访"),
    "reopened": ("工单{number}已重新交办{unit}，请留意办理进度。", "群众：重办"),
    "merged": ("您的诉求已并入工单{into}一并办理，回复“CX {into}”查询。", "群众：合并"),
    "emergency": ("您反映的紧急情况请立即拨打{service}。工单{number}已记录。", "群众：转紧急服务"),
    "closed": ("工单{number}已办结，感谢您的支持。", "群众：办结"),
    # direct answers to a resident's SMS (hotline.intake.commands), sent as the webhook's TwiML reply
    "sms_appended": ("已将您的补充内容加入工单{number}。回复“CX {number}”查询进度。", "短信回复：补充诉求"),
    "sms_status": ("工单{number}：{status}。{update}", "短信回复：查询进度"),
    "sms_not_found": ("未查到该工单。请核对工单号，或直接发送您的问题。", "短信回复：查无工单"),
    "sms_bad_number": ("工单号有误，请核对后回复“CX 工单号”查询。", "短信回复：工单号有误"),
    "sms_query_usage": ("查询进度请回复“CX 工单号”，如：CX 1234567。", "短信回复：查询用法"),
    "sms_rated": ("感谢您对工单{number}的评价！", "短信回复：已评价"),
    "sms_rated_unsatisfied": ("已记录您对工单{number}的意见，我们会尽快核实处理。", "短信回复：不满意已记录"),
    "sms_ask_reason": ("请直接回复您对工单{number}不满意的原因，我们会尽快核实。", "短信回复：请说明不满意原因"),
    "sms_promotion": ("已收到您的推广申请，编辑审核后会与您联系。", "短信回复：推广申请"),
    "sms_promotion_usage": ("推广农产品请回复“TG”加产品、产地和联系方式，如：TG 脆红李 石门村。", "短信回复：推广用法"),
    "sms_guide": ("{title}：{summary} 详见{link}", "短信回复：办事指南"),
    "sms_guide_none": ("暂无“{keyword}”相关办事指南，可直接发送您的问题，我们会尽快答复。", "短信回复：暂无办事指南"),
    "sms_guide_usage": ("查办事指南请回复“BS”加事项，如：BS 身份证。", "短信回复：办事指南用法"),
    "sms_opted_out": ("已退订通知短信，您来信时仍会收到回复。回复“DY”可重新订阅。", "短信回复：退订"),
    "sms_opted_in": ("已恢复订阅，您将收到工单进度通知。回复“TD”可退订。", "短信回复：订阅"),
    "sms_empty": ("短信内容为空。请用文字描述您要反映的问题，我们会尽快受理。", "短信回复：空短信"),
    "sms_unknown_sender": ("无法识别您的号码，请用手机号发送短信，或拨打热线电话反映问题。", "短信回复：号码无法识别"),
    "sms_fallback": ("已收到您的短信，工作人员会尽快处理。", "短信回复：已收到（待人工处理）"),
    # a flood from one number (hotline.intake.flood): one notice per window, then no reply
    "sms_flood": ("您短时间内发来多条短信，均已收到并合并处理，暂不再逐条回复。", "短信回复：短时间内大量来信"),
    # 承诺事项 (hotline.pledges): residents' feedback (承诺/CN) and verification votes (验单/YD)
    "pledge_feedback_received": ("已收到您对承诺事项{pledge}的意见，工单号{number}。回复“CX {number}”查询进度。", "短信回复：承诺事项意见"),
    "pledge_usage": ("对承诺事项提意见请发“CN 编号 意见”，如：CN 12 路还没修好。编号见承诺事项网页。", "短信回复：承诺意见用法"),
    "pledge_not_found": ("未找到承诺事项{pledge}，请核对编号。也可直接发送您的问题。", "短信回复：查无承诺事项"),
    "pledge_closed": ("承诺事项{pledge}已撤回，不再接受意见。如有诉求请直接发送短信反映。", "短信回复：承诺事项已撤回"),
    "pledge_vote_usage": ("验单请发“YD 编号 1”（已兑现）或“YD 编号 2”（未兑现），如：YD 12 1。", "短信回复：验单用法"),
    "pledge_vote_not_done": ("承诺事项{pledge}尚未完成，单位标记完成后才能验单。", "短信回复：承诺未完成不能验单"),
    "pledge_vote_already": ("您已对承诺事项{pledge}验过单，每人只能验一次，以第一次为准。", "短信回复：已验过单"),
    "pledge_vote_thanks": ("感谢您对承诺事项{pledge}验单（{verdict}），结果将在网上公开。", "短信回复：验单成功"),
    "pledge_vote_invite": ("承诺事项{pledge}“{title}”已完成，请验单：回复“YD {pledge} 1”已兑现，“YD {pledge} 2”未兑现。", "群众：邀请验单"),
    "unit_pledge_published": ("【承诺】承诺事项{pledge}“{title}”已公开发布，请按期推进并填报进展。", "单位：承诺事项已发布"),
    "unit_pledge_sent_back": ("【承诺】承诺事项{pledge}被退回修改：{note}", "单位：承诺事项被退回"),
    # promotion requests (hotline.promotions): the villager is told at each step
    "promotion_submitted": ("已收到您的推广申请（{product}），编号{id}，审核后短信告知您。", "推广：已提交"),
    "promotion_accepted": ("您的推广申请（{product}）已通过审核，排期后短信告知您。", "推广：审核通过"),
    "promotion_declined": ("您的推广申请（{product}）未通过审核：{reason}", "推广：未通过"),
    "promotion_scheduled": ("您的{product}将于{date}起在{platforms}推广。", "推广：已排期"),
    "promotion_published": ("您的{product}已在{platform}发布。{link}", "推广：已发布"),
    "promotion_done": ("您的{product}推广已完成：浏览{views}次，点赞{likes}个，订单{orders}单。", "推广：完成"),
    # public web forms (hotline.confirmations): the code that confirms the phone is the sender's
    "confirm_code": ("验证码{code}，{minutes}分钟内有效，用于{purpose}。请勿告诉他人。", "验证码"),
    "unit_new": ("【热线】新工单{number}，请于{sign_by}前签收。", "单位：新派单"),
    "unit_new_co": ("【热线】工单{number}请贵单位协办，办结期限{reply_by}。", "单位：协办通知"),
    "unit_sign_reminder": ("【热线】工单{number}将于{sign_by}到签收期限，请尽快签收。", "单位：签收提醒"),
    "unit_reply_reminder": ("【热线】工单{number}将于{reply_by}到办结期限，请按时答复。", "单位：办结提醒"),
    "unit_sent_back": ("【热线】工单{number}的答复被退回：{note}", "单位：答复退回"),
    "unit_reopened": ("【热线】工单{number}群众不满意，已重办，请于{reply_by}前答复。", "单位：重办"),
    "supervised": ("【督办】工单{number}已超期（{unit}），请督促办理。", "督办通知"),
    # service guides (hotline.guides): the nightly notice of guides past their check date
    "unit_guides_stale": ("【热线】贵单位有{count}项办事指南需要核对，请登录“办事指南”页核对或更新。", "单位：办事指南待核对"),
}


def placeholders(text):
    """The {names} a wording uses; raises ValueError for a malformed one (an unclosed brace)."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def wording_problem(code, text):
    """Why a supervisor's wording for `code` cannot be used (a sentence), or None."""
    try:
        used = placeholders(text)
    except ValueError:
        return "花括号不成对：占位符写作 {number} 这样。"
    allowed = placeholders(DEFAULTS[code][0]) if code in DEFAULTS else set()
    unknown = sorted(name for name in used if name not in allowed)
    if unknown:
        return "不能使用占位符 %s；此模板可用：%s。" % (
            "、".join("{%s}" % n for n in unknown), "、".join("{%s}" % n for n in sorted(allowed)) or "无",
        )
    return None


def render(code, params):
    """The SMS text for template `code` with `params`, using the supervisor's wording if set."""
    from hotline.models import SmsTemplate

    override = SmsTemplate.objects.filter(code=code).values_list("text", flat=True).first()
    text = override or DEFAULTS[code][0]
    try:
        return text.format(**params)
    except Exception:
        # a wording that slipped past the admin's check (e.g. {number.real}) must never stop an
        # SMS, nor the workflow step that sends it: fall back to the default wording
        return DEFAULTS[code][0].format(**params)
