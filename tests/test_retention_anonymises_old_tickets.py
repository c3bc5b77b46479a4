"""The retention period (HOTLINE_RETENTION_YEARS, docs/privacy.md): the nightly job anonymises the personal
data of tickets closed more than N years ago. A resident with nothing newer is erased; one still in touch keeps
their record and only the old tickets lose them. Safe to run twice, and twice at once."""

import threading

import pytest
from django.db import connection

from hotline import privacy, tasks, workflow
from hotline.management.commands import run_scheduler
from hotline.models import ErasureRecord, Message, Resident, Ticket
from tests.conftest import advance_ticket, at


def closed_ticket(people, units, *, phone, words):
    ticket = workflow.receive(
        by=people["operator"], kind="help", channel="phone", title="路灯不亮", description=words, phone=phone,
        resident_name="李四",
    )
    return advance_ticket(ticket, "closed", people=people, lead_unit=units["roads"])


@pytest.fixture
def history(time_machine, people, units, settings):
    settings.HOTLINE = {**settings.HOTLINE, "RETENTION_YEARS": 5}
    time_machine.move_to(at(2019, 3, 4, 10, 0), tick=False)  # a Monday
    gone = closed_ticket(people, units, phone="+8613700000001", words="李四说回电13700000001")
    old = closed_ticket(people, units, phone="+8613700000002", words="回电137 0000 0002")
    time_machine.move_to(at(2024, 3, 4, 10, 0), tick=False)
    recent = closed_ticket(people, units, phone="+8613700000003", words="回电13700000003")
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    new = workflow.receive(
        by=people["operator"], kind="help", channel="phone", title="又停水", description="回电13700000002",
        phone="+8613700000002",
    )
    return {"gone": gone, "old": old, "recent": recent, "new": new}


@pytest.mark.django_db
def test_the_nightly_job_anonymises_tickets_closed_more_than_n_years_ago(history):
    assert privacy.has_expired_personal_data()

    done = tasks.anonymise_expired_personal_data.enqueue().return_value

    assert done["erased"] == 1 and done["unlinked"] == 1
    # nothing newer: the resident is erased, the ticket kept with the anonymised resident
    gone = Resident.objects.get(pk=history["gone"].resident_id)
    assert (gone.phone, gone.name) == (None, privacy.ERASED_NAME) and gone.erased_at
    ticket = Ticket.objects.get(pk=history["gone"].pk)
    assert "13700000001" not in ticket.description and "李四" not in ticket.description
    assert ticket.lead_unit_id and ticket.satisfaction == "satisfied"
    assert ErasureRecord.objects.get(resident=gone).kind == "retention"
    # still in touch: the old ticket loses the resident, the numbers in its texts and SMS; the new one keeps them
    old = Ticket.objects.get(pk=history["old"].pk)
    assert old.resident_id is None and "0002" not in old.description
    assert all(row.resident_id is None and "0002" not in row.description for row in old.history.all())
    assert all(m.phone == "" and m.body == privacy.ERASED_TEXT for m in Message.objects.filter(ticket=old, recipient_user__isnull=True))
    new = Ticket.objects.get(pk=history["new"].pk)
    assert new.resident.phone == "+8613700000002" and "13700000002" in new.description
    assert Message.objects.filter(ticket=new, phone="+8613700000002").exists()
    # closed four years ago: untouched
    recent = Ticket.objects.get(pk=history["recent"].pk)
    assert recent.resident.phone == "+8613700000003" and "13700000003" in recent.description

    assert not privacy.has_expired_personal_data()
    again = privacy.anonymise_expired()
    assert (again["erased"], again["unlinked"]) == (0, 0) and ErasureRecord.objects.count() == 2


@pytest.mark.django_db
def test_nothing_is_anonymised_before_its_time_or_when_retention_is_off(history, settings, time_machine):
    settings.HOTLINE = {**settings.HOTLINE, "RETENTION_YEARS": 0}
    assert not privacy.has_expired_personal_data()
    assert privacy.anonymise_expired() == {"erased": 0, "unlinked": 0, "messages": 0}
    settings.HOTLINE = {**settings.HOTLINE, "RETENTION_YEARS": 10}
    assert privacy.anonymise_expired()["erased"] == 0
    assert not ErasureRecord.objects.exists() and Resident.objects.filter(phone__isnull=True).count() == 0


@pytest.mark.django_db
def test_the_scheduler_enqueues_the_job_nightly_only_when_there_is_work():
    assert (tasks.anonymise_expired_personal_data, privacy.has_expired_personal_data) in run_scheduler.NIGHTLY_WHEN


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_erase_each_resident_once(history):
    results, errors = [], []

    def run():
        try:
            results.append(privacy.anonymise_expired())
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(r["erased"] for r in results) == 1 and sum(r["unlinked"] for r in results) == 1
    assert ErasureRecord.objects.count() == 2
