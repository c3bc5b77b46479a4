"""Cursor pagination: stable pages while new tickets keep arriving, and no COUNT(*) over the table."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class TicketCursor(Cursor):
    # newest first; the pk breaks ties between tickets received in the same instant
    ordering = ("-created_at", "-pk")


class NewestFirstCursor(Cursor):
    ordering = ("-created_at", "-pk")


class CallCursor(Cursor):
    ordering = ("-started_at", "-pk")


class ResidentCursor(Cursor):
    ordering = ("-pk",)
