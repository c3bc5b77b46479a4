"""Enqueue the periodic jobs (django-tasks-db has no scheduler of its own).

Every minute: the deadline sweep and SMS retries that are due (including sends
whose lease expired), and, while any rows are pending, upstream platforms' webhook
retries. Nightly: pruning of finished task results, the notice of service guides past their
check date, and deleting public-form promotion requests never confirmed and SMS-code
confirmations older than a week, training the unit classifier on new history, and anonymising
the personal data of tickets past the retention period (each only when there is something to do). Every job is safe if two
schedulers run at once, so a second copy does no harm.

A send whose lease expired has an unknown outcome (its worker died, maybe after the
provider took the message): `messaging.deliver` asks the provider whether it already
has it before sending it again, so re-queueing it never sends it twice.
"""

import logging
import signal
import threading
import time

from django.core.management import BaseCommand, call_command
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from hotline import confirmations, guides, privacy, promotion_tasks, promotions, tasks, upstream
from hotline.routing import training

logger = logging.getLogger(__name__)

MINUTELY = (tasks.sweep_deadlines, tasks.deliver_due_messages)
# enqueued only while there is something to do: upstream platforms' webhook retries and expired leases
MINUTELY_WHEN = ((tasks.deliver_due_webhooks, upstream.has_pending_deliveries),)
# nightly, and only when there is something to do: units told of service guides past their check date
NIGHTLY_WHEN = (
    (tasks.notify_stale_guides, guides.has_stale_to_notify),
    # public-form promotion requests whose SMS code never came back (with their photos)
    (promotion_tasks.purge_unconfirmed_promotions, promotions.has_unconfirmed_to_purge),
    (tasks.purge_confirmations, confirmations.has_old_to_purge),
    # a new version of the unit classifier when tickets were handled since the last training
    (tasks.train_router, training.has_new_history),
    # personal data of tickets closed more than HOTLINE_RETENTION_YEARS ago (docs/privacy.md)
    (tasks.anonymise_expired_personal_data, privacy.has_expired_personal_data),
)


class Command(BaseCommand):
    help = "Enqueue the deadline sweep, SMS retries and nightly jobs on a fixed schedule."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between rounds (default 60)")
        parser.add_argument("--once", action="store_true", help="enqueue one round and exit")

    def handle(self, *args, interval, once, **options):
        self.running = True
        previous = {}
        if threading.current_thread() is threading.main_thread():  # signal.signal works there only
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, self._stop)
        try:
            self._loop(interval=interval, once=once)
        finally:
            for signum, handler in previous.items():  # leave the caller (a test run, a shell) as it was
                signal.signal(signum, handler)

    def _loop(self, *, interval, once):
        last_nightly = None
        while self.running:
            started = time.monotonic()
            due = [job for job, wanted in MINUTELY_WHEN if _wanted(wanted)]
            for job in (*MINUTELY, *due):
                if _still_waiting(job):
                    continue  # no worker has taken the last one yet: one in the queue is enough
                try:
                    job.enqueue()
                except Exception:
                    logger.exception("could not enqueue %s", job.name)
            today = timezone.localdate()
            if last_nightly != today and timezone.localtime().hour >= 2:
                if isinstance(task_backends["default"], DatabaseBackend):  # nothing to prune otherwise
                    try:
                        call_command("prune_db_task_results", min_age_days=7, verbosity=0)
                    except Exception:
                        logger.exception("nightly prune failed")
                for job, wanted in NIGHTLY_WHEN:
                    if _wanted(wanted) and not _still_waiting(job):
                        try:
                            job.enqueue()
                        except Exception:
                            logger.exception("could not enqueue %s", job.name)
                last_nightly = today
            if once:
                return
            while self.running and time.monotonic() - started < interval:
                time.sleep(0.5)

    def _stop(self, *args):
        self.running = False


def _wanted(check):
    try:
        return check()
    except Exception:
        logger.exception("could not check for pending work")
        return True


def _still_waiting(job):
    """True if this job is already queued and not started (only the database backend can tell)."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=job.module_path, status="READY").exists()
