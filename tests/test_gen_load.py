"""`manage.py gen_load` (issue 9): the benchmarks' data generator.

On PostgreSQL it makes a consistent history (every ticket's rounds, replies and timeline, residents
and messages) that the KPI queries read; it refuses SQLite, refuses a database holding tickets, and
with --if-missing does nothing when enough tickets are there. Transactional: the generator VACUUMs.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hotline import kpis
from hotline.models import Assignment, Message, Reply, Resident, Ticket, TicketEvent, Unit

# transactional (the generator VACUUMs); migration_data: an earlier transactional test emptied the role groups
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("migration_data")]


def gen_load(**options):
    out = StringIO()
    call_command("gen_load", stdout=out, with_debug_off=True, **options)
    return out.getvalue()


def test_gen_load_makes_a_consistent_history_or_refuses_sqlite():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            gen_load(tickets=300)
        assert not Ticket.objects.exists()
        return

    report = gen_load(tickets=400, years=0.5)

    assert "total" in report
    assert Unit.objects.count() >= 20  # the demo's reference data was loaded first
    made = Ticket.objects.count()
    assert 400 <= made <= 400 + 5
    assert Resident.objects.exists() and Reply.objects.exists()
    assert TicketEvent.objects.count() > made  # a timeline for every ticket
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    # consistent by construction: no dangling round, every dispatched ticket's rounds point at units
    assert not Assignment.objects.filter(ticket__isnull=True).exists()
    assert not Assignment.objects.exclude(unit_id__in=Unit.objects.values("pk")).exists()
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    # the KPI queries read it
    first = Ticket.objects.order_by("created_at").first().created_at
    rows = kpis.unit_table(start=first, end=Ticket.objects.order_by("-created_at").first().created_at)
    assert sum(row["received"] or 0 for row in rows) > 0

    # a second run refuses, unless --if-missing finds enough tickets there
    with pytest.raises(CommandError, match="already holds"):
        gen_load(tickets=400)
    assert "nothing to do" in gen_load(tickets=400, if_missing=True)
    with pytest.raises(CommandError, match="already holds"):
        gen_load(tickets=10_000, if_missing=True)
    assert Ticket.objects.count() == made


def test_bad_arguments_are_refused_before_anything_is_written():
    for options in ({"tickets": 0}, {"tickets": 10, "years": 0}, {"tickets": 10, "seed": 2}):
        with pytest.raises(CommandError):
            gen_load(**options)
    assert not Unit.objects.exists()
