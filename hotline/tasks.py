"""Background tasks (django-tasks). Each is safe to run twice or concurrently."""

from django_tasks import task

from hotline import messaging


@task()
def deliver_message(*, message_id):
    return messaging.deliver(message_id=message_id)


@task()
def deliver_due_messages():
    """Retries that are due and sends whose lease expired."""
    sent = 0
    for message_id in messaging.due_message_ids():
        messaging.deliver(message_id=message_id)
        sent += 1
    return sent


@task()
def sweep_deadlines():
    from hotline.sweep import sweep

    return sweep()
