"""Fill a PostgreSQL database with a large ticket history for benchmarks (bench/README.md, issue 9).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \\
        python manage.py gen_load --tickets 1000000 [--years 3] [--residents N] [--seed S] [--if-missing]

The database must be migrated. Its reference data (the demo's units, villages, categories and
logins) is loaded first when it has none. A database that already holds tickets is refused, except
with --if-missing, which then does nothing when it holds at least --tickets tickets (so `make bench`
can be run again without making the data twice).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from hotline.demo import bulk_history
from hotline.models import Ticket, Unit

# the demo's reference data brings a ticket or two (pledge feedback); more means a history is there
REFERENCE_TICKETS = 100


class Command(BaseCommand):
    help = "Generate a large, plausible ticket history in PostgreSQL for benchmarks (set-based SQL, minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=1_000_000)
        parser.add_argument("--years", type=float, default=3, help="history ending now (default 3)")
        parser.add_argument("--residents", type=int, default=0, help="default: a quarter of the tickets")
        parser.add_argument("--seed", type=float, default=0.2021, help="PostgreSQL setseed() value in -1..1")
        parser.add_argument(
            "--if-missing", action="store_true",
            help="do nothing when the database already holds at least --tickets tickets",
        )
        parser.add_argument(
            "--with-debug-off", action="store_true",
            help="allow the demo logins (published password) with DEBUG off: benchmark databases only",
        )

    def handle(self, *args, tickets, years, residents, seed, if_missing, with_debug_off, **options):
        if connection.vendor != "postgresql":
            raise CommandError("gen_load needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite is refused).")
        if tickets < 1 or not 0 < years <= 20 or not -1 <= seed <= 1:
            raise CommandError("--tickets must be positive, --years between 0 and 20, --seed between -1 and 1.")
        held = Ticket.objects.count()
        if held > REFERENCE_TICKETS:
            if if_missing and held >= tickets:
                self.stdout.write(f"the database already holds {held:,} tickets: nothing to do")
                return
            raise CommandError(
                f"this database already holds {held:,} tickets: use a fresh database "
                "(dropdb and createdb, then migrate)."
            )
        if not Unit.objects.exists():
            call_command("load_demo", tickets=0, stdout=self.stdout, debug_off_ok=with_debug_off)
        try:
            bulk_history.generate(
                tickets=tickets, years=years, residents=residents, seed=seed,
                log=lambda line: self.stdout.write(line),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
