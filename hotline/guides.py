"""办事指南: service guides, drafted by units and published by a media editor (issue 6).

Every change of a guide goes through one function here: keyword-only arguments, permission
through hotline.access, the state checked on the locked row, history with the acting user.
The selectors at the end are the reads: the Chinese search, the public list, the staleness lists.

States: draft → pending (submitted by the unit) → published (by an editor) → withdrawn;
an editor may send a pending guide back to draft with a note; editing a withdrawn guide makes
it a draft again. A published guide is edited by an editor only: a unit withdraws it, edits
and submits it again, so the public text never changes without an editor's review.
"""

import datetime as dt
import logging
import re
import unicodedata

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import access, clock, messaging, roles
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.messaging.twilio_client import public_url_for
from hotline.models import ServiceGuide, Unit

logger = logging.getLogger(__name__)

Status = ServiceGuide.Status

# what a unit writes; the rest (status, dates, counts, search copies) is the service's
CONTENT_FIELDS = (
    "title", "category", "conditions", "materials", "procedure", "legal_time_limit", "promised_time_limit",
    "fees", "location", "office_hours", "phone", "complaints", "keywords", "source",
)
# a guide is submitted for publishing only with what a resident needs to go and do it
REQUIRED_TO_SUBMIT = ("title", "materials", "procedure", "location", "office_hours", "phone")
_SEARCHED_FIELDS = (
    "conditions", "materials", "procedure", "legal_time_limit", "promised_time_limit", "fees", "location",
    "office_hours", "complaints",
)


# --- helpers ----------------------------------------------------------------------------------------


def normalise(text):
    """NFKC + case folding: full-width and half-width, upper and lower case compare equal."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def today():
    return timezone.localdate(clock.now())


def stale_before():
    """Guides last checked before this date need checking again."""
    return today() - dt.timedelta(days=settings.HOTLINE["GUIDE_STALE_DAYS"])


def is_stale(guide):
    return guide.status == Status.PUBLISHED and guide.last_checked < stale_before()


def public_link(guide):
    """The guide's public page as an absolute URL (on TWILIO_PUBLIC_BASE_URL, the server's public address);
    the bare path where that is not set (development)."""
    path = reverse("public_guide", args=[guide.pk])
    return public_url_for(path) or path


def _index(guide, unit_name):
    guide.search_title = normalise(guide.title)
    guide.search_keywords = normalise(guide.keywords)
    parts = [guide.title, guide.keywords, *(getattr(guide, name) for name in _SEARCHED_FIELDS), unit_name]
    guide.search_text = normalise("\n".join(part for part in parts if part))


def _save(guide, by, fields=None, *, reason=None):
    """Save with history; `fields` (besides the search copies) for an update. view_count is never
    written here: the public pages count views with an UPDATE of their own."""
    guide._history_user = by
    if reason:
        guide._change_reason = reason[:100]
    if clock.is_overridden():
        guide._history_date = clock.now()
    unit_name = Unit.objects.filter(pk=guide.unit_id).values_list("name", flat=True).first() or ""
    _index(guide, unit_name)
    if fields is None:
        guide.save()
    else:
        guide.save(update_fields=[*fields, "search_title", "search_keywords", "search_text", "updated_at"])


def _locked(guide):
    return ServiceGuide.objects.select_for_update().get(pk=guide.pk)


def _may_edit(by, unit_id):
    if not access.may_edit_unit_content(by, unit_id):
        raise NotAllowed(_("您无权修改该单位的办事指南。"))


def _editor_only(by):
    if not access.is_media_editor(by):
        raise NotAllowed(_("只有编辑可以发布、退回办事指南。"))


def _require_state(guide, *allowed, message=None):
    if guide.status not in allowed:
        raise InvalidState(
            message
            or _("办事指南“%(title)s”当前状态为“%(status)s”，不能执行此操作。")
            % {"title": guide.title, "status": guide.get_status_display()}
        )


def _cleaned(fields):
    """The content fields, stripped and checked against the model's limits; InvalidInput names each problem."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"not guide content fields: {sorted(unknown)}")
    data, errors = {}, {}
    for name, value in fields.items():
        value = "" if value is None else str(value).strip()
        field = ServiceGuide._meta.get_field(name)
        if field.max_length and len(value) > field.max_length:
            errors[name] = [_("最多%(n)s个字。") % {"n": field.max_length}]
        if name == "category" and value not in ServiceGuide.Category.values:
            errors[name] = [_("请选择类别。")]
        data[name] = value
    if "title" in data and not data["title"]:
        errors["title"] = [_("请填写事项名称。")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], field_errors=errors)
    return data


# --- actions ----------------------------------------------------------------------------------------


def draft(*, by, unit, **fields):
    """A new guide of `unit`, as a draft (the unit's liaison or head, or an editor)."""
    _may_edit(by, unit.pk)
    data = _cleaned({"title": "", **fields})
    guide = ServiceGuide(unit=unit, created_by=by, status=Status.DRAFT, last_checked=today(), **data)
    with transaction.atomic():
        _save(guide, by)
    return guide


def edit(*, guide, by, **fields):
    """Change the content. A withdrawn guide becomes a draft again; a published one only an editor edits."""
    _may_edit(by, guide.unit_id)
    data = _cleaned(fields)
    with transaction.atomic():
        guide = _locked(guide)
        _may_edit(by, guide.unit_id)
        if guide.status == Status.PUBLISHED and not access.is_media_editor(by):
            raise InvalidState(_("已发布的办事指南请先下线，修改后再提交编辑发布。"))
        changed = [name for name, value in data.items() if getattr(guide, name) != value]
        for name in changed:
            setattr(guide, name, data[name])
        if guide.status == Status.WITHDRAWN:
            guide.status = Status.DRAFT
            changed.append("status")
        if changed:
            _save(guide, by, changed)
    return guide


def submit(*, guide, by):
    """草稿 → 待发布: the unit asks an editor to publish it; submitting confirms the content is current."""
    _may_edit(by, guide.unit_id)
    with transaction.atomic():
        guide = _locked(guide)
        _require_state(guide, Status.DRAFT)
        missing = {name: [_("提交发布前请填写此项。")] for name in REQUIRED_TO_SUBMIT if not getattr(guide, name).strip()}
        if missing:
            labels = "、".join(str(ServiceGuide._meta.get_field(name).verbose_name) for name in missing)
            raise InvalidInput(_("提交发布前请填写：%(fields)s。") % {"fields": labels}, field_errors=missing)
        guide.status = Status.PENDING
        guide.review_note = ""
        guide.last_checked, guide.stale_notified_at = today(), None
        _save(guide, by, ["status", "review_note", "last_checked", "stale_notified_at"])
    return guide


def publish(*, guide, by):
    """待发布 → 已发布 (editors only)."""
    _editor_only(by)
    with transaction.atomic():
        guide = _locked(guide)
        _require_state(guide, Status.PENDING)
        guide.status, guide.published_at = Status.PUBLISHED, clock.now()
        _save(guide, by, ["status", "published_at"])
    return guide


def send_back(*, guide, by, note):
    """待发布 → 草稿, with the editor's note to the unit."""
    _editor_only(by)
    note = (note or "").strip()
    if not note:
        message = _("请填写退回意见。")
        raise InvalidInput(message, field_errors={"note": [message]})
    with transaction.atomic():
        guide = _locked(guide)
        _require_state(guide, Status.PENDING)
        guide.status, guide.review_note = Status.DRAFT, note
        _save(guide, by, ["status", "review_note"], reason=note)
    return guide


def withdraw(*, guide, by, reason=""):
    """已发布/待发布 → 已下线: an editor, or the guide's own unit (e.g. the service has moved or ended)."""
    _may_edit(by, guide.unit_id)
    with transaction.atomic():
        guide = _locked(guide)
        _require_state(guide, Status.PUBLISHED, Status.PENDING)
        guide.status = Status.WITHDRAWN
        _save(guide, by, ["status"], reason=(reason or "").strip())
    return guide


def mark_checked(*, guide, by):
    """The unit confirmed the content is current: last checked today, and a new staleness period begins."""
    _may_edit(by, guide.unit_id)
    with transaction.atomic():
        guide = _locked(guide)
        _require_state(guide, Status.DRAFT, Status.PENDING, Status.PUBLISHED)
        guide.last_checked, guide.stale_notified_at = today(), None
        _save(guide, by, ["last_checked", "stale_notified_at"])
    return guide


# --- the nightly staleness notice (hotline.tasks.notify_stale_guides, enqueued by run_scheduler) -----


def _due(cutoff):
    """Published guides past their check date whose unit has not been told yet in this staleness period."""
    return ServiceGuide.objects.filter(status=Status.PUBLISHED, last_checked__lt=cutoff, stale_notified_at__isnull=True)


def has_stale_to_notify():
    return _due(stale_before()).exists()


def notify_stale():
    """Tell each unit with newly stale guides, by one SMS to its liaison(s), how many guides need checking.

    Each guide is told once per staleness period, also when two schedulers run this at once: the
    guides are claimed with a conditional UPDATE (`... WHERE stale_notified_at IS NULL`) in the same
    transaction as the SMS rows, so a second run finds nothing left to claim (PostgreSQL re-checks
    the condition after the first commits; SQLite runs the two write transactions one after the
    other). Returns the number of units told.
    """
    now, cutoff = clock.now(), stale_before()
    unit_ids = list(_due(cutoff).order_by().values_list("unit_id", flat=True).distinct())
    told = 0
    for unit_id in unit_ids:
        try:
            with transaction.atomic():
                if not _due(cutoff).filter(unit_id=unit_id).update(stale_notified_at=now):
                    continue  # another run got there first
                unit = Unit.objects.get(pk=unit_id)
                count = stale(ServiceGuide.objects.filter(unit=unit)).count()
                recipients = list(access.unit_users(unit, role_names={roles.UNIT_LIAISON}))
                if not recipients:
                    recipients = list(access.unit_users(unit, role_names={roles.UNIT_HEAD}))
                ids = [
                    messaging.queue_sms(
                        phone=user.staff.phone, template="unit_guides_stale", params={"count": count},
                        recipient_user=user,
                    ).pk
                    for user in recipients
                    if user.staff.phone
                ]
                messaging.deliver_after_commit(ids)
            told += 1
        except Exception:
            # one unit's failure must not stop the others; its claim rolled back, so the next night tries again
            logger.exception("stale guides notice for unit %s failed", unit_id)
    return told


# --- selectors ----------------------------------------------------------------------------------------


def published(queryset=None):
    qs = ServiceGuide.objects.all() if queryset is None else queryset
    return qs.filter(status=Status.PUBLISHED)


def stale(queryset=None):
    return published(queryset).filter(last_checked__lt=stale_before())


def with_stale_flag(queryset):
    """Annotate `stale` (published and past its check date) for lists."""
    return queryset.annotate(
        stale=Case(
            When(status=Status.PUBLISHED, last_checked__lt=stale_before(), then=Value(True)),
            default=Value(False), output_field=BooleanField(),
        )
    )


def public_list(*, category="", unit_id=None):
    """Published guides by category and unit, for the public list without a query."""
    qs = published().select_related("unit")
    if category:
        qs = qs.filter(category=category)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    # categories in their declared order (办证, 办事, 缴费, 其他), not alphabetically by code
    order = Case(
        *(When(category=value, then=Value(i)) for i, value in enumerate(ServiceGuide.Category.values)),
        default=Value(len(ServiceGuide.Category.values)), output_field=IntegerField(),
    )
    return qs.annotate(category_order=order).order_by("category_order", "unit__name", "title", "pk")


def public_units():
    """Units with at least one published guide (the public filter's choices)."""
    return Unit.objects.filter(guides__status=Status.PUBLISHED).distinct().order_by("kind", "name")


# The search. Chinese has no spaces between words, so a query is cut into overlapping character
# pairs (bigrams): 办身份证 → 办身 身份 份证, of which 身份 and 份证 are found in 居民身份证换领.
# Spaces (and punctuation) separate terms; a Latin or digit term is matched whole. Matching and
# ranking are done by the database on the normalised copies the service keeps (search_title,
# search_keywords, search_text), with LIKE, the same on PostgreSQL and SQLite.

MAX_QUERY = 50
MAX_GRAMS = 16
# words of a spoken question that say nothing about the matter ("怎么补办身份证" → "补办身份证")
_FILLERS = re.compile(r"怎么办|怎么|怎样|如何|请问|我想|我要|想要|需要|什么|哪里|在哪|可以|一下")
_TERMS = re.compile(r"[\W_]+")


def query_grams(query):
    """The normalised terms and character pairs of a query that the search looks for."""
    text = normalise(query)[:MAX_QUERY]
    grams = _grams(_FILLERS.sub(" ", text)) or _grams(text)
    return grams[:MAX_GRAMS]


def _grams(text):
    grams = []
    for term in _TERMS.split(text):
        if not term:
            continue
        pieces = [term] if term.isascii() or len(term) <= 2 else [term[i:i + 2] for i in range(len(term) - 1)]
        grams.extend(piece for piece in pieces if piece not in grams)
    return grams


def _hits(field, grams):
    return sum(
        (Case(When(**{f"{field}__contains": gram}, then=Value(1)), default=Value(0), output_field=IntegerField())
         for gram in grams),
        Value(0, output_field=IntegerField()),
    )


def search(query, queryset=None):
    """Published guides matching `query`, best first: more pairs found in the title, then in the
    keywords, then anywhere. A guide must hold at least half of the query's pairs (at least one)."""
    grams = query_grams(query)
    if not grams:
        return ServiceGuide.objects.none()
    needed = max(1, len(grams) // 2)
    return (
        published(queryset)
        .annotate(
            title_hits=_hits("search_title", grams),
            keyword_hits=_hits("search_keywords", grams),
            text_hits=_hits("search_text", grams),
        )
        .filter(text_hits__gte=needed)
        .order_by("-title_hits", "-keyword_hits", "-text_hits", "title", "pk")
    )


__all__ = [
    "draft", "edit", "submit", "publish", "send_back", "withdraw", "mark_checked", "notify_stale",
    "has_stale_to_notify", "search", "public_list", "published", "stale", "with_stale_flag", "public_link",
    "is_stale", "normalise", "query_grams",
]
