"""SMS rows are written in the action's transaction and delivered only after it commits."""

import pytest
from django.db import transaction

from hotline import tasks, workflow
from hotline.models import Message

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_the_acknowledgement_is_sent_after_the_commit(people, resident, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路灯不亮", resident=resident)
    message = Message.objects.get(ticket=ticket, template="received")
    assert message.status == "queued" and outbox == []  # nothing leaves before the commit

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.status == "sent"
    assert [(sms["to"], sms["template"]) for sms in outbox] == [("+8613800138000", "received")]
    assert ticket.number in outbox[0]["text"]


def test_messages_of_a_transaction_that_rolls_back_are_never_sent(
    make_ticket, people, units, outbox, django_capture_on_commit_callbacks
):
    ticket = make_ticket("new")
    before = set(Message.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
            assert Message.objects.exclude(pk__in=before).count() == 2  # the resident's and the liaison's
            raise Boom

    assert callbacks == []
    assert not Message.objects.exclude(pk__in=before).exists()
    assert tasks.deliver_due_messages.enqueue().return_value == len(before)  # only the earlier acknowledgement
    assert [sms["template"] for sms in outbox] == ["received"]
