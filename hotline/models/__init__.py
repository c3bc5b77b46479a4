from hotline.models.calendar import CalendarDay, CalendarYear, SlaPolicy, WorkPeriod
from hotline.models.intake import PromotionRequest
from hotline.models.integrations import Open311Key, UpstreamSystem, WebhookDelivery
from hotline.models.messages import Call, Message, SmsTemplate
from hotline.models.org import StaffProfile, Unit, Village
from hotline.models.people import Resident
from hotline.models.tickets import (
    Assignment,
    Category,
    ExtensionRequest,
    Reply,
    ReturnRequest,
    Ticket,
    TicketEvent,
)

__all__ = [
    "Assignment",
    "CalendarDay",
    "CalendarYear",
    "Call",
    "Category",
    "ExtensionRequest",
    "Message",
    "Open311Key",
    "PromotionRequest",
    "Reply",
    "Resident",
    "ReturnRequest",
    "SlaPolicy",
    "SmsTemplate",
    "StaffProfile",
    "Ticket",
    "TicketEvent",
    "Unit",
    "UpstreamSystem",
    "Village",
    "WebhookDelivery",
    "WorkPeriod",
]
