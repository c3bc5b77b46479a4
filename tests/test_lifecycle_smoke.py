import pytest

from hotline.models import Message, TicketEvent


@pytest.mark.django_db
def test_a_ticket_goes_from_receipt_to_rated_close(make_ticket, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket("closed")
    assert ticket.status == "closed" and ticket.close_reason == "rated"
    actions = list(ticket.events.values_list("action", flat=True))
    assert actions[:4] == ["receive", "dispatch", "sign", "reply"]
    assert "satisfaction" in actions
    assert Message.objects.filter(ticket=ticket, status="sent").count() == len(outbox) > 0
    assert TicketEvent.objects.filter(ticket=ticket, public=True).exists()
