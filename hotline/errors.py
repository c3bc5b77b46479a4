"""Domain errors raised by the workflow; views and the API turn them into responses."""


class WorkflowError(Exception):
    """Base class: `message` is safe to show to the user who attempted the action."""

    def __init__(self, message, *, field_errors=None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotAllowed(WorkflowError):
    """The user's role or unit does not permit this action on this ticket (HTTP 403/404)."""


class InvalidState(WorkflowError):
    """The ticket is not in a state where the action applies (HTTP 409)."""


class InvalidInput(WorkflowError):
    """The action's input is wrong (HTTP 400); `field_errors` maps fields to messages."""
