"""Training the unit classifier on the deployment's own history, nightly and on demand.

The label of a ticket is the unit that finally handled it: its latest lead round that was replied
and not returned. A unit that returned a ticket is never its label (its round is returned), and a
unit whose reply was reopened to another unit is not either (a later round handled it). Invalid
and merged tickets teach nothing; imported past work orders do.

Each run is a `RouterModel` version. The newest fifth of the history (by receipt time) is held out:
the model is fitted on the rest and scored there (top-1, top-3), and so are the rules alone. The new
version becomes active only if it is not worse than the active one (`_worse_than`: on held-out
tickets the active one never saw, or against its own held-out figure); it is then fitted again on
the whole history. Too little history: no model, and
suggestions stay with the rules and townships.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.models import Assignment, Category, RouterModel
from hotline.models.choices import AssignmentRole, CloseReason, Kind
from hotline.routing import classifier, rules
from hotline.routing.text import ticket_document

logger = logging.getLogger(__name__)

MIN_SAMPLES = 200  # below this, and below 2 units, suggestions use the rules and townships only
MAX_SAMPLES = 200_000  # the newest; older history adds time, not accuracy
HELD_OUT = 0.2
MIN_COMPARED = 50  # held-out tickets the active version never saw, to compare on them
TOLERANCE = 0.02  # otherwise: not worse than the active version's own held-out top-1 by more than this
STALE_TRAINING = dt.timedelta(hours=3)  # a TRAINING row older than this was left by a crashed run


def _handled():
    """Lead rounds that handled their ticket in the end (replied, not returned, no later such round)."""
    finished = Q(role=AssignmentRole.LEAD, replied_at__isnull=False, returned_at__isnull=True)
    later = Assignment.objects.filter(finished, ticket=OuterRef("ticket"), round__gt=OuterRef("round"))
    return (
        Assignment.objects.filter(finished)
        .exclude(ticket__close_reason__in=[CloseReason.INVALID, CloseReason.DUPLICATE])
        .exclude(Exists(later))
    )


def labelled_count():
    return _handled().count()


def labelled_history(limit=MAX_SAMPLES):
    """[{"document", "unit", "township", "created_at"}] of the newest `limit` labelled tickets, oldest first."""
    rows = list(
        _handled()
        .order_by("-ticket__created_at", "-ticket_id")
        .values_list(
            "unit_id", "ticket__title", "ticket__description", "ticket__category_id", "ticket__kind",
            "ticket__village__township_id", "ticket__created_at",
        )[:limit]
    )
    paths = category_paths()
    kinds = dict(Kind.choices)
    history = [
        {
            "unit": unit,
            "document": ticket_document(
                title=title, description=description, category_text=paths.get(category, ""),
                kind_label=str(kinds.get(kind, "")),
            ),
            "township": township,
            "created_at": created_at,
        }
        for unit, title, description, category, kind, township, created_at in rows
    ]
    history.reverse()
    return history


def category_paths():
    """{category id: "城乡建设 道路 路灯"} from one query over the whole tree."""
    tree = {pk: (name, parent) for pk, name, parent in Category.objects.values_list("pk", "name", "parent")}

    def path(pk):
        names, seen = [], set()
        while pk is not None and pk in tree and pk not in seen:
            seen.add(pk)
            names.append(tree[pk][0])
            pk = tree[pk][1]
        return " ".join(reversed(names))

    return {pk: path(pk) for pk in tree}


def has_new_history():
    """For the nightly job: enough labelled history, and more of it than the last run saw."""
    count = labelled_count()
    if count < MIN_SAMPLES:
        return False
    last = RouterModel.objects.exclude(status=RouterModel.Status.TRAINING).order_by("-version").first()
    return last is None or last.samples != count


def _claim(*, by, trigger, now):
    """The TRAINING row of this run, or None if another run is training now."""
    RouterModel.objects.filter(status=RouterModel.Status.TRAINING, started_at__lt=now - STALE_TRAINING).update(
        status=RouterModel.Status.FAILED, finished_at=now, note=_("训练中断（进程退出）。")
    )
    try:
        with transaction.atomic():
            version = (RouterModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            return RouterModel.objects.create(
                version=version, trigger=trigger, started_by=by, started_at=now, library=classifier.LIBRARY
            )
    except IntegrityError:  # another run holds the TRAINING row (or took this version number)
        return None


def _top_k(rankings, truths, k):
    if not truths:
        return None
    hits = sum(1 for ranking, truth in zip(rankings, truths) if truth in [unit for unit, _p in ranking[:k]])
    return hits / len(truths)


def _rules_rankings(test):
    """What the rules and the village's township alone would suggest for each held-out ticket."""
    from hotline.routing.suggest import combine_rules_and_township

    active = rules.active_rules()
    return [combine_rules_and_township(row["document"], row["township"], active) for row in test]


def train(*, by=None, trigger="manual", now=None):
    """Train a new version; returns its RouterModel, or None when another run is training now."""
    now = now or clock.now()
    run = _claim(by=by, trigger=trigger, now=now)
    if run is None:
        return None
    try:
        _train(run)
    except Exception as exc:
        logger.exception("training the unit classifier failed")
        RouterModel.objects.filter(pk=run.pk).update(
            status=RouterModel.Status.FAILED, finished_at=timezone.now(), note=f"{type(exc).__name__}: {exc}"[:2000]
        )
        run.refresh_from_db()
        return run
    return run


def _worse_than(run, current, rankings, test):
    """Is the new version worse than the active one? Compared fairly: on the held-out tickets newer
    than the active version's history (which it was fitted on, held-out slice included), when there
    are enough; otherwise against the active version's own held-out figure, with a small tolerance
    (the two slices differ). An active version that cannot be loaded counts as no better."""
    run.compared_with = current
    fresh = [i for i, row in enumerate(test) if current.data_until is None or row["created_at"] > current.data_until]
    if len(fresh) >= MIN_COMPARED:
        try:
            old = classifier.loads(current.artifact)
        except Exception:  # e.g. stored by another scikit-learn version
            logger.exception("the active unit classifier v%s could not be loaded", current.version)
            return False
        truths = [test[i]["unit"] for i in fresh]
        run.compared_on = len(fresh)
        run.compared_top1 = _top_k(classifier.ranked(old, [test[i]["document"] for i in fresh], top=1), truths, 1)
        run.compared_new_top1 = _top_k([rankings[i] for i in fresh], truths, 1)
        return run.compared_new_top1 < run.compared_top1
    if current.top1 is None:
        return False
    run.compared_top1 = current.top1
    return run.top1 < current.top1 - TOLERANCE


def _train(run):
    history = labelled_history()
    units = {row["unit"] for row in history}
    run.samples, run.classes = len(history), len(units)
    if len(history) < MIN_SAMPLES or len(units) < 2:
        run.status, run.finished_at = RouterModel.Status.REJECTED, timezone.now()
        run.note = _("历史工单不足（%(n)d 件，%(units)d 个单位；至少需要 %(min)d 件、2 个单位），继续只用关键词规则和乡镇。") % {
            "n": len(history), "units": len(units), "min": MIN_SAMPLES,
        }
        run.save()
        return

    cut = len(history) - max(1, int(len(history) * HELD_OUT))
    train_rows, test = history[:cut], history[cut:]
    run.train_samples, run.test_samples = len(train_rows), len(test)
    truths = [row["unit"] for row in test]
    documents = [row["document"] for row in test]

    if len({row["unit"] for row in train_rows}) < 2:
        candidate = None
    else:
        candidate = classifier.fit([row["document"] for row in train_rows], [row["unit"] for row in train_rows])
    rankings = classifier.ranked(candidate, documents, top=3) if candidate is not None else [[] for _row in test]
    run.top1, run.top3 = _top_k(rankings, truths, 1), _top_k(rankings, truths, 3)
    run.rules_top1 = _top_k(_rules_rankings(test), truths, 1)

    run.data_until = history[-1]["created_at"]
    current = RouterModel.objects.filter(status=RouterModel.Status.ACTIVE).first()
    if current is not None and _worse_than(run, current, rankings, test):
        run.status, run.finished_at = RouterModel.Status.REJECTED, timezone.now()
        run.note = _("首位命中率 %(new).1f%% 低于使用中的 v%(version)d（%(old).1f%%），未采用。") % {
            "new": (run.compared_new_top1 if run.compared_on else run.top1) * 100,
            "old": run.compared_top1 * 100, "version": current.version,
        }
        run.save()
        return

    final = classifier.fit([row["document"] for row in history], [row["unit"] for row in history])
    run.artifact = classifier.dumps(final)
    run.finished_at = timezone.now()
    with transaction.atomic():
        if current is not None:
            RouterModel.objects.filter(pk=current.pk).update(status=RouterModel.Status.RETIRED, artifact=None)
        run.status = RouterModel.Status.ACTIVE
        run.note = _("已采用：在最新的 %(n)d 件历史工单上首位命中率 %(top1).1f%%，前三命中率 %(top3).1f%%。") % {
            "n": run.test_samples, "top1": run.top1 * 100, "top3": run.top3 * 100,
        }
        run.save()


def latest():
    """The newest finished version (for the admin and the command's report)."""
    return RouterModel.objects.exclude(status=RouterModel.Status.TRAINING).order_by("-version").first()
