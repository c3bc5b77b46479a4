"""推广申请: free promotion of villagers' products. Every state change, one function per action.

    UNCONFIRMED ─(SMS code typed back)→ SUBMITTED ─accept→ ACCEPTED ─schedule→ SCHEDULED
        ─publish (first platform)→ PUBLISHED ─results, finish→ DONE
    SUBMITTED/ACCEPTED ─decline (reason)→ DECLINED

A request comes from an SMS (`TG 内容`, MMS photos fetched later by a task), from an
operator taking a call, or from the public web form, which waits UNCONFIRMED (no
resident yet) until the code sent to the phone is typed back. The request turns
PUBLISHED when its first platform is published: from then on the product is on the
public showcase, and further platforms may still be published. Only PUBLISHED and
DONE requests are ever public.

Each action checks the actor (hotline.access: media editors, and supervisors, run the
workflow; operators may record requests), the state (InvalidState otherwise) and its
input (InvalidInput with field errors), then writes the change with history and
queues the villager's SMS in one transaction (delivered after commit).
"""

import datetime as dt
import logging
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline import access, clock, confirmations, images, messaging
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import PromotionPhoto, PromotionPlacement, PromotionRequest, Resident, Village

logger = logging.getLogger(__name__)

Status = PromotionRequest.Status
Platform = PromotionPlacement.Platform
PUBLIC_STATUSES = (Status.PUBLISHED, Status.DONE)
# what the public sees of a request, checked for the Advertising Law's forbidden terms
PUBLIC_TEXT_FIELDS = ("product", "description", "availability", "quantity")
DETAIL_FIELDS = ("product", "category", "village", "description", "price", "price_unit", "availability", "quantity")
UNCONFIRMED_KEEP = dt.timedelta(days=1)
CHANNEL_LABELS = {"sms": gettext_lazy("短信"), "phone": gettext_lazy("电话"), "web": gettext_lazy("网上申请")}

# 《广告法》第九条 (absolute terms: 国家级, 最高级, 最佳 …) and the health claims food may not make (第十七条)
FORBIDDEN_TERMS = (
    "最", "第一", "国家级", "世界级", "全球级", "最佳", "最高级", "顶级", "极品", "首个", "首选", "唯一", "独家",
    "100%", "百分之百", "绝对", "特效", "万能", "根治", "包治", "治疗", "抗癌", "降血压", "降血糖", "无副作用",
)
# everyday words with 最 that claim nothing
_HARMLESS = ("最近", "最后", "最初", "最终", "最早")


def forbidden_spans(text):
    """[(start, end, term)] of the forbidden advertising terms in `text` (offsets in `text` itself; full-width
    and half-width alike), in order. A longer term hides the shorter one inside it: 最佳 is one span, not also 最."""
    text = text or ""
    chars, owners = [], []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).casefold()
        chars.append(folded)
        owners.extend([index] * len(folded))
    norm = "".join(chars)
    for word in _HARMLESS:
        norm = norm.replace(word, "\0" * len(word))
    spans = []
    for term in sorted(FORBIDDEN_TERMS, key=len, reverse=True):
        at = norm.find(term)
        while at >= 0:
            spans.append((owners[at], owners[at + len(term) - 1] + 1, term))
            norm = norm[:at] + "\0" * len(term) + norm[at + len(term):]
            at = norm.find(term, at + len(term))
    return sorted(spans)


def forbidden_terms(text):
    """The forbidden advertising terms in `text`, each once, in the order they appear."""
    return list(dict.fromkeys(term for _start, _end, term in forbidden_spans(text)))


def public_text_problems(values):
    """{field: [message]} for each public text field of `values` (a dict or a request) holding forbidden terms."""
    problems = {}
    for field in PUBLIC_TEXT_FIELDS:
        value = values.get(field) if isinstance(values, dict) else getattr(values, field)
        terms = forbidden_terms(value)
        if terms:
            problems[field] = [_("含有广告法禁用词：%(terms)s。请修改用语。") % {"terms": "、".join(terms)}]
    return problems


# a phone number as villagers write it: a mobile (+86, spaces or dashes allowed) or a landline with its area code
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)|(?<!\d)0\d{2,3}[ -]?\d{7,8}(?!\d)")


def personal_data_problems(values, resident=None):
    """{field: [message]} for each public text field of `values` (a dict or a request) holding a phone number or
    the villager's name: the public sees the phone only through the villager's consent (public_contact), the
    name never. An SMS request's text (which the editor's form offers as the description) often has both."""
    if resident is None and not isinstance(values, dict):
        resident = values.resident
    name = "".join(((resident.name if resident is not None else "") or "").split())
    problems = {}
    for field in PUBLIC_TEXT_FIELDS:
        value = values.get(field) if isinstance(values, dict) else getattr(values, field)
        text = unicodedata.normalize("NFKC", value or "")
        label = PromotionRequest._meta.get_field(field).verbose_name
        messages = []
        if _PHONE_IN_TEXT.search(text):
            messages.append(
                _("“%(field)s”是公开的，不能含电话号码，请删去（电话是否公开按群众的意愿单独显示）。") % {"field": label}
            )
        if len(name) >= 2 and name in "".join(text.split()):
            messages.append(_("“%(field)s”是公开的，不能含群众姓名，请删去。") % {"field": label})
        if messages:
            problems[field] = messages
    return problems


# --- internals ---------------------------------------------------------------------------


def _save(instance, by, *fields):
    instance._history_user = by
    if clock.is_overridden():
        instance._history_date = clock.now()
    instance.save(update_fields=list(fields) if fields else None)


def _require_editor(by):
    if not access.is_media_editor(by):
        raise NotAllowed(_("只有编辑和督办可以处理推广申请。"))


def _locked(request):
    return PromotionRequest.objects.select_for_update(of=("self",)).select_related("resident").get(pk=request.pk)


def _require_state(request, *allowed):
    if request.status not in allowed:
        raise InvalidState(
            _("推广申请“%(product)s”当前状态为“%(status)s”，不能执行此操作。")
            % {"product": _name(request), "status": request.get_status_display()}
        )


def _name(request, room=12):
    text = " ".join((request.product or request.text or _("农产品")).split())
    return text if len(text) <= room else text[: room - 1] + "…"


def _field_error(field, message):
    return InvalidInput(message, field_errors={field: [message]})


def _errors(field_errors):
    """Raise InvalidInput for these {field: [messages]}, the first message as the summary."""
    if field_errors:
        first = next(iter(field_errors.values()))[0]
        raise InvalidInput(first, field_errors=field_errors)


def _sms(request, template, **params):
    """Queue the villager's SMS about this request; returns the Message id (or None). In Chinese whatever the
    language of the editor's page: `params` may be lazy (platform names) and are rendered here."""
    resident = request.resident
    if resident is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        params = {"product": _name(request), **{key: _plain(value) for key, value in params.items()}}
        message = messaging.queue_sms(phone=resident.phone, template=template, params=params, resident=resident)
    return message.pk


def _plain(value):
    """A parameter as SMS text: lazy translations (and lists of them, joined with 、) in the active language."""
    if isinstance(value, (list, tuple)):
        return "、".join(str(item) for item in value)
    return value if isinstance(value, (int, str)) else str(value)


def _today():
    return timezone.localdate(clock.now())


def _day(value):
    return f"{value.month}月{value.day}日"


def _clean_details(values, *, partial=False):
    """Check the request's details; returns the cleaned values (only those given when `partial`)."""
    errors, cleaned = {}, {}
    for field in DETAIL_FIELDS:
        if field not in values:
            if not partial and field == "product":
                values = {**values, "product": ""}
            else:
                continue
        value = values[field]
        if field == "category":
            value = value or PromotionRequest.Category.FARM_PRODUCT
            if value not in PromotionRequest.Category.values:
                errors[field] = [_("请选择类别。")]
        elif field == "village":
            if value is not None and not isinstance(value, Village):
                errors[field] = [_("请选择村/社区。")]
        elif field == "price":
            if value in (None, ""):
                value = None
            else:
                try:
                    value = Decimal(str(value))
                except InvalidOperation:
                    errors[field] = [_("请填写价格（数字）。")]
                else:
                    if not value.is_finite() or value < 0 or value >= Decimal("100000000"):
                        errors[field] = [_("价格须在0到1亿元之间。")]
                    else:
                        value = value.quantize(Decimal("0.01"))
        else:
            value = " ".join(str(value or "").split()) if field != "description" else str(value or "").strip()
            limit = PromotionRequest._meta.get_field(field).max_length
            if field == "product" and not value:
                errors[field] = [_("请填写产品名称。")]
            elif limit and len(value) > limit:
                errors[field] = [_("不超过%(limit)s个字。") % {"limit": limit}]
        cleaned[field] = value
    _errors(errors)
    return cleaned


def _attach_photos(request, photos):
    """Checked photos (ContentFiles from hotline.images.clean_photo) become the request's photos."""
    limit = settings.HOTLINE["PHOTOS_PER_ITEM"]
    if request.photos.count() + len(photos) > limit:
        raise _field_error("photos", _("每件产品最多%(limit)s张图片。") % {"limit": limit})
    for photo in photos:
        row = PromotionPhoto(request=request, created_at=clock.now())
        row.image.save("photo.jpg", photo, save=False)
        row.save()


# --- creating a request ----------------------------------------------------------------------


def _new_request(*, by, resident, channel, status, text="", details=None, contact_public=False, source_message=None):
    request = PromotionRequest(
        resident=resident, channel=channel, status=status, text=text, source_message=source_message,
        contact_public=bool(contact_public), created_by=by if channel == "phone" else None,
        created_at=clock.now(), **(details or {}),
    )
    _save(request, by)
    return request


def guess_product(text):
    """The first words of an SMS, as the product's name for the editor to correct: "石门村脆红李500斤，电话…" → "石门村脆红李500斤"."""
    text = " ".join((text or "").split())
    first = re.split(r"[，,。.！!？?；;：:、\s]", text, maxsplit=1)[0]
    first = re.sub(r"1[3-9]\d{9}", "", first).strip()  # never a phone number as the name
    return first[:20]


def _guess_village(text, resident):
    if resident is not None and resident.village_id:
        return resident.village
    names = [v for v in Village.objects.select_related("township") if v.name and v.name in (text or "")]
    return names[0] if len(names) == 1 else None


def create_from_sms(*, inbound, resident, text, by):
    """`推广/TG 内容` (and MMS photos): a SUBMITTED request; the webhook's reply acknowledges it (no SMS here).

    The photos' media are fetched after the commit by a task (hotline.promotion_tasks).
    """
    if not (access.is_system(by) or access.may_take_promotions(by)):
        raise NotAllowed(_("只有编辑和督办可以处理推广申请。"))
    media = list(getattr(inbound, "media", None) or [])
    with transaction.atomic():
        details = {"product": guess_product(text), "village": _guess_village(text, resident)}
        request = _new_request(
            by=by, resident=resident, channel="sms", status=Status.SUBMITTED, text=text or "", details=details,
            source_message=inbound,
        )
        photo_ids = []
        for item in media[: settings.HOTLINE["PHOTOS_PER_ITEM"]]:
            content_type = (item.get("content_type") or "").lower()
            row = PromotionPhoto(request=request, source_url=(item.get("url") or "")[:500], created_at=clock.now())
            if content_type and not content_type.startswith("image/"):
                row.fetch_error = _("不是图片（%(type)s），未下载。") % {"type": content_type[:50]}
            row.save()
            if not row.fetch_error:
                photo_ids.append(row.pk)
        _fetch_after_commit(photo_ids)
    return request


def _fetch_after_commit(photo_ids):
    if not photo_ids or clock.is_replaying():
        return

    def enqueue():
        from hotline.promotion_tasks import fetch_promotion_photo

        for photo_id in photo_ids:
            try:
                fetch_promotion_photo.enqueue(photo_id=photo_id)
            except Exception:
                logger.exception("could not enqueue the download of promotion photo %s", photo_id)

    transaction.on_commit(enqueue)


def create_by_operator(*, by, phone, resident_name="", contact_public=False, text="", photos=(), **details):
    """An operator (or editor) records a request taken on the phone: SUBMITTED, and the villager is told by SMS."""
    if not access.may_take_promotions(by):
        raise NotAllowed(_("只有话务员、编辑和督办可以登记推广申请。"))
    if not (phone or "").strip():
        raise _field_error("phone", _("请填写群众的电话。"))
    cleaned = _clean_details(details)
    with transaction.atomic():
        try:
            resident = Resident.for_phone(phone, name=resident_name, village=cleaned.get("village"), by=by)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], field_errors={"phone": exc.messages}) from exc
        request = _new_request(
            by=by, resident=resident, channel="phone", status=Status.SUBMITTED, text=text, details=cleaned,
            contact_public=contact_public,
        )
        _attach_photos(request, list(photos))
        messaging.deliver_after_commit([_sms(request, "promotion_submitted", id=request.pk)])
    return request


def create_unconfirmed(*, contact_public=False, photos=(), **details):
    """The public web form: an UNCONFIRMED request (no resident yet) with its photos; the caller starts the
    SMS-code confirmation (purpose "promotion") and the handler below submits it once the code is typed back."""
    from hotline.workflow import system_user

    cleaned = _clean_details(details)
    with transaction.atomic():
        request = _new_request(
            by=system_user(), resident=None, channel="web", status=Status.UNCONFIRMED, details=cleaned,
            contact_public=contact_public,
        )
        _attach_photos(request, list(photos))
    return request


def submit_confirmed(*, request, resident, by):
    """The phone was confirmed: the request is the phone's resident's, SUBMITTED, and they are told by SMS."""
    with transaction.atomic():
        request = _locked(request)
        _require_state(request, Status.UNCONFIRMED)
        request.resident, request.status = resident, Status.SUBMITTED
        if request.village_id and not resident.village_id:
            resident.village = request.village
            _save(resident, by, "village")
        _save(request, by, "resident", "status")
        messaging.deliver_after_commit([_sms(request, "promotion_submitted", id=request.pk)])
    return request


@confirmations.handler("promotion")
def _confirmed(*, confirmation, resident, by):
    from django.urls import reverse

    request = PromotionRequest.objects.filter(pk=(confirmation.payload or {}).get("promotion")).first()
    if request is None:
        raise ValidationError({"code": [_("申请已过期，请重新提交。")]})
    if request.status == Status.UNCONFIRMED:
        submit_confirmed(request=request, resident=resident, by=by)
    return reverse("public_product_thanks")


def discard(*, request):
    """Delete an UNCONFIRMED request and its photo files (a form whose code never came back)."""
    with transaction.atomic():
        photos = list(request.photos.exclude(image=""))
        deleted, _counts = PromotionRequest.objects.filter(pk=request.pk, status=Status.UNCONFIRMED).delete()
        if deleted:
            names = [p.image.name for p in photos]
            transaction.on_commit(lambda: delete_files(names))
    return bool(deleted)


def delete_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete a discarded promotion photo")


def has_unconfirmed_to_purge(*, now=None):
    before = (now or clock.now()) - UNCONFIRMED_KEEP
    return PromotionRequest.objects.filter(status=Status.UNCONFIRMED, created_at__lt=before).exists()


def purge_unconfirmed(*, now=None):
    """Delete public-form requests whose SMS code never came back within a day; returns how many."""
    before = (now or clock.now()) - UNCONFIRMED_KEEP
    count = 0
    for request in PromotionRequest.objects.filter(status=Status.UNCONFIRMED, created_at__lt=before).only("pk"):
        count += discard(request=request)
    return count


# --- the editor's workflow ---------------------------------------------------------------------


def edit(*, request, by, **details):
    """Correct the request's details (product, wording, price …) before or after acceptance.

    Once accepted, the public text may not take a forbidden advertising term again.
    """
    _require_editor(by)
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"edit() got unexpected fields {sorted(unknown)}")
    cleaned = _clean_details(details, partial=True)
    with transaction.atomic():
        request = _locked(request)
        _require_state(request, Status.SUBMITTED, Status.ACCEPTED, Status.SCHEDULED, Status.PUBLISHED)
        if request.status != Status.SUBMITTED:
            shown = {field: cleaned.get(field, getattr(request, field)) for field in PUBLIC_TEXT_FIELDS}
            problems = public_text_problems(shown)
            for field, messages in personal_data_problems(shown, request.resident).items():
                problems.setdefault(field, []).extend(messages)
            _errors(problems)
        changed = [field for field, value in cleaned.items() if getattr(request, field) != value]
        for field in changed:
            setattr(request, field, cleaned[field])
        if changed:
            _save(request, by, *changed)
    return request


def accept(*, request, by, needs_papers, papers_checked, wording_checked, note=""):
    """审核通过: the checklist must be complete and the public text free of forbidden terms."""
    _require_editor(by)
    with transaction.atomic():
        request = _locked(request)
        _require_state(request, Status.SUBMITTED)
        errors, problems = {}, public_text_problems(request)
        if problems:
            terms = "、".join(dict.fromkeys(t for f in PUBLIC_TEXT_FIELDS for t in forbidden_terms(getattr(request, f))))
            errors["wording_checked"] = [
                _("宣传内容含有广告法禁用词：%(terms)s。请先修改用语，再通过审核。") % {"terms": terms}
            ]
            errors.update(problems)
        elif not wording_checked:
            errors["wording_checked"] = [_("请核对宣传用语后勾选。")]
        for field, messages in personal_data_problems(request).items():
            errors.setdefault(field, []).extend(messages)
        if needs_papers and not papers_checked:
            errors["papers_checked"] = [_("此产品需要食品安全或检疫证明：请先核验证明，再通过审核。")]
        if not request.product.strip():
            errors["product"] = [_("请填写产品名称。")]
        _errors(errors)
        request.needs_papers, request.papers_checked = bool(needs_papers), bool(needs_papers and papers_checked)
        request.wording_checked, request.review_note = True, (note or "").strip()
        request.reviewed_by, request.reviewed_at, request.status = by, clock.now(), Status.ACCEPTED
        _save(request, by, "needs_papers", "papers_checked", "wording_checked", "review_note", "reviewed_by",
              "reviewed_at", "status")
        messaging.deliver_after_commit([_sms(request, "promotion_accepted")])
    return request


def decline(*, request, by, reason):
    """审核未通过, with the reason the villager is told."""
    _require_editor(by)
    reason = " ".join((reason or "").split())
    if not reason:
        raise _field_error("reason", _("请填写未通过的原因（会短信告知群众）。"))
    with transaction.atomic():
        request = _locked(request)
        _require_state(request, Status.SUBMITTED, Status.ACCEPTED)
        request.decline_reason, request.status = reason, Status.DECLINED
        request.reviewed_by, request.reviewed_at = by, clock.now()
        _save(request, by, "decline_reason", "status", "reviewed_by", "reviewed_at")
        room = max(10, 70 - len(messaging.render("promotion_declined", {"product": _name(request), "reason": ""})))
        short = reason if len(reason) <= room else reason[: room - 1] + "…"
        messaging.deliver_after_commit([_sms(request, "promotion_declined", reason=short)])
    return request


def schedule(*, request, by, placements):
    """排期: one or more platforms, each with its date (today or later). `placements`: {platform: date} or pairs.

    Scheduling again adds platforms or moves the date of one not published yet.
    """
    _require_editor(by)
    pairs = list(placements.items() if isinstance(placements, dict) else placements)
    errors, seen = {}, set()
    if not pairs:
        errors["placements"] = [_("请至少选择一个平台并填写日期。")]
    for platform, day in pairs:
        if platform not in Platform.values:
            errors.setdefault("placements", []).append(_("没有这个平台：%(platform)s。") % {"platform": platform})
        elif platform in seen:
            errors.setdefault(platform, []).append(_("同一平台只能排期一次。"))
        elif not isinstance(day, dt.date):
            errors.setdefault(platform, []).append(_("请填写%(platform)s的发布日期。") % {"platform": Platform(platform).label})
        elif day < _today():
            errors.setdefault(platform, []).append(_("发布日期不能早于今天。"))
        elif day > _today() + dt.timedelta(days=366):
            errors.setdefault(platform, []).append(_("发布日期须在一年之内。"))
        seen.add(platform)
    _errors(errors)
    with transaction.atomic():
        request = _locked(request)
        _require_state(request, Status.ACCEPTED, Status.SCHEDULED, Status.PUBLISHED)
        existing = {p.platform: p for p in request.placements.select_for_update()}
        for platform, day in pairs:
            placement = existing.get(platform)
            if placement is not None and placement.published_on:
                errors[platform] = [_("%(platform)s已经发布，不能重新排期。") % {"platform": placement.get_platform_display()}]
        _errors(errors)
        for platform, day in pairs:
            placement = existing.get(platform) or PromotionPlacement(request=request, platform=platform)
            placement.scheduled_for = day
            _save(placement, by)
        if request.status == Status.ACCEPTED:
            request.status = Status.SCHEDULED
            _save(request, by, "status")
        names = [Platform(p).label for p, _day in sorted(pairs, key=lambda pair: pair[1])]
        first = min(day for _p, day in pairs)
        messaging.deliver_after_commit([_sms(request, "promotion_scheduled", date=_day(first), platforms=names)])
    return request


def publish(*, placement, by, link="", published_on=None):
    """发布 on one platform (link and date). The first publication makes the request PUBLISHED (public)."""
    _require_editor(by)
    link = (link or "").strip()
    errors = {}
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            errors["link"] = [_("请填写以 http:// 或 https:// 开头的完整链接。")]
        if len(link) > 500:
            errors["link"] = [_("链接太长（不超过500个字符）。")]
    elif placement.platform != Platform.TV:
        errors["link"] = [_("请填写发布链接（电视节目可不填）。")]
    if not isinstance(published_on, dt.date):
        errors["published_on"] = [_("请填写发布日期。")]
    elif published_on > _today():
        errors["published_on"] = [_("发布日期不能晚于今天。")]
    _errors(errors)
    with transaction.atomic():
        request = _locked(placement.request)
        _require_state(request, Status.SCHEDULED, Status.PUBLISHED)
        placement = PromotionPlacement.objects.select_for_update().get(pk=placement.pk, request=request)
        if placement.published_on:
            raise InvalidState(_("%(platform)s已经发布。") % {"platform": placement.get_platform_display()})
        placement.link, placement.published_on = link, published_on
        _save(placement, by, "link", "published_on")
        if request.status == Status.SCHEDULED:
            request.status, request.published_at = Status.PUBLISHED, clock.now()
            _save(request, by, "status", "published_at")
        shown = link if link and len(link) <= 40 else ""
        message = _sms(request, "promotion_published", platform=Platform(placement.platform).label, link=shown)
        messaging.deliver_after_commit([message])
    return placement


RESULT_FIELDS = ("views", "likes", "orders")


def enter_results(*, placement, by, views=None, likes=None, orders=None):
    """效果: views, likes and orders as the platform (or the villager) reports them; whole numbers, not negative."""
    _require_editor(by)
    values, errors = {"views": views, "likes": likes, "orders": orders}, {}
    for field, value in values.items():
        if value in (None, ""):
            values[field] = None
            continue
        try:
            number = int(value)
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
        except (TypeError, ValueError):
            errors[field] = [_("请填写整数。")]
            continue
        if number < 0:
            errors[field] = [_("不能为负数。")]
        elif number > 2_000_000_000:
            errors[field] = [_("数字太大。")]
        values[field] = number
    if not errors and all(v is None for v in values.values()):
        errors["views"] = [_("请至少填写一项效果数据。")]
    _errors(errors)
    with transaction.atomic():
        request = _locked(placement.request)
        _require_state(request, Status.PUBLISHED)
        placement = PromotionPlacement.objects.select_for_update().get(pk=placement.pk, request=request)
        if not placement.published_on:
            raise InvalidState(_("%(platform)s还没有发布，不能录入效果。") % {"platform": placement.get_platform_display()})
        for field, value in values.items():
            setattr(placement, field, value)
        placement.results_at = clock.now()
        _save(placement, by, *RESULT_FIELDS, "results_at")
    return placement


def finish(*, request, by):
    """完成: every published platform has its results; the villager gets them by SMS."""
    _require_editor(by)
    with transaction.atomic():
        request = _locked(request)
        _require_state(request, Status.PUBLISHED)
        published = [p for p in request.placements.all() if p.published_on]
        missing = [p.get_platform_display() for p in published if p.results_at is None]
        if missing:
            message = _("请先录入这些平台的推广效果：%(platforms)s。") % {"platforms": "、".join(map(str, missing))}
            raise InvalidInput(message, field_errors={"results": [message]})
        request.status, request.done_at = Status.DONE, clock.now()
        _save(request, by, "status", "done_at")
        totals = {field: sum(getattr(p, field) or 0 for p in published) for field in RESULT_FIELDS}
        messaging.deliver_after_commit([_sms(request, "promotion_done", **totals)])
    return request


# --- MMS photos: fetched by a task -------------------------------------------------------------


class MediaError(Exception):
    pass


def _download(url):
    """The media's bytes (at most one byte past the photo limit), fetched with the twilio client's HTTP session:
    Twilio's own URLs with the account's credentials (and, in tests, redirected to the fake server)."""
    import requests

    from hotline.messaging import twilio_client

    if not re.match(r"^https?://", url or "", re.IGNORECASE):
        raise MediaError(_("彩信地址无效。"))
    http = twilio_client.get_client().http_client
    auth, target = None, url
    if twilio_client._TWILIO_HOST.match(url):
        auth = (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
        base = getattr(http, "base_url", "")
        if base:
            target = twilio_client._TWILIO_HOST.sub(base, url, count=1)
    session = getattr(http, "session", None) or requests.Session()
    limit = images.max_bytes() + 1
    try:
        with session.get(target, auth=auth, timeout=twilio_client.timeout(), stream=True, allow_redirects=True) as response:
            if response.status_code >= 400:
                raise MediaError(_("彩信下载失败（HTTP %(status)s）。") % {"status": response.status_code})
            data = bytearray()
            for chunk in response.iter_content(64 * 1024):
                data += chunk
                if len(data) >= limit:
                    break
            return bytes(data[:limit])
    except requests.RequestException as exc:
        raise MediaError(_("彩信下载失败（%(error)s）。") % {"error": type(exc).__name__}) from exc


def fetch_photo(*, photo_id):
    """Download one MMS photo, check and re-encode it (hotline.images); a failure is recorded on the row."""
    photo = PromotionPhoto.objects.filter(pk=photo_id, image="", fetch_error="").exclude(source_url="").first()
    if photo is None:
        return "skipped"
    try:
        content = images.clean_photo(_download(photo.source_url), name=_("彩信图片"))
    except ValidationError as exc:
        photo.fetch_error = exc.messages[0][:200]
    except MediaError as exc:
        photo.fetch_error = str(exc)[:200]
    else:
        photo.image.save("photo.jpg", content, save=False)
    PromotionPhoto.objects.filter(pk=photo.pk, image="", fetch_error="").update(
        image=photo.image.name or "", fetch_error=photo.fetch_error
    )
    return "failed" if photo.fetch_error else "fetched"


# --- reads (selectors) -------------------------------------------------------------------------

EDITOR_QUEUES = (Status.SUBMITTED, Status.ACCEPTED, Status.SCHEDULED, Status.PUBLISHED, Status.DONE, Status.DECLINED)


def status_counts():
    """{status: count} of the requests editors see (never UNCONFIRMED), in one query."""
    rows = PromotionRequest.objects.exclude(status=Status.UNCONFIRMED).values("status").annotate(n=Count("pk"))
    counts = {status: 0 for status in EDITOR_QUEUES}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def editor_requests():
    """Every request an editor works on (the unconfirmed never), with what lists show."""
    return (
        PromotionRequest.objects.exclude(status=Status.UNCONFIRMED)
        .select_related("resident", "village__township")
        .annotate(photo_count=Count("photos", distinct=True))
    )


def editor_request(pk):
    return (
        PromotionRequest.objects.exclude(status=Status.UNCONFIRMED)
        .select_related("resident", "village__township", "reviewed_by", "created_by", "source_message")
        .prefetch_related("photos", Prefetch("placements", queryset=PromotionPlacement.objects.order_by("scheduled_for", "platform")))
        .filter(pk=pk)
        .first()
    )


def public_products():
    """Published and done requests for the showcase, newest first, with photos and published platforms."""
    return (
        PromotionRequest.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("resident", "village__township")
        .prefetch_related(
            Prefetch("photos", queryset=PromotionPhoto.objects.exclude(image="").order_by("created_at", "pk"), to_attr="shown_photos"),
            Prefetch(
                "placements",
                queryset=PromotionPlacement.objects.filter(published_on__isnull=False).order_by("published_on", "platform"),
                to_attr="published_placements",
            ),
        )
        .order_by("-published_at", "-pk")
    )


def public_contact(request):
    """The villager's phone as the public may see it: in full (national form) only with their consent, else None."""
    if request.contact_public and request.resident_id and request.status in PUBLIC_STATUSES:
        if not request.resident.phone:  # erased (hotline.privacy)
            return None
        return str(request.resident.phone).removeprefix("+86")
    return None


def filter_products(queryset, *, township=None, village=None, category=None):
    if village:
        queryset = queryset.filter(village_id=village)
    elif township:
        queryset = queryset.filter(village__township_id=township)
    if category:
        queryset = queryset.filter(category=category)
    return queryset
