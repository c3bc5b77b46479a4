"""承诺事项 (三单制): every change of a pledge, one function per action, and the reads of its pages.

群众定单/政府接单: a unit (its liaison or head, or a media editor) drafts a pledge with what
residents asked for (`origin`), submits it, and a media editor publishes it (or sends it back
with a note). 政府施单/群众评单: the unit adds dated updates with photos and progress; residents
give feedback by SMS (承诺/CN) or the web (SMS-code confirmed), which becomes a ticket of channel
pledge_feedback linked to the pledge. 政府晒单/群众验单: the unit marks it done with a final
update; residents then vote whether it was fulfilled, once each.

Nothing is quietly rewritten: every save writes a history row (by whom; the reason of a
send-back, a withdrawal or a changed target date in its change reason), and `trail()` turns the
changes made after publication into the dated trail the public page shows.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hotline import access, clock, confirmations, images, messaging, roles, workflow
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Pledge, PledgeItem, PledgeUpdate, PledgeUpdatePhoto, PledgeVote, Ticket, Unit
from hotline.models.choices import Channel, Kind

Status = Pledge.Status
Verdict = PledgeVote.Verdict

# what the public sees (a withdrawn pledge stays visible, marked withdrawn)
PUBLIC_STATUSES = (Status.PUBLISHED, Status.DONE, Status.WITHDRAWN)
# what the unit may still edit; a done or withdrawn pledge is frozen
EDITABLE_STATUSES = (Status.DRAFT, Status.PENDING, Status.PUBLISHED)
# residents may comment on these (by SMS or the web)
FEEDBACK_STATUSES = (Status.PUBLISHED, Status.DONE)
# history's change reason column is 100 characters
REASON_MAX = 100
TITLE_MAX = 200
TEXT_MAX = 5000
FIELDS = ("title", "description", "origin", "target_date", "broadcast_date")


class AlreadyVoted(InvalidState):
    """This resident has already voted on this pledge; the first vote stands."""


def today():
    """Today in the hotline's time zone (Asia/Shanghai)."""
    return timezone.localtime(clock.now()).date()


# --- internals -------------------------------------------------------------------------------


def _save(instance, by, reason=""):
    instance._history_user = by
    if clock.is_overridden():
        instance._history_date = clock.now()
    instance._change_reason = reason or None
    instance.save()


def _field_error(field, message):
    return InvalidInput(message, field_errors={field: [message]})


def _check_unit(by, unit_id):
    if not access.may_edit_unit_content(by, unit_id):
        raise NotAllowed(_("您无权编辑该单位的承诺事项。"))


def _check_editor(by):
    if not access.is_media_editor(by):
        raise NotAllowed(_("只有编辑可以发布、退回或撤回承诺事项。"))


def _locked(pledge):
    return Pledge.objects.select_for_update().select_related("unit").get(pk=pledge.pk)


def _require_state(pledge, *allowed):
    if pledge.status not in allowed:
        raise InvalidState(
            _("承诺事项%(number)s当前状态为“%(status)s”，不能执行此操作。")
            % {"number": pledge.number, "status": pledge.get_status_display()}
        )


def _text(value, field, message, *, limit=TEXT_MAX):
    value = (value or "").strip()
    if not value:
        raise _field_error(field, message)
    if len(value) > limit:
        raise _field_error(field, _("不能超过%(limit)s字。") % {"limit": limit})
    return value


def _date(value, field, *, required):
    if value in (None, ""):
        if required:
            raise _field_error(field, _("请填写日期。"))
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise _field_error(field, _("日期格式应为 2026-12-31。")) from None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise _field_error(field, _("日期格式应为 2026-12-31。"))
    if not 2000 <= value.year <= 2100:
        raise _field_error(field, _("日期须在2000年至2100年之间。"))
    return value


def _reason(value, field, message):
    return _text(value, field, message, limit=REASON_MAX)


def _clean(values, *, check_target):
    cleaned = {
        "title": _text(values.get("title"), "title", _("请填写承诺事项。"), limit=TITLE_MAX),
        "description": _text(values.get("description"), "description", _("请填写具体内容。")),
        "origin": (values.get("origin") or "").strip(),
        "target_date": _date(values.get("target_date"), "target_date", required=True),
        "broadcast_date": _date(values.get("broadcast_date"), "broadcast_date", required=False),
    }
    if len(cleaned["origin"]) > TEXT_MAX:
        raise _field_error("origin", _("不能超过%(limit)s字。") % {"limit": TEXT_MAX})
    if check_target and cleaned["target_date"] < today():
        raise _field_error("target_date", _("承诺完成日期不能早于今天。"))
    return cleaned


def _progress(value, field="progress"):
    """An integer percentage 0–100 (a number or its digits as text)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _field_error(field, _("进度请填写0到100之间的整数。"))
    text = str(value).strip()
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise _field_error(field, _("进度请填写0到100之间的整数。"))
    return int(text)


def _roll_up(pledge, by):
    """The pledge's progress is the rounded (half up) average of its items when it has any."""
    values = list(PledgeItem.objects.filter(pledge=pledge).values_list("progress", flat=True))
    if not values:
        return
    value = (2 * sum(values) + len(values)) // (2 * len(values))
    if value != pledge.progress:
        pledge.progress = value
        _save(pledge, by)


def _clean_photos(photos):
    """Checked, re-encoded photos (ContentFiles) before anything is written; InvalidInput on "photos"."""
    photos = [p for p in (photos or []) if p]
    limit = settings.HOTLINE["PHOTOS_PER_ITEM"]
    if len(photos) > limit:
        raise _field_error("photos", _("每次最多上传%(limit)s张图片。") % {"limit": limit})
    cleaned = []
    for index, photo in enumerate(photos, start=1):
        name = getattr(photo, "name", None) or _("第%(n)s张") % {"n": index}
        try:
            cleaned.append(images.clean_photo(photo, name=name))
        except ValidationError as error:
            raise _field_error("photos", error.messages[0]) from None
    return cleaned


def _update_date(value):
    date = _date(value, "date", required=False) or today()
    if date > today():
        raise _field_error("date", _("进展日期不能晚于今天。"))
    return date


def _write_update(pledge, by, text, date, photos):
    update = PledgeUpdate(pledge=pledge, date=date, text=text, by=by, created_at=clock.now())
    _save(update, by)
    for content in photos:
        photo = PledgeUpdatePhoto(update=update, created_at=clock.now())
        photo.image.save(content.name, content, save=True)
    return update


def _notify_unit(pledge, template, **params):
    """An SMS to the unit's liaisons (staff notice: the pledge's number and title only)."""
    ids = []
    for user in access.unit_users(pledge.unit, role_names=[roles.UNIT_LIAISON]):
        phone = getattr(getattr(user, "staff", None), "phone", None)
        if phone:
            message = messaging.queue_sms(
                phone=phone, template=template, params={"pledge": pledge.number, **params}, recipient_user=user
            )
            ids.append(message.pk)
    messaging.deliver_after_commit(ids)


def _short(text, room):
    text = " ".join((text or "").split())
    return text if len(text) <= room else text[: room - 1] + "…"


# --- drafting (群众定单): the unit, or an editor --------------------------------------------------


def draft(*, by, unit, title, description, target_date, origin="", broadcast_date=None, items=()):
    """A new pledge in draft for `unit`; `items` are sub-item titles."""
    _check_unit(by, unit.pk)
    if not unit.is_active:
        raise _field_error("unit", _("单位“%(unit)s”已停用。") % {"unit": unit})
    fields = _clean(
        {"title": title, "description": description, "origin": origin, "target_date": target_date,
         "broadcast_date": broadcast_date},
        check_target=True,
    )
    titles = [_text(t, "items", _("子项名称不能为空。"), limit=TITLE_MAX) for t in items or ()]
    with transaction.atomic():
        pledge = Pledge(unit=unit, created_by=by, created_at=clock.now(), **fields)
        _save(pledge, by)
        for position, item_title in enumerate(titles):
            _save(PledgeItem(pledge=pledge, title=item_title, position=position), by)
    return pledge


def edit(*, pledge, by, reason="", **changes):
    """Change title, description, origin, target_date or broadcast_date (the ones passed).

    On a published pledge every change is public in the trail; changing its target date
    needs a `reason`, kept as the history row's change reason and shown with the change.
    """
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"edit() got unexpected fields {sorted(unknown)}")
    _check_unit(by, pledge.unit_id)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise _field_error("reason", _("不能超过%(limit)s字。") % {"limit": REASON_MAX})
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_state(pledge, *EDITABLE_STATUSES)
        values = {name: changes.get(name, getattr(pledge, name)) for name in FIELDS}
        target = _date(values["target_date"], "target_date", required=True)
        fields = _clean(values, check_target=target != pledge.target_date)
        changed = [name for name in FIELDS if fields[name] != getattr(pledge, name)]
        if not changed:
            return pledge
        if "target_date" in changed and pledge.status == Status.PUBLISHED and not reason:
            raise _field_error("reason", _("修改已发布承诺的完成日期，请说明原因（将公开显示）。"))
        for name in changed:
            setattr(pledge, name, fields[name])
        _save(pledge, by, reason)
    return pledge


def add_item(*, pledge, by, title):
    _check_unit(by, pledge.unit_id)
    title = _text(title, "title", _("子项名称不能为空。"), limit=TITLE_MAX)
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_state(pledge, *EDITABLE_STATUSES)
        last = pledge.items.aggregate(last=Max("position"))["last"]
        item = PledgeItem(pledge=pledge, title=title, position=0 if last is None else last + 1)
        _save(item, by)
        _roll_up(pledge, by)
    return item


def _locked_item(item, by):
    _check_unit(by, item.pledge.unit_id)
    pledge = _locked(item.pledge)
    _require_state(pledge, *EDITABLE_STATUSES)
    item = PledgeItem.objects.select_for_update().filter(pk=item.pk, pledge=pledge).first()
    if item is None:
        raise InvalidState(_("该子项已被删除。"))
    return pledge, item


def rename_item(*, item, by, title):
    title = _text(title, "title", _("子项名称不能为空。"), limit=TITLE_MAX)
    with transaction.atomic():
        _pledge, item = _locked_item(item, by)
        if item.title != title:
            item.title = title
            _save(item, by)
    return item


def remove_item(*, item, by):
    with transaction.atomic():
        pledge, item = _locked_item(item, by)
        item._history_user = by
        if clock.is_overridden():
            item._history_date = clock.now()
        item.delete()
        _roll_up(pledge, by)
    return pledge


def set_item_progress(*, item, by, progress):
    """政府施单: a sub-item's progress (0–100); the pledge's progress follows (their rounded average)."""
    progress = _progress(progress)
    with transaction.atomic():
        pledge, item = _locked_item(item, by)
        if item.progress != progress:
            item.progress = progress
            _save(item, by)
            _roll_up(pledge, by)
    return item


def submit(*, pledge, by):
    """The unit submits its draft for publication."""
    _check_unit(by, pledge.unit_id)
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_state(pledge, Status.DRAFT)
        pledge.status = Status.PENDING
        _save(pledge, by)
    return pledge


# --- the editor (政府接单): publish, send back, withdraw --------------------------------------------


def publish(*, pledge, by):
    _check_editor(by)
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_state(pledge, Status.PENDING)
        if pledge.target_date < today():
            raise _field_error("target_date", _("承诺完成日期已过，请先修改日期再发布。"))
        pledge.status = Status.PUBLISHED
        pledge.published_at = pledge.published_at or clock.now()
        _save(pledge, by)
        _notify_unit(pledge, "unit_pledge_published", title=_short(pledge.title, 20))
    return pledge


def send_back(*, pledge, by, note):
    """Back to the unit's drafts with a note (kept as the history row's change reason)."""
    _check_editor(by)
    note = _reason(note, "note", _("请写明退回的原因。"))
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_state(pledge, Status.PENDING)
        pledge.status = Status.DRAFT
        _save(pledge, by, note)
        _notify_unit(pledge, "unit_pledge_sent_back", note=_short(note, 40))
    return pledge


def withdraw(*, pledge, by, reason):
    """撤回: the pledge stays on the public board, marked withdrawn, with the reason in its trail."""
    _check_editor(by)
    reason = _reason(reason, "reason", _("请写明撤回的原因（将公开显示）。"))
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_state(pledge, Status.PUBLISHED, Status.DONE)
        pledge.status = Status.WITHDRAWN
        _save(pledge, by, reason)
    return pledge


# --- the unit's work in public (政府施单, 政府晒单) -------------------------------------------------


def add_update(*, pledge, by, text, date=None, progress=None, photos=()):
    """A dated entry on the public timeline, with photos and (pledges without sub-items) the progress."""
    _check_unit(by, pledge.unit_id)
    text = _text(text, "text", _("请填写进展情况。"))
    date = _update_date(date)
    if progress not in (None, ""):
        progress = _progress(progress)
    else:
        progress = None
    photos = _clean_photos(photos)
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_state(pledge, Status.PUBLISHED)
        if progress is not None and pledge.items.exists():
            raise _field_error("progress", _("这项承诺有子项：进度按子项计算，请在子项中填写。"))
        update = _write_update(pledge, by, text, date, photos)
        if progress is not None and progress != pledge.progress:
            pledge.progress = progress
            _save(pledge, by)
    return update


def mark_done(*, pledge, by, text, date=None, photos=()):
    """政府晒单: done, with a final public update; residents may now vote (群众验单).

    Residents who gave feedback on the pledge are invited by SMS to vote.
    """
    _check_unit(by, pledge.unit_id)
    text = _text(text, "text", _("请填写完成情况（政府晒单），群众将据此验单。"))
    date = _update_date(date)
    photos = _clean_photos(photos)
    with transaction.atomic():
        pledge = _locked(pledge)
        _require_state(pledge, Status.PUBLISHED)
        _write_update(pledge, by, text, date, photos)
        for item in pledge.items.select_for_update().exclude(progress=100):
            item.progress = 100
            _save(item, by)
        pledge.status, pledge.progress, pledge.done_at = Status.DONE, 100, clock.now()
        _save(pledge, by)
        ids = []
        feedback_tickets = Ticket.objects.filter(pledge=pledge, resident__isnull=False).select_related("resident")
        residents = {ticket.resident for ticket in feedback_tickets}
        for resident in residents:
            if not resident.can_receive_sms:
                continue  # a landline: the invitation is no update to call back about
            message = messaging.queue_sms(
                phone=resident.phone, template="pledge_vote_invite", resident=resident,
                params={"pledge": pledge.number, "title": _short(pledge.title, 12)},
            )
            ids.append(message.pk)
        messaging.deliver_after_commit(ids)
    return pledge


# --- residents (群众评单, 群众验单) ---------------------------------------------------------------


def feedback(*, pledge, resident, text, by, acknowledge=False):
    """群众评单: a resident's feedback becomes a ticket of channel pledge_feedback, linked to the pledge.

    The kind is read from the first words like any SMS (投诉…, 建议…); otherwise a suggestion.
    `acknowledge`: send the usual receipt SMS (the web form); an SMS gets its answer as the reply.
    """
    text = _text(text, "text", _("请填写您的意见。"))
    if pledge.status not in FEEDBACK_STATUSES:
        raise InvalidState(_("承诺事项%(number)s不接受意见。") % {"number": pledge.number})
    from hotline.intake.commands import infer_kind  # the intake imports this module

    kind = infer_kind(text)
    with translation.override(settings.LANGUAGE_CODE):  # the ticket's title, whatever the visitor's language
        title = _("承诺%(number)s“%(title)s”：%(text)s") % {
            "number": pledge.number, "title": _short(pledge.title, 16), "text": _short(text, 30),
        }
    kind = Kind.SUGGESTION if kind == Kind.HELP else kind
    return workflow.receive(
        by=by, kind=kind, channel=Channel.PLEDGE_FEEDBACK, title=title, description=text, resident=resident,
        pledge=pledge, acknowledge=acknowledge,
        # a 举报 about a pledge is about its unit: never dispatched to it (receive hides the reporter)
        reported_unit=pledge.unit if kind == Kind.REPORT else None,
    )


def vote(*, pledge, resident, verdict, by, channel="sms"):
    """群众验单: one vote per resident per pledge, only once the unit has marked it done.

    A second vote is refused (AlreadyVoted); the first one stands. `by` is the system login
    acting for the resident (SMS, or the web form after the SMS code).
    """
    if not access.is_system(by):
        raise NotAllowed(_("验单只能由群众通过短信或网页提交。"))
    if verdict not in Verdict.values:
        raise _field_error("verdict", _("请选择已兑现或未兑现。"))
    with transaction.atomic():
        pledge = _locked(pledge)
        if pledge.status != Status.DONE:
            raise InvalidState(_("承诺事项%(number)s尚未完成，完成后才能验单。") % {"number": pledge.number})
        if PledgeVote.objects.filter(pledge=pledge, resident=resident).exists():
            raise AlreadyVoted(_("您已对承诺事项%(number)s验过单，每人只能验一次。") % {"number": pledge.number})
        try:
            with transaction.atomic():
                return PledgeVote.objects.create(
                    pledge=pledge, resident=resident, verdict=verdict, channel=channel, created_at=clock.now()
                )
        except IntegrityError:  # the same resident, concurrently
            raise AlreadyVoted(
                _("您已对承诺事项%(number)s验过单，每人只能验一次。") % {"number": pledge.number}
            ) from None


# the web forms, confirmed by the SMS code (hotline.confirmations; the page is dashboards.views.public.confirm)


@confirmations.handler("pledge_feedback")
def _confirmed_feedback(*, confirmation, resident, by):
    pledge = Pledge.objects.filter(pk=confirmation.payload.get("pledge"), status__in=FEEDBACK_STATUSES).first()
    if pledge is None:
        raise ValidationError({"code": [_("这项承诺已不接受意见。")]})
    feedback(pledge=pledge, resident=resident, text=confirmation.payload.get("text", ""), by=by, acknowledge=True)
    return reverse("public_pledge", args=[pledge.pk]) + "?sent=feedback"


@confirmations.handler("pledge_vote")
def _confirmed_vote(*, confirmation, resident, by):
    pledge = Pledge.objects.filter(pk=confirmation.payload.get("pledge")).first()
    if pledge is None:
        raise ValidationError({"code": [_("这项承诺已不存在。")]})
    url = reverse("public_pledge", args=[pledge.pk])
    try:
        vote(pledge=pledge, resident=resident, verdict=confirmation.payload.get("verdict"), by=by, channel="web")
    except AlreadyVoted:
        return url + "?sent=already"
    except InvalidState as error:
        raise ValidationError({"code": [error.message]}) from None
    return url + "?sent=vote"


# --- reads (selectors) -----------------------------------------------------------------------------


def with_overdue(queryset, day=None):
    """`overdue`: published, not done, and the target date is before today (Asia/Shanghai)."""
    day = day or today()
    return queryset.annotate(
        overdue=ExpressionWrapper(Q(status=Status.PUBLISHED, target_date__lt=day), output_field=BooleanField())
    )


def public_pledges():
    return with_overdue(Pledge.objects.filter(status__in=PUBLIC_STATUSES))


def staff_pledges(user):
    """The pledges a user may open on the staff pages: an editor every one, a unit user its unit's (a
    member reads only; what they may change is decided by each action through may_edit_unit_content)."""
    queryset = with_overdue(Pledge.objects.select_related("unit"))
    if access.is_media_editor(user):
        return queryset
    if access.is_unit_user(user):
        return queryset.filter(unit=access.unit_of(user))
    return queryset.none()


def visible_pledges(user):
    """What a user may read (the API): the public ones, plus the drafts and pending ones of whoever may
    work on them (an editor every one, a unit user its unit's)."""
    queryset = Pledge.objects.select_related("unit")
    if user is None or not user.is_authenticated or not user.is_active:
        queryset = queryset.filter(status__in=PUBLIC_STATUSES)
    elif not access.is_media_editor(user):
        unit = access.unit_of(user) if access.is_unit_user(user) else None
        queryset = queryset.filter(Q(status__in=PUBLIC_STATUSES) | Q(unit=unit)) if unit else queryset.filter(
            status__in=PUBLIC_STATUSES
        )
    return with_overdue(queryset)


def public_pledge(number):
    """The public pledge with this number (digits as a resident typed them), or None."""
    number = str(number or "").strip()
    if not number.isascii() or not number.isdigit() or len(number) > 9:
        return None
    return Pledge.objects.filter(pk=int(number), status__in=PUBLIC_STATUSES).first()


def board(day=None):
    """Every active unit with its public pledges counted, in one query: published (on the board, not
    withdrawn), done, overdue, in progress, withdrawn; `percent_done` is added in Python."""
    day = day or today()
    on_board = Q(pledges__status__in=[Status.PUBLISHED, Status.DONE])
    units = list(
        Unit.objects.filter(is_active=True)
        .annotate(
            pledged=Count("pledges", filter=on_board),
            done=Count("pledges", filter=Q(pledges__status=Status.DONE)),
            overdue=Count("pledges", filter=Q(pledges__status=Status.PUBLISHED, pledges__target_date__lt=day)),
            withdrawn=Count("pledges", filter=Q(pledges__status=Status.WITHDRAWN)),
        )
        .order_by("kind", "name")
    )
    for unit in units:
        unit.percent_done = round(100 * unit.done / unit.pledged) if unit.pledged else None
    return units


def vote_summary(pledge):
    counts = PledgeVote.objects.filter(pledge=pledge).aggregate(
        fulfilled=Count("pk", filter=Q(verdict=Verdict.FULFILLED)),
        not_fulfilled=Count("pk", filter=Q(verdict=Verdict.NOT_FULFILLED)),
    )
    total = counts["fulfilled"] + counts["not_fulfilled"]
    counts["total"] = total
    counts["percent_fulfilled"] = round(100 * counts["fulfilled"] / total) if total else None
    return counts


def feedback_count(pledge):
    return Ticket.objects.filter(pledge=pledge).count()


def _shown(value):
    if value in (None, ""):
        return "—"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# fields whose old and new values fit in one sentence; the others say "changed" and keep both texts
_SHORT_FIELDS = ("title", "target_date", "broadcast_date")


def trail(pledge):
    """What happened to the pledge since it was published, oldest first: [{"date", "text", "before", "after"}].

    From the history of the pledge and its sub-items: publication, changes of its fields (with
    the reason given), changes of its progress (so it is not raised or lowered unseen), sub-items
    added, renamed or removed, done, withdrawn. Two queries, whatever the length.
    """
    records = list(
        Pledge.history.filter(id=pledge.pk).order_by("history_date", "history_id").only(
            "history_date", "history_change_reason", "status", "progress", *FIELDS
        )
    )
    labels = {name: Pledge._meta.get_field(name).verbose_name for name in FIELDS}
    labels["title"] = _("标题")
    entries = []
    for previous, record in zip(records, records[1:]):
        reason = record.history_change_reason or ""
        if previous.status == Status.PENDING and record.status == Status.PUBLISHED:
            entries.append(_entry(record.history_date, _("编辑审核后公开发布")))
            continue
        if previous.status not in PUBLIC_STATUSES:
            continue
        for name in FIELDS:
            old, new = getattr(previous, name), getattr(record, name)
            if old == new:
                continue
            if name in _SHORT_FIELDS:
                text = _("%(field)s由 %(old)s 改为 %(new)s") % {
                    "field": labels[name], "old": _shown(old), "new": _shown(new)}
            else:
                text = _("%(field)s有修改") % {"field": labels[name]}
            if reason:
                text += _("（原因：%(reason)s）") % {"reason": reason}
            before_after = {} if name in _SHORT_FIELDS else {"before": old or "—", "after": new or "—"}
            entries.append(_entry(record.history_date, text, **before_after))
        if previous.progress != record.progress and previous.status == record.status:
            entries.append(_entry(record.history_date, _("完成进度由 %(old)s%% 改为 %(new)s%%") % {
                "old": previous.progress, "new": record.progress}))
        if previous.status != record.status:
            if record.status == Status.DONE:
                entries.append(_entry(record.history_date, _("承诺单位标记完成，开始接受群众验单")))
            elif record.status == Status.WITHDRAWN:
                text = _("承诺事项已撤回")
                if reason:
                    text += _("（原因：%(reason)s）") % {"reason": reason}
                entries.append(_entry(record.history_date, text))
    if pledge.published_at:
        entries.extend(_item_trail(pledge))
    entries.sort(key=lambda entry: entry["when"])
    return entries


def _item_trail(pledge):
    """Sub-items added, renamed or removed after publication (progress is on the timeline)."""
    history = PledgeItem.history.filter(pledge_id=pledge.pk).order_by("history_date", "history_id").only(
        "id", "history_date", "history_type", "title"
    )
    last_title, entries = {}, []
    for record in history:
        before = last_title.get(record.id)
        last_title[record.id] = record.title
        if record.history_date <= pledge.published_at:
            continue
        if record.history_type == "+":
            entries.append(_entry(record.history_date, _("新增子项“%(title)s”") % {"title": record.title}))
        elif record.history_type == "-":
            entries.append(_entry(record.history_date, _("删除子项“%(title)s”") % {"title": record.title}))
        elif before is not None and before != record.title:
            entries.append(_entry(
                record.history_date, _("子项“%(old)s”改为“%(new)s”") % {"old": before, "new": record.title}
            ))
    return entries


def _entry(when, text, **extra):
    return {"when": when, "date": timezone.localtime(when).date(), "text": text, **extra}


def last_send_back_note(pledge):
    """The editor's note when the pledge was last sent back to the drafts (for the unit's page), or ""."""
    record = (
        Pledge.history.filter(id=pledge.pk, status=Status.DRAFT)
        .exclude(history_change_reason__isnull=True).exclude(history_change_reason="")
        .order_by("-history_date", "-history_id")
        .values_list("history_change_reason", flat=True)
        .first()
    )
    return record or ""
