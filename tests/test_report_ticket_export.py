"""The ticket list as XLSX (/tickets/export.xlsx): the list page's link carries its filters; the export
respects them and the access rule, hides residents where the list does, caps its rows, keeps titles as
text (never formulas), and costs a fixed number of queries."""

import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from hotline import workflow
from hotline.models import Category, Resident

from .conftest import advance_ticket, at

pytestmark = pytest.mark.django_db

HEADERS = ["工单号", "受理时间", "来源渠道", "诉求类型", "状态", "标题", "事项分类", "村/社区", "主办单位",
           "签收期限", "办结期限", "办结时间", "满意度", "群众"]


def rows(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="tickets-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADERS
    return values[1:]


def by_number(table):
    return {row[0]: dict(zip(HEADERS, row)) for row in table if row[0] and row[0].isdigit()}


@pytest.fixture
def tickets(people, units, resident, village):
    """A closed help ticket of the roads bureau (category, village), a confidential one and a report of the
    roads bureau, a water bureau ticket and a new SMS consultation."""
    lights = Category.objects.create(name="路灯", parent=Category.objects.create(name="城乡建设"))
    built = {}
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        def receive(key, *, lead=None, state="dispatched", channel="phone", **extra):
            extra.setdefault("kind", "help")
            ticket = workflow.receive(by=people["operator"], channel=channel, description="…", resident=resident,
                                      **extra)
            built[key] = advance_ticket(ticket, state if lead else "new", people=people, lead_unit=lead)

        receive("closed", lead=units["roads"], state="closed", title="石门村路灯不亮", category=lights, village=village)
        receive("confidential", lead=units["roads"], title="保密反映", confidential=True)
        receive("report", lead=units["roads"], title="举报违规收费", kind="report")
        receive("water", lead=units["water"], title="停水")
        receive("new", title="社保怎么交", kind="consultation", channel="sms")
    return built


def test_the_list_links_to_the_export_with_its_filters(client, people, tickets):
    client.force_login(people["operator"])
    page = client.get("/tickets/?kind=help&q=%E8%B7%AF%E7%81%AF&page=1").content.decode()
    assert 'href="/tickets/export.xlsx?kind=help&amp;q=%E8%B7%AF%E7%81%AF"' in page
    assert "导出Excel" in page
    assert 'href="/tickets/export.xlsx"' in client.get("/tickets/").content.decode()


def test_operators_export_every_ticket_with_every_column(client, people, tickets):
    client.force_login(people["operator"])
    got = by_number(rows(client.get("/tickets/export.xlsx")))
    assert set(got) == {t.number for t in tickets.values()}
    closed = got[tickets["closed"].number]
    assert closed["来源渠道"] == "电话" and closed["诉求类型"] == "求助" and closed["状态"] == "已办结"
    assert closed["标题"] == "石门村路灯不亮"
    assert closed["事项分类"] == "城乡建设 › 路灯" and closed["村/社区"] == "青山镇石门村"
    assert closed["主办单位"] == "区交通运输局" and closed["满意度"] == "满意"
    assert closed["受理时间"].strftime("%Y-%m-%d %H:%M") == "2026-03-02 10:00"  # local time
    assert closed["签收期限"] is not None and closed["办结期限"] is not None and closed["办结时间"] is not None
    assert closed["群众"] == "张三 138****8000"  # as the list shows it: the phone masked
    assert got[tickets["report"].number]["群众"] == "张三 138****8000"  # the hotline sees every resident
    assert got[tickets["new"].number]["主办单位"] is None and got[tickets["new"].number]["签收期限"] is None


def test_filters_are_respected(client, people, tickets):
    client.force_login(people["operator"])
    assert set(by_number(rows(client.get("/tickets/export.xlsx?kind=help")))) == {
        tickets[k].number for k in ("closed", "confidential", "water")
    }
    assert set(by_number(rows(client.get("/tickets/export.xlsx?channel=sms")))) == {tickets["new"].number}
    assert set(by_number(rows(client.get(f"/tickets/export.xlsx?unit={tickets['water'].lead_unit_id}")))) == {
        tickets["water"].number
    }
    assert set(by_number(rows(client.get("/tickets/export.xlsx?q=路灯&status=closed")))) == {tickets["closed"].number}
    assert rows(client.get("/tickets/export.xlsx?created_from=2026-03-03")) == []
    assert set(by_number(rows(client.get("/tickets/export.xlsx?queue=new")))) == {tickets["new"].number}


def test_a_unit_exports_only_what_it_sees_and_never_hidden_residents(client, people, tickets):
    client.force_login(people["liaison"])
    got = by_number(rows(client.get("/tickets/export.xlsx")))
    # the roads bureau's own tickets; the report was not about it, so it holds it too
    assert set(got) == {tickets[k].number for k in ("closed", "confidential", "report")}
    assert got[tickets["closed"].number]["群众"] == "张三 138****8000"
    assert got[tickets["confidential"].number]["群众"] == "保密"
    assert got[tickets["report"].number]["群众"] == "保密"
    content = client.get("/tickets/export.xlsx").content
    sheet = load_workbook(io.BytesIO(content)).active
    sheet_text = "".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    assert sheet_text.count("张三") == 1  # only on the ticket it may see the resident of
    # a unit may not look residents up by phone: the search does not match on it
    assert rows(client.get("/tickets/export.xlsx?q=13800138000")) == []
    client.force_login(people["other_liaison"])
    assert set(by_number(rows(client.get("/tickets/export.xlsx")))) == {tickets["water"].number}


def test_a_member_exports_only_what_was_handed_to_them(client, people, tickets):
    client.force_login(people["member"])
    assert rows(client.get("/tickets/export.xlsx")) == []


@pytest.mark.parametrize("who", ["editor", None])
def test_others_may_not(client, people, who):
    if who:
        client.force_login(people[who])
        assert client.get("/tickets/export.xlsx").status_code == 403
    else:
        assert client.get("/tickets/export.xlsx").status_code == 302


def test_bad_filters_are_a_400_that_says_why(client, people, tickets):
    client.force_login(people["operator"])
    response = client.get("/tickets/export.xlsx?created_from=yesterday&kind=nonsense")
    assert response.status_code == 400
    text = response.content.decode()
    assert "查询条件有误" in text and "受理日期从" in text and "诉求类型" in text


def test_the_row_cap_is_stated_in_the_file(client, people, tickets, settings):
    settings.HOTLINE = {**settings.HOTLINE, "EXPORT_MAX_ROWS": 3}
    client.force_login(people["operator"])
    table = rows(client.get("/tickets/export.xlsx"))
    assert len(table) == 4
    assert table[-1][0] == "仅导出前3行：符合条件的工单超过上限，请缩小查询条件后分批导出。"
    settings.HOTLINE = {**settings.HOTLINE, "EXPORT_MAX_ROWS": 5}
    assert len(rows(client.get("/tickets/export.xlsx"))) == 5  # exactly at the cap: no note


def test_titles_stay_text_never_formulas(client, people, resident):
    workflow.receive(by=people["operator"], kind="help", channel="sms", title='=HYPERLINK("http://x.example","点我")\x07',
                     description="…", resident=resident)
    client.force_login(people["operator"])
    response = client.get("/tickets/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=6)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x.example","点我")'


def test_the_ticket_page_still_answers_beside_it(client, people, tickets):
    client.force_login(people["operator"])
    assert client.get(f"/tickets/{tickets['closed'].number}/").status_code == 200
    assert client.get("/tickets/export.xlsx/").status_code == 404  # no ticket has that number


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/tickets/export.xlsx?kind=help").status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["operator", "liaison"])
def test_a_fixed_number_of_queries_whatever_the_rows(client, people, units, village, tickets, who):
    client.force_login(people[who])
    few = _queries(client)
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        for n in range(6):
            someone = Resident.objects.create(phone=f"+861380013810{n}", name=f"李{n}")
            ticket = workflow.receive(by=people["operator"], kind="help", channel="web", title=f"路灯{n}",
                                      description="…", resident=someone, village=village, confidential=n % 2 == 0)
            advance_ticket(ticket, "closed", people=people, lead_unit=units["roads"])
    assert _queries(client) == few
