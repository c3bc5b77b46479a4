"""The ticket list as XLSX (工单导出), with the list page's filters and the same access rule.

A write-only workbook filled from one query (joined rows, read in chunks) plus one for the category
tree: the cost does not grow with the number of rows beyond reading them. At most `max_rows` rows
(settings.HOTLINE["EXPORT_MAX_ROWS"], 50,000 by default); when there are more, the last row says so.
The resident is shown as on the list page: name and masked phone, or 保密 where the user may not see them.
"""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import access
from hotline.hot_topics import category_paths
from hotline.phones import mask_phone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_MAX_ROWS = 50_000


def max_rows():
    return getattr(settings, "HOTLINE", {}).get("EXPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def headers():
    return [
        _("工单号"), _("受理时间"), _("来源渠道"), _("诉求类型"), _("状态"), _("标题"), _("事项分类"), _("村/社区"),
        _("主办单位"), _("签收期限"), _("办结期限"), _("办结时间"), _("满意度"), _("群众"),
    ]


def _resident(user, ticket):
    if ticket.resident_id is None:
        return ""
    if not access.sees_resident(user, ticket):
        return _("保密")
    return " ".join(part for part in (ticket.resident.name, mask_phone(ticket.resident.phone or "")) if part)


def text_cells(book):
    """Every string cell of an ordinary (not write-only) workbook typed as text, so a unit name or any
    words starting with =, +, - or @ are never taken as a formula by a spreadsheet (formula injection);
    control characters, which XLSX cannot hold, are dropped. Call just before saving."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
                    cell.value = value
                    cell.data_type = "s"


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def workbook(user, tickets, *, limit=None):
    """XLSX bytes of `tickets` (a queryset from hotline.queues.filtered_tickets, so already visible to `user`)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    limit = max_rows() if limit is None else limit
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("工单"))
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMN", (10, 17, 10, 8, 8, 40, 24, 18, 18, 17, 17, 17, 8, 18)):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)

    def text(value, **style):
        # typed as a string: a title that starts with "=" stays text, never becomes a formula;
        # control characters (an SMS may carry them) are not allowed in XLSX
        written = WriteOnlyCell(sheet, value=None)
        written.value, written.data_type = ILLEGAL_CHARACTERS_RE.sub("", str(value)), "s"
        for name, setting in style.items():
            setattr(written, name, setting)
        return written

    def when(value):
        written = WriteOnlyCell(sheet, value=_local(value))
        written.number_format = "yyyy-mm-dd hh:mm"
        return written

    sheet.append([text(h, font=bold) for h in headers()])
    paths = category_paths()
    rows = tickets.select_related("resident", "lead_unit", "village__township")[: limit + 1]
    written = 0
    for ticket in rows.iterator(chunk_size=2000):
        if written == limit:
            sheet.append([text(_("仅导出前%(limit)s行：符合条件的工单超过上限，请缩小查询条件后分批导出。") % {"limit": limit}, font=bold)])
            break
        sheet.append([
            text(ticket.number), when(ticket.created_at), text(ticket.get_channel_display()),
            text(ticket.get_kind_display()), text(ticket.get_status_display()), text(ticket.title),
            text(paths.get(ticket.category_id, "")), text(str(ticket.village) if ticket.village_id else ""),
            text(ticket.lead_unit.name if ticket.lead_unit_id else ""), when(ticket.sign_by), when(ticket.reply_by),
            when(ticket.closed_at), text(ticket.get_satisfaction_display()), text(_resident(user, ticket)),
        ])
        written += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
